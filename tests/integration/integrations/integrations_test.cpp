// Integrations end to end: januad keeps the upstream tokens of a linked account when its social
// provider stores tokens (Node's oidc-provider and the GitHub-shaped fake of
// tests/e2e/upstream-idp.mjs are the upstreams), hands them to the user and, with the user's
// consent to integrations:read, to an application (openid-client through the hosted login and
// consent pages); refreshes an expired one; forgets them on request, on unlink, when storage is
// turned off and on erasure. The tokens handed out are checked against the upstream itself.
#include "tests/integration/federation/upstream_idp.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::federation;

namespace {

const std::string k_social = "/api/v1/auth/oauth/corp-idp";
const std::string k_integrations = "/api/v1/integrations";
const std::string k_app_redirect = "http://127.0.0.1:9/callback";  // nothing listens: the driver stops at the 302

long long count(const Server& s, const std::string& sql) {
    pqxx::connection c{s.db.url()};
    pqxx::work w{c};
    return w.exec1(sql)[0].as<long long>();
}

std::string text(const Server& s, const std::string& sql) {
    pqxx::connection c{s.db.url()};
    pqxx::work w{c};
    return w.exec1(sql)[0].as<std::string>();
}

void exec_sql(const Server& s, const std::string& sql) {
    pqxx::connection c{s.db.url()};
    pqxx::work w{c};
    w.exec(sql);
    w.commit();
}

struct Fixture {
    Server s{Env{{"UPSTREAM_IDP_ALLOW_PRIVATE", "true"}}};
    UpstreamIdp idp{{s.base() + k_social + "/callback", s.base() + "/api/v1/auth/oauth/github/callback"},
                    {{"alice", {{"email", "alice@example.com"}, {"email_verified", true}}},
                     {"gina", {{"email", "gina@example.com"}, {"email_verified", true}}}}};
    SecretFile secret{k_client_secret + "\n"};
    std::string alice_id;

    explicit Fixture(bool store_tokens = true) {
        std::vector<std::string> args = {"idp", "create", "--issuer", idp.issuer(), "--client-id", k_client_id,
                                         "--client-secret-file", secret.path, "--slug", "corp-idp", "--name", "Corp IdP",
                                         "--database-url", s.db.url(), "--output", "json"};
        if (store_tokens) args.push_back("--store-tokens");
        idp_cli(args);
        alice_id = cli_json({"user", "create", "--email", "alice@example.com", "--password-stdin", "--email-verified",
                             "--database-url", s.db.url(), "--output", "json"},
                            k_password)["id"];
    }
    // Sign in through corp-idp; the first-party access token.
    std::string login(const std::string& account) {
        auto r = get(s.base(), callback_for(s.base(), k_social + "/authorize?redirect=false&login_hint=" + account));
        INFO(r.body << "\n" << idp.log());
        REQUIRE(r.status == 200);
        return body_of(r)["access_token"];
    }
    HttpResponse read_token(const std::string& provider, const std::string& token) {
        return get(s.base(), k_integrations + "/" + provider + "/token", token);
    }
    // What the upstream OpenID Provider says about an access token it issued (its userinfo).
    HttpResponse upstream_userinfo(const std::string& access_token) {
        return http("GET", idp.issuer(), "/me", "", bearer(access_token));
    }
    // An application's access token for alice, through the hosted login and consent pages.
    std::string app_token(const std::string& client_id, const std::string& client_secret, const std::string& scope) {
        auto result = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/oidc-flow.mjs", s.base(),
                                   client_id, client_secret, k_app_redirect, "alice@example.com", k_password, scope});
        INFO("oidc-flow.mjs exit " << result.exit_code << "\nstdout: " << result.out << "\nstderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        auto flow = json::parse(result.out, nullptr, false);
        REQUIRE(flow.is_object());
        REQUIRE(flow.contains("steps"));
        CHECK(std::find(flow["steps"].begin(), flow["steps"].end(), "consent page") != flow["steps"].end());
        return flow["access_token"];
    }
};

std::string reason(const HttpResponse& r) {
    auto error = error_of(r);
    if (!error["details"].is_array() || error["details"].empty()) return {};
    return error["details"][0].value("reason", "");
}

}  // namespace

