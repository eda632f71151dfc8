// Signing in through upstream identity providers (januad as a relying party):
//   social:     /api/v1/auth/oauth/providers, /{provider}/authorize, /{provider}/callback,
//               POST|DELETE /{provider}/link, GET /api/v1/auth/oauth/accounts
//   enterprise: /api/v1/sso/oidc/initiate?org=|domain=, /api/v1/sso/oidc/callback
// Thin handlers over federation::LoginService. A callback answers JSON (tokens, like
// /api/v1/auth/signin) unless the login was started with a return_to; then it sets the browser
// session cookie and redirects there, e.g. back into a pending /oauth/authorize request.
#include "core/common/url.hpp"
#include "core/federation/login_service.hpp"
#include "core/identity/mfa_challenges.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/pages/sso_binding.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using federation::Channel;

struct Site {
    const DaemonContext* context;  // for the pages' look (page_look)
    std::string secret;
    bool secure = false;
    int session_seconds = 0;
    int state_seconds = 0;  // how long a started sign-in may be finished (the binding cookie's life)
};

bool wants_html(const Request& r) { return r.header("Accept").find("text/html") != std::string::npos; }

Response failure(const Request& r, const Site& site, const Error& e) {
    if (wants_html(r)) {
        const auto look = page_look(*site.context, r);
        return pages::error_page(http_status(e.code), look, look.t.error(e));
    }
    return error_response(e, r.request_id);
}

std::optional<std::string> query(const Request& r, const char* name) {
    auto value = r.query_param(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
}

// Only the browser holding this cookie may finish the sign-in (login CSRF): a script that asks
// for the URL (redirect=false, /link) must carry the cookie to the callback like a browser.
void bind_browser(Response& response, const Site& site, const federation::Started& start) {
    response.headers.emplace_back("Set-Cookie", pages::sso_binding_cookie(start.browser_binding, site.state_seconds, site.secure,
                                                                          start.callback_is_post));
}

// Send the browser upstream, or (redirect=false) tell a script where to send it.
Response started(const Request& r, const Site& site, const Result<federation::Started>& start) {
    if (!start) return failure(r, site, start.error());
    Response next = r.query_param("redirect").value_or("") == "false"
                        ? Response::json(200, {{"authorization_url", start->authorization_url}, {"provider", start->provider_slug}})
                        : pages::redirect(start->authorization_url);
    bind_browser(next, site, *start);
    return next;
}

std::map<std::string, std::string> callback_params(const Request& r) {
    std::map<std::string, std::string> params;
    for (const auto& [k, v] : r.query) params.emplace(k, v);
    // Apple answers with response_mode=form_post.
    if (r.method == "POST") {
        if (auto form = parse_form(r.body))
            for (const auto& [k, v] : *form) params.emplace(k, v);
    }
    return params;
}

nlohmann::json tokens_json(const identity::TokenPair& tokens) {
    return {{"access_token", tokens.access_token},
            {"refresh_token", tokens.refresh_token},
            {"token_type", "Bearer"},
            {"expires_in", tokens.expires_in}};
}

Response finished(const Request& r, const Site& site, const Result<federation::LoginOutcome>& outcome) {
    if (!outcome) return failure(r, site, outcome.error());
    const auto& o = *outcome;
    nlohmann::json body = {{"user", identity::to_json(o.user)},
                           {"provider", o.account.provider_slug},
                           {"linked_account", federation::linked_accounts::to_json(o.account)},
                           {"created", o.created},
                           {"linked", o.linked}};
    if (o.organization_id) body["organization_id"] = *o.organization_id;
    if (o.purpose == "link") {
        if (o.response_mode == "redirect" && o.return_to) return pages::redirect(*o.return_to);
        return Response::json(200, body);
    }
    if (o.mfa_token) {
        if (o.response_mode == "redirect") {
            const std::string back = o.return_to && pages::is_safe_return_to(*o.return_to) ? *o.return_to : "";
            return pages::mfa_page(pages::csrf_for(r, site.secret), page_look(*site.context, r, back), back, *o.mfa_token, "",
                                   site.secure);
        }
        return Response::json(200, {{"mfa_required", true},
                                    {"mfa_token", *o.mfa_token},
                                    {"expires_in", identity::mfa_challenges::k_lifetime_minutes * 60}});
    }
    Response next = Response::json(200, body);
    if (o.response_mode == "redirect" && o.return_to) {
        next = pages::redirect(*o.return_to);
    } else if (o.tokens) {
        body.update(tokens_json(*o.tokens));
        next = Response::json(200, body);
    }
    if (o.cookie_token) next.headers.emplace_back("Set-Cookie", pages::session_cookie(*o.cookie_token, site.session_seconds, site.secure));
    next.set_header("Cache-Control", "no-store");
    return next;
}

Error disabled(const char* what, const char* setting) {
    return make_error(ErrorCode::not_found, std::string(what) + " is disabled (" + setting + "=false)");
}

}  // namespace

