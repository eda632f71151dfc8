// The OAuth 2.0 / OpenID Connect endpoints and the hosted login and consent pages: thin
// handlers over oidc::Provider and identity::AuthService.
#include "core/common/url.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/routes/oauth_http.hpp"
#include "daemon/routes/routes.hpp"

#include <strings.h>

#include <sstream>

namespace janua::daemon {
void register_oauth_extension_routes(Router& router, DaemonContext& context);

namespace {

using oidc::Params;
using namespace oauth_http;

// Where the hosted pages send the browser back to: the authorization request, minus the
// prompt that sent it away (or it would loop).
std::string return_to_for(const Params& params) {
    std::string out = "/oauth/authorize";
    char separator = '?';
    for (const auto& [k, v] : params) {
        if (k == "prompt") continue;
        out += separator + percent_encode(k) + "=" + percent_encode(v);
        separator = '&';
    }
    return out;
}

Params params_of_return_to(const std::string& return_to) {
    const auto q = return_to.find('?');
    auto form = parse_form(q == std::string::npos ? "" : return_to.substr(q + 1));
    return form ? *form : Params{};
}

std::string form_field(const Params& form, const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
}

// The browser's device token (core/devices): long-lived, sent only to this server.
std::string device_cookie(const std::string& token, bool secure) {
    return std::string(devices::k_device_cookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
           std::to_string(devices::k_device_cookie_days * 86400) + (secure ? "; Secure" : "");
}

}  // namespace

void register_oauth_routes(Router& router, DaemonContext& context) {
    auto& provider = *context.provider;
    auto& auth = *context.auth;
    const std::string secret = context.config.secret_key;
    const bool secure = context.config.base_url.rfind("https://", 0) == 0;
    const int session_seconds = context.config.jwt_refresh_token_expire_days * 86400;

    // The provider's settings are fixed for the daemon's life: serialise the document once.
    auto discovery = [body = Response::json(200, provider.discovery()).body](Request&) {
        Response r;
        r.body = body;
        r.set_header("Cache-Control", "public, max-age=300");
        return r;
    };
    router.add("GET", "/.well-known/openid-configuration", Access::public_route, discovery);
    router.add("GET", "/.well-known/oauth-authorization-server", Access::public_route, discovery);

    auto authorize = [&provider, &context, secret, secure](Request& r) {
        const auto look = page_look(context, r);
        auto params = request_params(r);
        if (auto* problem = std::get_if<std::string>(&params)) return pages::error_page(400, look, *problem);
        const auto& p = std::get<Params>(params);
        const auto browser = provider.browser_login(cookie(r, pages::k_session_cookie));
        const auto decision = provider.authorize(p, browser);
        switch (decision.step) {
            case oidc::AuthorizeStep::show_error: return pages::error_page(400, look, decision.error_message);
            case oidc::AuthorizeStep::redirect: return pages::redirect(decision.location);
            case oidc::AuthorizeStep::login:
                return pages::redirect("/login?return_to=" + percent_encode(return_to_for(p)) +
                                       (decision.login_hint.empty() ? "" : "&login_hint=" + percent_encode(decision.login_hint)));
            case oidc::AuthorizeStep::consent:
                return pages::consent_page(pages::csrf_for(r, secret), look, decision.client_name, decision.scopes,
                                           return_to_for(p), secure);
        }
        return pages::error_page(500, look, look.t("page.unexpected"));
    };
    router.add("GET", "/oauth/authorize", Access::public_route, authorize);
    router.add("POST", "/oauth/authorize", Access::public_route, authorize);

    router.add("GET", "/login", Access::public_route, [&context, secret, secure](Request& r) {
        const std::string return_to = r.query_param("return_to").value_or("");
        const auto look = page_look(context, r, return_to);
        if (!return_to.empty() && !pages::is_safe_return_to(return_to))
            return pages::error_page(400, look, look.t("page.return_to_invalid"));
        return pages::login_page(pages::csrf_for(r, secret), look, "", return_to, r.query_param("login_hint").value_or(""), "",
                                 secure);
    });

    router.add("POST", "/login", Access::public_route, [&auth, &context, secret, secure, session_seconds](Request& r) {
        auto form = parse_form(r.body);
        if (!form) return malformed_form_page(context, r);
        const std::string return_to = form_field(*form, "return_to");
        const auto look = page_look(context, r, return_to);
        if (!return_to.empty() && !pages::is_safe_return_to(return_to))
            return pages::error_page(400, look, look.t("page.return_to_invalid"));
        const auto csrf = pages::csrf_for(r, secret);
        if (!pages::csrf_ok(r, form_field(*form, "csrf_token"), secret))
            return pages::login_page(csrf, look, "", return_to, form_field(*form, "email"),
                                     look.t("page.session_expired_retry"), secure);
        auto meta = meta_of(r);
        meta.device_token = cookie(r, devices::k_device_cookie);  // core/devices: this browser, if known
        auto signed_in = auth.signin_browser(form_field(*form, "email"), form_field(*form, "password"), meta);
        if (!signed_in) {
            Response page = pages::login_page(csrf, look, "", return_to, form_field(*form, "email"),
                                              look.t.error(signed_in.error()), secure);
            page.status = http_status(signed_in.error().code);
            // A sign-in waiting for its emailed confirmation: the browser keeps the device it confirms.
            const auto& details = signed_in.error().details;
            if (details.is_object() && details.contains("device_token") && details["device_token"].is_string())
                page.headers.emplace_back("Set-Cookie", device_cookie(details["device_token"].get<std::string>(), secure));
            return page;
        }
        // A user with MFA owes the second factor first (POST /login/mfa, daemon/routes/login_mfa_routes.cpp).
        Response next = signed_in->mfa_token ? pages::mfa_page(csrf, look, return_to, *signed_in->mfa_token, "", secure)
                        : return_to.empty()  ? signed_in_page(look)
                                             : pages::redirect(return_to);
        if (signed_in->device_token) next.headers.emplace_back("Set-Cookie", device_cookie(*signed_in->device_token, secure));
        if (signed_in->mfa_token) return next;
        next.headers.emplace_back("Set-Cookie", pages::session_cookie(signed_in->cookie_token, session_seconds, secure));
        return next;
    });

    router.add("POST", "/consent", Access::public_route, [&provider, &context, secret](Request& r) {
        auto form = parse_form(r.body);
        if (!form) return malformed_form_page(context, r);
        const std::string return_to = form_field(*form, "return_to");
        const auto look = page_look(context, r, return_to);
        if (!pages::is_safe_return_to(return_to)) return pages::error_page(400, look, look.t("page.return_to_invalid"));
        if (!pages::csrf_ok(r, form_field(*form, "csrf_token"), secret))
            return pages::redirect(return_to);  // the authorization request asks again
        const auto browser = provider.browser_login(cookie(r, pages::k_session_cookie));
        if (!browser) return pages::redirect(return_to);
        // A pushed request (RFC 9126) is consented to as it was pushed.
        const auto params = provider.effective_params(params_of_return_to(return_to));
        if (form_field(*form, "decision") != "allow") {
            const auto denied = provider.deny(params, browser, meta_of(r));
            if (denied.step == oidc::AuthorizeStep::redirect) return pages::redirect(denied.location);
            return pages::error_page(400, look, denied.error_message);
        }
        // Consent covers what the authorization request asked for; the request is checked again there.
        std::vector<std::string> scopes;
        std::istringstream in(form_field(params, "scope"));
        for (std::string s; in >> s;) scopes.push_back(s);
        provider.grant_consent(browser->user.id, form_field(params, "client_id"), scopes, meta_of(r));
        return pages::redirect(return_to);
    });

    router.add("POST", "/oauth/token", Access::public_route, [&provider](Request& r) {
        auto request = token_request(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&request)) return oauth_error(*e);
        const auto& tr = std::get<oidc::TokenRequest>(request);
        return token_result(provider.token(tr), !tr.authorization_header.empty());
    });