TEST_CASE("upstream tokens are kept at sign-in only when the provider stores them, and the user reads them",
          "[integrations]") {
    Fixture f(false);
    const auto& s = f.s;

    // Storage is off by default: a sign-in keeps nothing.
    std::string token = f.login("alice");
    CHECK(body_of(get(s.base(), k_integrations, token))["data"].empty());
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 0);
    CHECK(f.read_token("corp-idp", token).status == 404);
    CHECK(error_code(f.read_token("corp-idp", token)) == "NOT_FOUND_ERROR");

    // Turned on, the next sign-in keeps the upstream's tokens, encrypted.
    CHECK(idp_cli({"idp", "update", "corp-idp", "--store-tokens", "--database-url", s.db.url(), "--output", "json"})["store_tokens"] == true);
    token = f.login("alice");
    auto listed = body_of(get(s.base(), k_integrations, token));
    INFO(listed.dump());
    REQUIRE(listed["data"].size() == 1);
    const auto& entry = listed["data"][0];
    CHECK(entry["provider"] == "corp-idp");
    CHECK(entry["provider_name"] == "Corp IdP");
    CHECK(std::find(entry["scopes"].begin(), entry["scopes"].end(), "openid") != entry["scopes"].end());
    CHECK(entry["expires_at"].is_string());
    CHECK(entry["expired"] == false);
    CHECK(entry["refreshable"] == false);  // the upstream gave no refresh token (no offline_access)
    CHECK_FALSE(entry.contains("access_token"));
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_stored'") == 1);

    // The user reads the token, and it is the upstream's own: its userinfo answers for alice.
    auto read = f.read_token("corp-idp", token);
    INFO(read.body);
    REQUIRE(read.status == 200);
    const std::string upstream_token = body_of(read)["access_token"];
    CHECK(body_of(read)["provider"] == "corp-idp");
    CHECK(body_of(read)["refreshed"] == false);
    CHECK(read.header("Cache-Control") == "no-store");
    auto info = f.upstream_userinfo(upstream_token);
    INFO(info.body);
    REQUIRE(info.status == 200);
    CHECK(body_of(info)["sub"] == "alice");
    // At rest it is a Fernet token, not the plaintext; the audit log never holds it.
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens WHERE access_token_encrypted LIKE 'gAAAAA%' "
                   "AND access_token_encrypted <> '" + upstream_token + "'") == 1);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE strpos(details::text, '" + upstream_token + "') > 0") == 0);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND outcome = 'success' "
                   "AND actor_id = '" + f.alice_id + "' AND details->>'client_id' = 'janua'") == 1);
    CHECK(body_of(get(s.base(), k_integrations, token))["data"][0]["last_used_at"].is_string());

    // Without a token, nothing; an unknown provider is simply not found.
    CHECK(f.read_token("corp-idp", "").status == 401);
    CHECK(get(s.base(), k_integrations).status == 401);
    CHECK(f.read_token("no-such-idp", token).status == 404);

    // Expired and not refreshable: refused with the reason, and the refusal is audited.
    exec_sql(s, "UPDATE upstream_tokens SET expires_at = now() - interval '1 hour'");
    auto expired = f.read_token("corp-idp", token);
    CHECK(expired.status == 409);
    CHECK(reason(expired) == "token_expired");
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND outcome = 'failure' "
                   "AND details->>'reason' = 'token_expired'") == 1);

    // Forgetting removes the tokens but keeps the link.
    CHECK(http("DELETE", s.base(), k_integrations + "/corp-idp", "", bearer(token)).status == 204);
    CHECK(body_of(get(s.base(), k_integrations, token))["data"].empty());
    CHECK(http("DELETE", s.base(), k_integrations + "/corp-idp", "", bearer(token)).status == 404);
    CHECK(body_of(get(s.base(), "/api/v1/auth/oauth/accounts", token))["data"].size() == 1);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_deleted'") == 1);

    // Unlinking the account removes them too.
    token = f.login("alice");
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 1);
    CHECK(http("DELETE", s.base(), k_social + "/link", "", bearer(token)).status == 204);
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 0);

    // Turning storage off deletes what was kept.
    token = f.login("alice");
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 1);
    CHECK(idp_cli({"idp", "update", "corp-idp", "--no-store-tokens", "--database-url", s.db.url(), "--output", "json"})["store_tokens"] == false);
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 0);

    // Erasure (GDPR) removes them with the account.
    idp_cli({"idp", "update", "corp-idp", "--store-tokens", "--database-url", s.db.url(), "--output", "json"});
    f.login("alice");
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 1);
    cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--email-verified", "--platform-admin",
              "--database-url", s.db.url(), "--output", "json"},
             k_password);
    auto erased = post(s.base(), "/api/v1/compliance/erase/" + f.alice_id, json::object(), signin(s.base(), "root@example.com")["access_token"]);
    INFO(erased.body);
    CHECK(erased.status == 200);
    CHECK(count(s, "SELECT count(*) FROM upstream_tokens") == 0);
}