void register_upstream_login_routes(Router& router, DaemonContext& context) {
    auto& login = *context.upstream_login;
    Site site{&context, context.config.secret_key, context.config.base_url.rfind("https://", 0) == 0,
              context.config.jwt_refresh_token_expire_days * 86400, context.config.upstream_login_state_ttl_seconds};
    const bool social = context.config.enable_oauth;
    const bool enterprise = context.config.enable_sso;
    const std::string base = "/api/v1/auth/oauth";

    router.add("GET", base + "/providers", Access::public_route, [&login, social](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        if (social)
            for (const auto& p : login.social_providers())
                data.push_back({{"provider", p.slug},
                                {"display_name", p.display_name},
                                {"preset", p.preset},
                                {"authorize_url", "/api/v1/auth/oauth/" + p.slug + "/authorize"}});
        (void)r;
        return Response::json(200, {{"data", data}});
    });

    router.add(Route{"GET", base + "/{provider}/authorize", Access::public_route,
                     [&login, site, social](Request& r) {
                         if (!social) return failure(r, site, disabled("social login", "ENABLE_OAUTH"));
                         federation::StartRequest start;
                         start.channel = Channel::social;
                         start.provider = r.param("provider");
                         start.return_to = query(r, "return_to");
                         start.login_hint = query(r, "login_hint");
                         start.browser_binding = pages::sso_binding_of(r);
                         return started(r, site, login.start(start, meta_of(r)));
                     },
                     RateLimit::per_ip, {}});

    auto social_callback = [&login, site, social](Request& r) {
        if (!social) return failure(r, site, disabled("social login", "ENABLE_OAUTH"));
        federation::CallbackRequest callback{Channel::social, r.param("provider"), callback_params(r), pages::sso_binding_of(r)};
        return finished(r, site, login.complete(callback, meta_of(r)));
    };
    router.add(Route{"GET", base + "/{provider}/callback", Access::public_route, social_callback, RateLimit::per_ip, {}});
    router.add(Route{"POST", base + "/{provider}/callback", Access::public_route, social_callback, RateLimit::per_ip, {}});

    // Link an upstream account to the signed-in user: answers the URL to send the browser to.
    router.add("POST", base + "/{provider}/link", Access::user, [&login, site, social](Request& r) {
        if (!social) return failure(r, site, disabled("social login", "ENABLE_OAUTH"));
        federation::StartRequest start;
        start.channel = Channel::social;
        start.provider = r.param("provider");
        start.link_user_id = r.principal->user_id;
        if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
            auto body = parse_json_object(r);
            if (!body) return error_response(body.error(), r.request_id);
            auto return_to = string_member(*body, "return_to");
            if (!return_to) return error_response(return_to.error(), r.request_id);
            if (!return_to->empty()) start.return_to = *return_to;
            auto hint = string_member(*body, "login_hint");
            if (!hint) return error_response(hint.error(), r.request_id);
            if (!hint->empty()) start.login_hint = *hint;
        }
        start.browser_binding = pages::sso_binding_of(r);
        auto result = login.start(start, meta_of(r));
        if (!result) return failure(r, site, result.error());
        Response next = Response::json(200, {{"authorization_url", result->authorization_url}, {"provider", result->provider_slug}});
        bind_browser(next, site, *result);
        return next;
    });
    router.add("DELETE", base + "/{provider}/link", Access::user, [&login](Request& r) {
        auto done = login.unlink(r.principal->user_id, r.param("provider"), meta_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
    router.add("GET", base + "/accounts", Access::user, [&login](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& a : login.linked(r.principal->user_id)) data.push_back(federation::linked_accounts::to_json(a));
        return Response::json(200, {{"data", data}});
    });

    // Enterprise OIDC: an organization's connection, found by organization or email domain.
    router.add(Route{"GET", "/api/v1/sso/oidc/initiate", Access::public_route,
                     [&login, site, enterprise](Request& r) {
                         if (!enterprise) return failure(r, site, disabled("enterprise SSO", "ENABLE_SSO"));
                         federation::StartRequest start;
                         start.channel = Channel::enterprise;
                         start.organization = query(r, "org");
                         start.domain = query(r, "domain");
                         start.connection = query(r, "connection");
                         start.return_to = query(r, "return_to");
                         start.login_hint = query(r, "login_hint");
                         start.browser_binding = pages::sso_binding_of(r);
                         return started(r, site, login.start(start, meta_of(r)));
                     },
                     RateLimit::per_ip, {}});
    auto enterprise_callback = [&login, site, enterprise](Request& r) {
        if (!enterprise) return failure(r, site, disabled("enterprise SSO", "ENABLE_SSO"));
        federation::CallbackRequest callback{Channel::enterprise, "", callback_params(r), pages::sso_binding_of(r)};
        return finished(r, site, login.complete(callback, meta_of(r)));
    };
    router.add(Route{"GET", "/api/v1/sso/oidc/callback", Access::public_route, enterprise_callback, RateLimit::per_ip, {}});
    router.add(Route{"POST", "/api/v1/sso/oidc/callback", Access::public_route, enterprise_callback, RateLimit::per_ip, {}});
}

}  // namespace janua::daemon
