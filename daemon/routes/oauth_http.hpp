#pragma once
// What the OAuth endpoints share: RFC 6749 JSON bodies and errors, and form parameters.
#include "core/common/url.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon::oauth_http {

using oidc::Params;

// OAuth responses: RFC 6749 5.1/5.2 bodies, never cached.
inline Response oauth_json(int status, const nlohmann::json& body) {
    Response r = Response::json(status, body);
    r.set_header("Cache-Control", "no-store");
    r.set_header("Pragma", "no-cache");
    return r;
}

inline Response oauth_error(const oidc::OAuthError& e, bool basic_auth_used = false) {
    Response r = oauth_json(e.status, {{"error", e.error}, {"error_description", e.description}});
    if (e.status == 401) r.set_header("WWW-Authenticate", basic_auth_used ? "Basic realm=\"janua\"" : "Bearer");
    return r;
}

inline Response token_result(const oidc::TokenResult& result, bool basic_auth_used) {
    if (auto* e = std::get_if<oidc::OAuthError>(&result)) return oauth_error(*e, basic_auth_used);
    return oauth_json(200, std::get<nlohmann::json>(result));
}

// Parameters from the query (GET) or the form body (POST); OAuth forbids repeating one.
inline std::variant<Params, std::string> request_params(const Request& r) {
    Params params;
    if (r.method == "POST") {
        std::string duplicate;
        auto form = parse_form(r.body, &duplicate);
        if (!form) return std::string("the form body is malformed");
        if (!duplicate.empty()) return "parameter '" + duplicate + "' is repeated";
        return *form;
    }
    for (const auto& [k, v] : r.query) {
        if (!params.emplace(k, v).second) return "parameter '" + k + "' is repeated";
    }
    return params;
}

inline std::variant<oidc::TokenRequest, oidc::OAuthError> token_request(const Request& r) {
    const std::string type = r.header("Content-Type");
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0)
        return oidc::OAuthError{"invalid_request", "send the parameters as application/x-www-form-urlencoded", 400};
    auto params = request_params(r);
    if (auto* problem = std::get_if<std::string>(&params)) return oidc::OAuthError{"invalid_request", *problem, 400};
    oidc::TokenRequest request;
    request.form = std::get<Params>(params);
    request.authorization_header = r.header("Authorization");
    request.meta = meta_of(r);
    request.dpop = r.header("DPoP");
    return request;
}

}  // namespace janua::daemon::oauth_http