    // Userinfo authenticates its own caller: besides Bearer it takes DPoP-bound tokens with
    // Authorization: DPoP and a proof (RFC 9449 7), which the pipeline does not know.
    auto userinfo = [&provider, &auth](Request& r) {
        const std::string header = r.header("Authorization");
        const auto space = header.find(' ');
        const std::string scheme = space == std::string::npos ? "" : header.substr(0, space);
        const std::string token = space == std::string::npos ? "" : header.substr(space + 1);
        const bool dpop = strcasecmp(scheme.c_str(), "DPoP") == 0;
        auto refuse = [dpop](const oidc::OAuthError& e) {
            Response resp = oauth_error(e);
            resp.set_header("WWW-Authenticate", std::string(dpop ? "DPoP algs=\"RS256 ES256 EdDSA\", " : "Bearer ") +
                                                    "error=\"" + e.error + "\"");
            return resp;
        };
        if (token.empty() || (!dpop && strcasecmp(scheme.c_str(), "Bearer") != 0))
            return refuse({"invalid_token", "send Authorization: Bearer <access token> (or DPoP <token> with a DPoP proof)", 401});
        auto principal = auth.authenticate(token);
        if (!principal) return refuse({"invalid_token", principal.error().message, 401});
        if (auto e = provider.check_token_binding(token, dpop ? "DPoP" : "Bearer", r.header("DPoP"), r.method, "/oauth/userinfo"))
            return refuse(*e);
        auto result = provider.userinfo(*principal);
        if (auto* e = std::get_if<oidc::OAuthError>(&result)) return refuse(*e);
        return oauth_json(200, std::get<nlohmann::json>(result));
    };
    router.add("GET", "/oauth/userinfo", Access::public_route, userinfo);
    router.add("POST", "/oauth/userinfo", Access::public_route, userinfo);

