// Enterprise SSO over SAML 2.0: thin handlers over saml::SamlService.
//   public:  GET  /api/v1/sso/initiate?org=|domain=&return_to=   -> 302 to the IdP (AuthnRequest)
//            POST /api/v1/sso/saml/acs                              -> session cookie, 303 to the target
//            GET  /api/v1/sso/saml/metadata/{org}                   -> SP metadata
//            GET  /api/v1/sso/saml/logout?return_to=                -> ends the session, 302 to the IdP's SLO
//            GET  /api/v1/sso/saml/slo                              -> the IdP's LogoutResponse / LogoutRequest
//   hosted:  GET  /login/sso?email=&return_to=   the login page's enterprise SSO form: SAML, else enterprise OIDC
//            GET  /login/signed-in                 where a sign-in from the login page without a target ends
//   admin:   GET /api/v1/sso/saml/connections (platform admins)
//            GET|PUT|DELETE /api/v1/organizations/{org_id}/sso, POST .../sso/test (sso:read / sso:write)
#include "core/common/url.hpp"
#include "core/federation/login_service.hpp"
#include "core/saml/service.hpp"
#include "core/saml/xml.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/pages/sign_in_options.hpp"
#include "daemon/pages/sso_binding.hpp"
#include "daemon/routes/org_support.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

std::string field(const std::map<std::string, std::string>& form, const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
}

bool wants_html(const Request& r) { return r.header("Accept").find("text/html") != std::string::npos; }

// A browser gets a page it can show; an API client (and the tests) the JSON envelope.
Response sso_error(const DaemonContext& context, const Request& r, const Error& e) {
    if (!wants_html(r)) return error_response(e, r.request_id);
    const auto look = page_look(context, r);
    // English readers get the service's own message with its code; others its translation.
    const std::string message = look.t.locale() == "en"
                                    ? "Single sign-on failed (" + std::string(error_code_name(e.code)) + "): " + e.message
                                    : look.t.error(e);
    return pages::error_page(http_status(e.code), look, message);
}

Response after_logout(const DaemonContext& context, const Request& r, const saml::LogoutOutcome& out, bool secure) {
    Response next = out.location.empty() ? signed_out_page(page_look(context, r))
                                         : pages::redirect(out.location);
    if (out.clear_cookie) next.headers.emplace_back("Set-Cookie", pages::session_cookie("", 0, secure));
    return next;
}

}  // namespace

