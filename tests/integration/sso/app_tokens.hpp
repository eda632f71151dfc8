#pragma once
// The browser's side of an SSO sign-in in the tests: cookies a response sets, and what an
// application gets after an enterprise sign-in: a public client registered with januad
// (PKCE, no consent screen) runs /oauth/authorize with the browser session the SSO login left,
// then /oauth/token; the access and ID tokens (and a refreshed access token) are returned.

#include "tests/integration/identity/identity_support.hpp"

namespace janua::test::sso {

using namespace janua::test::identity;
using nlohmann::json;

// The value of cookie `name` a response sets (empty when none), and the whole Set-Cookie line.
inline std::pair<std::string, std::string> set_cookie_of(const HttpResponse& r, const std::string& name) {
    for (const auto& [header, value] : r.headers) {
        if (header != "Set-Cookie" && header != "set-cookie") continue;
        if (value.rfind(name + "=", 0) == 0) return {value.substr(name.size() + 1, value.find(';') - name.size() - 1), value};
    }
    return {};
}

inline constexpr const char* k_app_redirect = "http://127.0.0.1:9/app-callback";
// RFC 7636: the S256 challenge of this verifier.
inline constexpr const char* k_app_verifier = "dBjftJeZ4CVP-mJ0kjhvOB1zt0H4qsdO8hnDBe5jbpA";
inline constexpr const char* k_app_challenge = "6UUs5Y6AR_IOv9V5FxmR29rtDEdXloSM5BM-bzp11h0";

inline void register_tenant_app(const Server& s) {
    cli_json({"client", "create", "--name", "Tenant app", "--id", "tenant-app", "--public", "--grant-type", "authorization_code",
              "--grant-type", "refresh_token", "--redirect-uri", k_app_redirect, "--scope", "openid", "--scope", "profile",
              "--require-consent", "false", "--database-url", s.db.url(), "--output", "json"});
}

struct AppTokens {
    json access;   // claims
    json id;       // claims
    json refreshed_access;
};

// `cookie`: the janua_session value. register_tenant_app must have run.
inline AppTokens app_tokens(const Server& s, const std::string& cookie) {
    const std::string authorize = std::string("/oauth/authorize?response_type=code&client_id=tenant-app&scope=openid%20profile") +
                                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fapp-callback&state=st4te&code_challenge=" +
                                  k_app_challenge + "&code_challenge_method=S256";
    auto r = http("GET", s.base(), authorize, {}, {{"Cookie", std::string("janua_session=") + cookie}});
    INFO(r.status << " " << r.body);
    const std::string location = r.header("Location");
    REQUIRE(location.rfind(std::string(k_app_redirect) + "?", 0) == 0);
    const auto at = location.find("code=");
    REQUIRE(at != std::string::npos);
    const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
    auto token = http("POST", s.base(), "/oauth/token",
                      "grant_type=authorization_code&client_id=tenant-app&code=" + code +
                          "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fapp-callback&code_verifier=" + k_app_verifier,
                      {}, "application/x-www-form-urlencoded");
    INFO(token.body);
    REQUIRE(token.status == 200);
    auto tokens = body_of(token);
    AppTokens out;
    out.access = parse_jwt(tokens["access_token"]).payload;
    out.id = parse_jwt(tokens["id_token"]).payload;
    auto refreshed = http("POST", s.base(), "/oauth/token",
                          "grant_type=refresh_token&client_id=tenant-app&refresh_token=" + tokens["refresh_token"].get<std::string>(),
                          {}, "application/x-www-form-urlencoded");
    INFO(refreshed.body);
    REQUIRE(refreshed.status == 200);
    out.refreshed_access = parse_jwt(body_of(refreshed)["access_token"]).payload;
    return out;
}

}  // namespace janua::test::sso