    router.add("POST", "/oauth/introspect", Access::public_route, [&provider](Request& r) {
        auto request = token_request(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&request)) return oauth_error(*e);
        const auto& tr = std::get<oidc::TokenRequest>(request);
        return token_result(provider.introspect(tr), !tr.authorization_header.empty());
    });

    router.add("POST", "/oauth/revoke", Access::public_route, [&provider](Request& r) {
        auto request = token_request(r);
        if (auto* e = std::get_if<oidc::OAuthError>(&request)) return oauth_error(*e);
        const auto& tr = std::get<oidc::TokenRequest>(request);
        if (auto error = provider.revoke(tr)) return oauth_error(*error, !tr.authorization_header.empty());
        return oauth_json(200, nlohmann::json::object());
    });

    auto logout = [&provider, &context, secure](Request& r) {
        const auto look = page_look(context, r);
        auto params = request_params(r);
        if (auto* problem = std::get_if<std::string>(&params)) return pages::error_page(400, look, *problem);
        const auto browser = provider.browser_login(cookie(r, pages::k_session_cookie));
        auto outcome = provider.logout(std::get<Params>(params), browser);
        if (auto* e = std::get_if<oidc::OAuthError>(&outcome)) return pages::error_page(400, look, e->description);
        const auto& decision = std::get<oidc::LogoutDecision>(outcome);
        Response done = decision.location.empty() ? signed_out_page(look)
                                                  : pages::redirect(decision.location);
        done.headers.emplace_back("Set-Cookie", pages::session_cookie("", 0, secure));
        return done;
    };
    router.add("GET", "/oauth/logout", Access::public_route, logout);
    router.add("POST", "/oauth/logout", Access::public_route, logout);

    register_oauth_extension_routes(router, context);
}

}  // namespace janua::daemon