void register_sso_routes(Router& router, DaemonContext& context) {
    auto& saml = *context.saml;
    const bool secure = context.config.base_url.rfind("https://", 0) == 0;
    const int session_seconds = context.config.jwt_refresh_token_expire_days * 86400;

    // The login page offers the enabled social providers and, when any organization signs in with
    // SSO, the enterprise SSO form.
    auto* login = context.upstream_login.get();
    const bool social = context.config.enable_oauth;
    const bool enterprise_oidc = context.config.enable_sso;
    pages::set_sign_in_options_source([&saml, login, social, enterprise_oidc] {
        pages::SignInOptions options;
        if (social && login)
            for (const auto& p : login->social_providers()) options.providers.push_back({p.slug, p.display_name});
        options.enterprise_sso = enterprise_oidc || saml.has_enabled_connection();
        return options;
    });
    router.add("GET", "/login/signed-in", Access::public_route,
               [&context](Request& r) { return signed_in_page(page_look(context, r)); });
    router.add("GET", "/login/sso", Access::public_route, [&saml, login, &context, secure, enterprise_oidc,
                                                          state_seconds = context.config.upstream_login_state_ttl_seconds](Request& r) {
        const std::string email = r.query_param("email").value_or("");
        const std::string return_to = r.query_param("return_to").value_or("");
        const auto look = page_look(context, r, return_to);
        if (email.find('@') == std::string::npos || email.size() > 320)
            return pages::error_page(400, look, look.t("login.sso_needs_email"));
        auto to = saml.initiate(std::nullopt, email, return_to, meta_of(r), pages::sso_binding_of(r));
        if (to) {
            Response next = pages::redirect(to->location);
            next.status = 302;
            next.headers.emplace_back("Set-Cookie",
                                      pages::sso_binding_cookie(to->browser_binding, saml.request_ttl_seconds(), secure, true));
            return next;
        }
        if (saml::reason_of(to.error()) != "saml_not_configured" || !enterprise_oidc || !login)
            return pages::error_page(http_status(to.error().code), look, look.t.error(to.error()));
        federation::StartRequest start;
        start.channel = federation::Channel::enterprise;
        start.domain = email;
        start.login_hint = email;
        start.return_to = return_to.empty() ? std::string("/login/signed-in") : return_to;
        start.browser_binding = pages::sso_binding_of(r);
        auto started = login->start(start, meta_of(r));
        if (!started) return pages::error_page(http_status(started.error().code), look, look.t.error(started.error()));
        Response next = pages::redirect(started->authorization_url);
        next.headers.emplace_back("Set-Cookie", pages::sso_binding_cookie(started->browser_binding, state_seconds, secure,
                                                                          started->callback_is_post));
        return next;
    }, RateLimit::per_ip);

    router.add("GET", "/api/v1/sso/saml/metadata/{org}", Access::public_route, [&saml](Request& r) {
        auto xml = saml.sp_metadata(r.param("org"));
        if (!xml) return error_response(xml.error(), r.request_id);
        Response out;
        out.body = std::move(*xml);
        out.content_type = "application/samlmetadata+xml";
        return out;
    });
    router.add("GET", "/api/v1/sso/initiate", Access::public_route, [&saml, &context, secure](Request& r) {
        auto to = saml.initiate(r.query_param("org"), r.query_param("domain"), r.query_param("return_to").value_or(""), meta_of(r),
                                pages::sso_binding_of(r));
        if (!to) return sso_error(context, r, to.error());
        Response next = pages::redirect(to->location);
        next.status = 302;
        // The IdP answers with a cross-site POST to the ACS (HTTP-POST binding).
        next.headers.emplace_back("Set-Cookie", pages::sso_binding_cookie(to->browser_binding, saml.request_ttl_seconds(), secure, true));
        return next;
    }, RateLimit::per_ip);
    router.add("POST", "/api/v1/sso/saml/acs", Access::public_route, [&saml, &context, secure, session_seconds](Request& r) {
        auto form = parse_form(r.body);
        if (!form) return sso_error(context, r, make_error(ErrorCode::bad_request, "the form body is malformed"));
        auto done = saml.consume(field(*form, "SAMLResponse"), field(*form, "RelayState"), meta_of(r), pages::sso_binding_of(r));
        if (!done) return sso_error(context, r, done.error());
        Response next = done->return_to.empty() ? signed_in_page(page_look(context, r))
                                                : pages::redirect(done->return_to);
        if (!done->return_to.empty()) next.status = 303;
        next.headers.emplace_back("Set-Cookie", pages::session_cookie(done->signin.cookie_token, session_seconds, secure));
        return next;
    }, RateLimit::per_ip);
    router.add("GET", "/api/v1/sso/saml/logout", Access::public_route, [&saml, &context, secure](Request& r) {
        auto out = saml.logout(cookie(r, pages::k_session_cookie), r.query_param("return_to").value_or(""), meta_of(r));
        if (!out) return sso_error(context, r, out.error());
        return after_logout(context, r, *out, secure);
    });
    router.add("GET", "/api/v1/sso/saml/slo", Access::public_route, [&saml, &context, secure](Request& r) {
        auto out = saml.single_logout(r.raw_query, r.query_param("SAMLRequest").value_or(""),
                                      r.query_param("SAMLResponse").value_or(""), r.query_param("RelayState").value_or(""),
                                      meta_of(r));
        if (!out) return sso_error(context, r, out.error());
        return after_logout(context, r, *out, secure);
    }, RateLimit::per_ip);

    router.add("GET", "/api/v1/sso/saml/connections", Access::platform_admin, [&saml](Request& r) {
        auto list = saml.list();
        if (!list) return error_response(list.error(), r.request_id);
        return Response::json(200, *list);
    });
    const std::string base = "/api/v1/organizations/{org_id}/sso";
    auto json_or_error = [](const Result<nlohmann::json>& result, const Request& r, int status = 200) {
        if (!result) return error_response(result.error(), r.request_id);
        return Response::json(status, *result);
    };
    org_route(router, "GET", base, "sso:read", [&saml, json_or_error](Request& r) { return json_or_error(saml.get(r.param("org_id")), r); });
    org_route(router, "PUT", base, "sso:write", [&saml, json_or_error](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto saved = saml.configure(caller(r), r.param("org_id"), *body);
        return json_or_error(saved, r, saved && (*saved)["created"] == true ? 201 : 200);
    });
    org_route(router, "DELETE", base, "sso:write",
              [&saml](Request& r) { return no_content_or_error(saml.remove(caller(r), r.param("org_id")), r); });
    org_route(router, "POST", base + "/test", "sso:write", [&saml, json_or_error](Request& r) {
        nlohmann::json body = nlohmann::json::object();
        if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
            auto parsed = parse_json_object(r);
            if (!parsed) return error_response(parsed.error(), r.request_id);
            body = std::move(*parsed);
        }
        return json_or_error(saml.test(caller(r), r.param("org_id"), body), r);
    });
}

}  // namespace janua::daemon
