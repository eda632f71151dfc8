// Issue #13, security review: no secret or token in januad's logs. A representative run against
// a real januad at LOG_LEVEL=debug (sign-up, sign-in, refresh, the OAuth code flow with PKCE
// through openid-client, client_credentials, an API key, a SCIM token, a password reset and a
// magic link read from the mails, a failed sign-in) collects every secret it handled; then the
// daemon's whole log is searched for each of them, and for each half of it (a token cut in a
// log line still leaks), and for the signature of every JWT.
#include "tests/integration/daemon/basic_auth.hpp"

#include <algorithm>

using namespace janua::test;
using namespace janua::test::oidc;
using janua::test::security::basic;

namespace {

struct Secrets {
    std::vector<std::pair<std::string, std::string>> items;  // what, value
    void add(const std::string& what, const json& value) {
        INFO(what);
        REQUIRE(value.is_string());
        REQUIRE_FALSE(value.get<std::string>().empty());
        items.emplace_back(what, value.get<std::string>());
    }
};

// The pieces of a secret whose presence in a log is a leak.
std::vector<std::string> pieces(const std::string& secret) {
    std::vector<std::string> out = {secret};
    if (secret.size() >= 24) {  // halves long enough not to match by chance
        out.push_back(secret.substr(0, secret.size() / 2));
        out.push_back(secret.substr(secret.size() / 2));
    }
    if (std::count(secret.begin(), secret.end(), '.') == 2)  // a JWT: its signature
        out.push_back(secret.substr(secret.rfind('.') + 1));
    return out;
}

}  // namespace

TEST_CASE("a full run at LOG_LEVEL=debug leaves no token or secret in the logs", "[security][logs]") {
    MailDir mail;
    Env env = mail.env();
    env["LOG_LEVEL"] = "debug";
    OidcServer s{env};
    const auto base = s.base();
    Secrets secrets;
    secrets.add("password", k_password);

    // First-party: sign-up, sign-in, refresh, a wrong password.
    const std::string bob = "bob-logs@example.com";
    auto signed_up = signup(base, bob);
    secrets.add("sign-up access token", signed_up["access_token"]);
    secrets.add("sign-up refresh token", signed_up["refresh_token"]);
    auto session = signin(base, bob);
    secrets.add("sign-in access token", session["access_token"]);
    secrets.add("sign-in refresh token", session["refresh_token"]);
    auto refreshed = post(base, "/api/v1/auth/refresh", {{"refresh_token", session["refresh_token"]}});
    REQUIRE(refreshed.status == 200);
    secrets.add("refreshed access token", body_of(refreshed)["access_token"]);
    secrets.add("refreshed refresh token", body_of(refreshed)["refresh_token"]);
    const std::string wrong = "not-the-password-but-close-1234";
    CHECK(signin_response(base, bob, wrong).status == 401);
    secrets.add("a wrong password", wrong);
    // A refresh token replayed after rotation (the reuse detection logs a warning).
    CHECK(post(base, "/api/v1/auth/refresh", {{"refresh_token", session["refresh_token"]}}).status == 401);

    // The authorization code flow with PKCE, userinfo and a refresh, by openid-client.
    const auto web_secret = s.web_client("web");
    secrets.add("client secret", web_secret);
    auto flow = s.rp_flow("web", web_secret);
    secrets.add("code flow access token", flow["access_token"]);
    secrets.add("code flow refresh token", flow["refresh_token"]);
    secrets.add("ID token", flow["id_token"]);
    secrets.add("code flow refreshed access token", flow["refreshed"]["access_token"]);
    secrets.add("code flow refreshed refresh token", flow["refreshed"]["refresh_token"]);
    for (const auto& [name, value] : flow["cookies"].items())
        if (value.is_string() && value.get<std::string>().size() >= 16) secrets.add("cookie " + name, value);
    auto introspected = post_form(base, "/oauth/introspect", {{"token", flow["access_token"]}},
                                  {{"Authorization", "Basic " + basic("web", web_secret)}});
    CHECK(introspected.status == 200);
    CHECK(post_form(base, "/oauth/introspect", {{"token", "x"}},
                    {{"Authorization", "Basic " + basic("web", "wrong-secret-0123456789-0123456789-x")}})
              .status == 401);

    // client_credentials.
    auto machine = s.add_client("machine", {"--grant-type", "client_credentials"});
    secrets.add("machine client secret", machine["client_secret"]);
    auto cc = post_form(base, "/oauth/token", {{"grant_type", "client_credentials"}},
                        {{"Authorization", "Basic " + basic("machine", machine["client_secret"])}});
    REQUIRE(cc.status == 200);
    secrets.add("client_credentials access token", body_of(cc)["access_token"]);

    // An API key, used; a SCIM token issued through the API, used.
    const std::string key = cli_json({"apikey", "create", "--platform-admin", "--name", "logs", "--database-url", s.db.url(),
                                      "--output", "json"})["key"];
    secrets.add("API key", key);
    auto org = post(base, "/api/v1/organizations", {{"slug", "logs"}, {"name", "Logs"}, {"owner", s.email}}, key);
    REQUIRE(org.status == 201);
    auto scim = post(base, "/api/v1/organizations/logs/scim/tokens", {{"name", "idp"}}, key);
    REQUIRE(scim.status == 201);
    secrets.add("SCIM token", body_of(scim)["token"]);
    CHECK(get(base, "/scim/v2/Users", body_of(scim)["token"]).status == 200);
    CHECK(get(base, "/api/v1/organizations", "jk_wrong_key_0123456789abcdef").status == 401);

    // A password reset and a magic link, from the mails.
    REQUIRE(post(base, "/api/v1/auth/password/forgot", {{"email", bob}}).status == 202);
    const auto reset = mail.wait_for_token(bob, k_reset_link);
    secrets.add("password reset token", reset);
    const std::string next_password = "Brand-New-Password-4567";
    secrets.add("new password", next_password);
    CHECK(post(base, "/api/v1/auth/password/reset", {{"token", reset}, {"new_password", next_password}}).status == 200);
    REQUIRE(post(base, "/api/v1/auth/magic-link", {{"email", bob}}).status == 202);
    const auto magic = mail.wait_for_token(bob, k_magic_link);
    secrets.add("magic link token", magic);
    auto verified = get(base, "/api/v1/auth/magic-link/verify?token=" + magic);
    CHECK(verified.status == 200);
    if (verified.status == 200) secrets.add("magic link session", body_of(verified)["access_token"]);
    CHECK(get(base, "/api/v1/auth/magic-link/verify?token=" + magic).status != 200);  // used up: logged as a failure

    const std::string log = s.daemon->log();
    // The log is the real one: every request is in it (the path; never the query, where links carry tokens).
    REQUIRE(log.find("\"path\":\"/api/v1/auth/magic-link/verify\"") != std::string::npos);
    REQUIRE(log.find("\"path\":\"/oauth/token\"") != std::string::npos);
    for (const auto& [what, secret] : secrets.items)
        for (const auto& piece : pieces(secret)) {
            const auto at = log.find(piece);
            INFO(what << " found in januad's log:\n" << (at == std::string::npos ? "" : log.substr(at < 300 ? 0 : at - 300, 600)));
            CHECK(at == std::string::npos);
        }
}