TEST_CASE("store_tokens is refused for an organization's enterprise connection and must be a boolean", "[integrations]") {
    Fixture f;
    const auto& s = f.s;
    cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--email-verified", "--platform-admin",
              "--database-url", s.db.url(), "--output", "json"},
             k_password);
    const std::string root = signin(s.base(), "root@example.com")["access_token"];
    auto bad_type = http("PATCH", s.base(), "/api/v1/identity-providers/corp-idp", json{{"store_tokens", "yes"}}.dump(), bearer(root));
    CHECK(bad_type.status == 422);
    auto org = post(s.base(), "/api/v1/organizations", {{"slug", "acme"}, {"name", "Acme"}}, root);
    REQUIRE(org.status == 201);
    auto enterprise = post(s.base(), "/api/v1/organizations/acme/identity-providers",
                           {{"slug", "acme-oidc"}, {"issuer", f.idp.issuer()}, {"client_id", "x"}, {"store_tokens", true}}, root);
    CHECK(enterprise.status == 422);
    CHECK(error_of(enterprise)["details"][0]["field"] == "store_tokens");
    // The platform provider kept its setting through the refused change.
    auto shown = body_of(get(s.base(), "/api/v1/identity-providers/corp-idp", root));
    CHECK(shown["store_tokens"] == true);
}

TEST_CASE("an application reads a user's upstream token only with the integrations:read scope the user consented to",
          "[integrations]") {
    Fixture f;
    const auto& s = f.s;
    const std::string token = f.login("alice");
    const std::string upstream_token = body_of(f.read_token("corp-idp", token))["access_token"];

    const auto app = cli_json({"client", "create", "--name", "Partner app", "--id", "partner", "--grant-type",
                               "authorization_code", "--grant-type", "refresh_token", "--redirect-uri", k_app_redirect,
                               "--scope", "openid", "--scope", "profile", "--scope", "integrations:read",
                               "--database-url", s.db.url(), "--output", "json"});
    const std::string app_secret = app["client_secret"];

    // Consented to integrations:read: the application gets the same upstream token.
    const std::string with_scope = f.app_token("partner", app_secret, "openid integrations:read");
    CHECK(parse_jwt(with_scope).payload["scope"] == "openid integrations:read");
    auto read = f.read_token("corp-idp", with_scope);
    INFO(read.body);
    REQUIRE(read.status == 200);
    CHECK(body_of(read)["access_token"] == upstream_token);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND outcome = 'success' "
                   "AND details->>'client_id' = 'partner'") == 1);
    // The scope opens this route only: the application still cannot list or delete.
    CHECK(get(s.base(), k_integrations, with_scope).status == 403);
    CHECK(http("DELETE", s.base(), k_integrations + "/corp-idp", "", bearer(with_scope)).status == 403);

    // Without that scope in its token, the same application is refused, and that is audited.
    const std::string without = f.app_token("partner", app_secret, "openid profile");
    auto refused = f.read_token("corp-idp", without);
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "AUTHORIZATION_ERROR");
    CHECK(reason(refused) == "scope_missing");
    CHECK(refused.body.find(upstream_token) == std::string::npos);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND outcome = 'failure' "
                   "AND details->>'reason' = 'scope_missing' AND details->>'client_id' = 'partner'") == 1);

    // A client that was never allowed the scope cannot get it at /oauth/authorize either.
    cli_json({"client", "create", "--name", "Other app", "--id", "other", "--grant-type", "authorization_code",
              "--redirect-uri", k_app_redirect, "--scope", "openid", "--database-url", s.db.url(), "--output", "json"});
    auto authorize = http("GET", s.base(),
                          "/oauth/authorize?response_type=code&client_id=other&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback"
                          "&scope=openid%20integrations%3Aread&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                          "&code_challenge_method=S256",
                          "", {});
    CHECK(authorize.status == 302);
    CHECK(authorize.header("Location").find("error=invalid_scope") != std::string::npos);
    // The provider advertises the scope.
    auto discovery = body_of(get(s.base(), "/.well-known/openid-configuration"));
    CHECK(std::find(discovery["scopes_supported"].begin(), discovery["scopes_supported"].end(), "integrations:read") !=
          discovery["scopes_supported"].end());
}

