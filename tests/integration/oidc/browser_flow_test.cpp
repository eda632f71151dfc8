// The OpenID Connect life cycle with real, independent peers: headless Chromium signs in on
// the hosted pages, openid-client (npm) is the relying party, jose verifies the ID token.
#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace janua::test;
using nlohmann::json;

TEST_CASE("chromium and openid-client complete code+PKCE, refresh, introspection, revocation and logout",
          "[oidc][browser]") {
    TempDatabase db;
    REQUIRE(run_janua({"db", "migrate", "--database-url", db.url()}).exit_code == 0);
    REQUIRE(run_janua({"user", "create", "--email", "rp-user@example.com", "--password-stdin", "--database-url", db.url()},
                      {}, "Browser-Password-1")
                .exit_code == 0);
    auto created = run_janua({"client", "create", "--name", "Browser RP", "--id", "browser-rp", "--grant-type",
                              "authorization_code", "--grant-type", "refresh_token", "--redirect-uri",
                              "http://127.0.0.1:9/callback", "--post-logout-redirect-uri", "http://127.0.0.1:9/bye",
                              "--scope", "openid", "--scope", "profile", "--scope", "email", "--scope",
                              "offline_access", "--output", "json", "--database-url", db.url()});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    const std::string secret = json::parse(created.out)["client_secret"];

    DaemonProcess daemon(db.url());
    REQUIRE(daemon.wait_ready());
    auto run = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/oidc-browser.mjs",
                            daemon.base_url(), "browser-rp", secret, "http://127.0.0.1:9/callback",
                            "http://127.0.0.1:9/bye", "rp-user@example.com", "Browser-Password-1"});
    INFO(run.out << run.err << daemon.log());
    REQUIRE(run.exit_code == 0);
    const auto r = json::parse(run.out);
    CHECK(r["consent_shown"] == true);
    CHECK(r["id_token_verified_by_jose"] == true);
    CHECK(r["userinfo"]["email"] == "rp-user@example.com");
    CHECK(r["refresh_rotated"] == true);
    CHECK(r["old_refresh_rejected"] == true);
    CHECK(r["second_authorization_silent"] == true);
    CHECK(r["introspection"]["active"] == true);
    CHECK(r["introspection"]["client_id"] == "browser-rp");
    CHECK(r["revoked_refresh_rejected"] == true);
    CHECK(r["introspection_after_revoke"]["active"] == false);
    CHECK(r["logout_redirected_with_state"] == true);
    CHECK(r["after_logout_error"] == "login_required");
}
