// The OAuth extensions: device authorization (RFC 8628) with its hosted /device page, pushed
// authorization requests (RFC 9126) and dynamic client registration (RFC 7591/7592). Thin
// handlers over oidc::Provider; DPoP and token exchange ride on /oauth/token.
#include "core/common/url.hpp"
#include "daemon/pages/device_page.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/routes/oauth_http.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using namespace oauth_http;

std::string form_field(const oidc::Params& form, const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
}

Response registration_result(const oidc::RegistrationResult& result) {
    if (auto* e = std::get_if<oidc::OAuthError>(&result)) return oauth_error(*e);
    const auto& ok = std::get<oidc::RegistrationResponse>(result);
    if (ok.status == 204) return Response::no_content();
    return oauth_json(ok.status, ok.body);
}

// JSON bodies at /oauth/register; a parse failure is invalid_client_metadata (RFC 7591 3.2.2).
std::variant<nlohmann::json, oidc::OAuthError> registration_body(const Request& r) {
    if (r.header("Content-Type").rfind("application/json", 0) != 0)
        return oidc::OAuthError{"invalid_client_metadata", "send the client metadata as application/json", 400};
    auto body = parse_json_object(r);
    if (!body) return oidc::OAuthError{"invalid_client_metadata", body.error().message, 400};
    return *body;
}

}  // namespace

void register_oauth_extension_routes(Router& router, DaemonContext& context) {
    auto& provider = *context.provider;
    const std::string secret = context.config.secret_key;
    const bool secure = context.config.base_url.rfind("https://", 0) == 0;

    // ---- RFC 8628 device authorization --------------------------------------------------------
    router.add("POST", "/oauth/device_authorization", Access::public_route, [&provider](Request& r) {
        auto request = token_request(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&request)) return oauth_error(*e);
        const auto& tr = std::get<oidc::TokenRequest>(request);
        return token_result(provider.device_authorization(tr), !tr.authorization_header.empty());
    });

    // The verification page needs a signed-in browser: without one, the hosted login first.
    auto to_login = [](const std::string& user_code) {
        const std::string back = user_code.empty() ? "/device" : "/device?user_code=" + percent_encode(user_code);
        return pages::redirect("/login?return_to=" + percent_encode(back));
    };

    router.add("GET", "/device", Access::public_route, [&provider, &context, secret, secure, to_login](Request& r) {
        const std::string user_code = r.query_param("user_code").value_or("").substr(0, 16);
        if (!provider.browser_login(cookie(r, pages::k_session_cookie))) return to_login(user_code);
        return pages::device_code_page(pages::csrf_for(r, secret), page_look(context, r), user_code, "", 200, secure);
    });

    // Per-IP budget: user codes are short, so guessing them must stay slow (RFC 8628 5.1).
    router.add("POST", "/device", Access::public_route,
               [&provider, &context, secret, secure, to_login](Request& r) {
                   auto form = parse_form(r.body);
                   if (!form) return malformed_form_page(context, r);
                   const auto look = page_look(context, r);
                   const std::string user_code = form_field(*form, "user_code").substr(0, 16);
                   const auto csrf = pages::csrf_for(r, secret);
                   if (!pages::csrf_ok(r, form_field(*form, "csrf_token"), secret))
                       return pages::device_code_page(csrf, look, user_code, look.t("page.session_expired_retry"), 403, secure);
                   if (!provider.browser_login(cookie(r, pages::k_session_cookie))) return to_login(user_code);
                   const auto pending = provider.device_request(user_code);
                   if (!pending)
                       return pages::device_code_page(csrf, look, user_code, look.t("device.invalid_code"), 400, secure);
                   return pages::device_confirm_page(csrf, look, pending->user_code, pending->client_name, pending->scopes, secure);
               },
               RateLimit::per_ip);

    router.add("POST", "/device/decision", Access::public_route,
               [&provider, &context, secret, secure, to_login](Request& r) {
                   auto form = parse_form(r.body);
                   if (!form) return malformed_form_page(context, r);
                   const auto look = page_look(context, r);
                   const std::string user_code = form_field(*form, "user_code").substr(0, 16);
                   const auto csrf = pages::csrf_for(r, secret);
                   if (!pages::csrf_ok(r, form_field(*form, "csrf_token"), secret))
                       return pages::device_code_page(csrf, look, user_code, look.t("page.session_expired_retry"), 403, secure);
                   const auto browser = provider.browser_login(cookie(r, pages::k_session_cookie));
                   if (!browser) return to_login(user_code);
                   const bool approve = form_field(*form, "decision") == "allow";
                   if (!provider.decide_device_request(user_code, *browser, approve, meta_of(r)))
                       return pages::device_code_page(csrf, look, user_code, look.t("device.invalid_code"), 400, secure);
                   return pages::device_done_page(look, approve);
               },
               RateLimit::per_ip);

    // ---- RFC 9126 pushed authorization requests -----------------------------------------------
    router.add("POST", "/oauth/par", Access::public_route, [&provider](Request& r) {
        auto request = token_request(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&request)) return oauth_error(*e);
        const auto& tr = std::get<oidc::TokenRequest>(request);
        auto result = provider.pushed_authorization_request(tr);
        if (auto* e = std::get_if<oidc::OAuthError>(&result)) return oauth_error(*e, !tr.authorization_header.empty());
        return oauth_json(201, std::get<nlohmann::json>(result));
    });

    // ---- RFC 7591 / 7592 dynamic client registration ------------------------------------------
    // Switched off (the default), the endpoints do not exist: 404, and discovery has no
    // registration_endpoint.
    auto disabled = [] {
        return oauth_json(404, {{"error", "not_found"},
                                {"error_description", "dynamic client registration is disabled (OAUTH_DYNAMIC_REGISTRATION_ENABLED)"}});
    };
    router.add("POST", "/oauth/register", Access::public_route,
               [&provider, disabled](Request& r) {
                   if (!provider.registration_enabled()) return disabled();
                   auto body = registration_body(r);
                   if (auto* e = std::get_if<oidc::OAuthError>(&body)) return oauth_error(*e);
                   return registration_result(provider.register_client(r.header("Authorization"), std::get<nlohmann::json>(body), meta_of(r)));
               },
               RateLimit::per_ip);
    router.add("GET", "/oauth/register/{client_id}", Access::public_route, [&provider, disabled](Request& r) {
        if (!provider.registration_enabled()) return disabled();
        return registration_result(provider.read_registration(r.param("client_id"), r.header("Authorization")));
    });
    router.add("PUT", "/oauth/register/{client_id}", Access::public_route, [&provider, disabled](Request& r) {
        if (!provider.registration_enabled()) return disabled();
        auto body = registration_body(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&body)) return oauth_error(*e);
        return registration_result(
            provider.update_registration(r.param("client_id"), r.header("Authorization"), std::get<nlohmann::json>(body), meta_of(r)));
    });
    router.add("DELETE", "/oauth/register/{client_id}", Access::public_route, [&provider, disabled](Request& r) {
        if (!provider.registration_enabled()) return disabled();
        return registration_result(provider.delete_registration(r.param("client_id"), r.header("Authorization"), meta_of(r)));
    });
}

}  // namespace janua::daemon