TEST_CASE("an expired upstream token is refreshed with the stored refresh token", "[integrations]") {
    Fixture f;
    const auto& s = f.s;
    idp_cli({"idp", "create", "--preset", "github", "--client-id", k_client_id, "--client-secret-file", f.secret.path,
         "--authorization-endpoint", f.idp.github_base() + "/login/oauth/authorize", "--token-endpoint",
         f.idp.github_base() + "/login/oauth/access_token", "--userinfo-endpoint", f.idp.github_base() + "/user",
         "--emails-endpoint", f.idp.github_base() + "/user/emails", "--store-tokens", "--database-url", s.db.url(),
         "--output", "json"});
    auto signed_in = get(s.base(), callback_for(s.base(), "/api/v1/auth/oauth/github/authorize?redirect=false&login_hint=gina"));
    INFO(signed_in.body << "\n" << f.idp.log());
    REQUIRE(signed_in.status == 200);
    const std::string token = body_of(signed_in)["access_token"];
    auto listed = body_of(get(s.base(), k_integrations, token));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["provider"] == "github");
    CHECK(listed["data"][0]["scopes"] == json::array({"read:user", "user:email"}));  // GitHub's comma list
    CHECK(listed["data"][0]["refreshable"] == true);

    auto github_user = [&](const std::string& access_token) {
        return http("GET", f.idp.github_base(), "/user", "", bearer(access_token));
    };
    const std::string first = body_of(f.read_token("github", token))["access_token"];
    CHECK(github_user(first).status == 200);

    // Expired: januad refreshes it upstream first, and keeps the new pair.
    exec_sql(s, "UPDATE upstream_tokens SET expires_at = now() - interval '1 minute'");
    auto refreshed = f.read_token("github", token);
    INFO(refreshed.body);
    REQUIRE(refreshed.status == 200);
    CHECK(body_of(refreshed)["refreshed"] == true);
    const std::string second = body_of(refreshed)["access_token"];
    CHECK(second != first);
    auto who = github_user(second);
    REQUIRE(who.status == 200);
    CHECK(body_of(who)["login"] == "gina");
    CHECK(body_of(get(s.base(), k_integrations, token))["data"][0]["expired"] == false);
    // The refresh token rotated upstream; the new one was kept, so a second refresh works too.
    exec_sql(s, "UPDATE upstream_tokens SET expires_at = now() - interval '1 minute'");
    auto again = f.read_token("github", token);
    REQUIRE(again.status == 200);
    CHECK(body_of(again)["refreshed"] == true);
    CHECK(body_of(again)["access_token"] != second);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND details->>'refreshed' = 'true'") == 2);

    // The upstream refuses the refresh: 503 with the reason, nothing stored changes, audited.
    idp_cli({"idp", "update", "github", "--token-endpoint", f.idp.github_base() + "/nowhere", "--database-url", s.db.url(),
         "--output", "json"});
    exec_sql(s, "UPDATE upstream_tokens SET expires_at = now() - interval '1 minute'");
    const std::string stored = "SELECT access_token_encrypted || coalesce(refresh_token_encrypted, '') FROM upstream_tokens";
    const std::string before = text(s, stored);
    auto failed = f.read_token("github", token);
    INFO(failed.body);
    CHECK(failed.status == 503);
    CHECK(reason(failed) == "refresh_failed");
    CHECK(text(s, stored) == before);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'integration.token_read' AND outcome = 'failure' "
                   "AND details->>'reason' = 'refresh_failed'") == 1);
}
