// The account console (/account): headless Chromium drives it end to end
// (tests/e2e/account-console.mjs), and plain HTTP checks each form's rules: the browser session,
// the CSRF token, the errors that change nothing, and the effects in the database and the API.
#include "tests/integration/mfa/mfa_support.hpp"
#include "tests/integration/oidc/form_browser.hpp"

#include <pqxx/pqxx>

#include <regex>

using namespace janua::test;
using namespace janua::test::identity;
using janua::test::oidc::FormBrowser;
using janua::test::oidc::OidcServer;

namespace {

Env with_webauthn(Env env, const std::string& origin) {
    env["WEBAUTHN_RP_ID"] = "localhost";
    env["WEBAUTHN_ORIGIN"] = origin;
    return env;
}

struct ConsoleServer {
    int page_port = free_port();
    std::string page_origin = "http://localhost:" + std::to_string(page_port);
    OidcServer server;

    explicit ConsoleServer(const Env& env = {}) : server(with_webauthn(env, page_origin)) {}

    std::string value(const std::string& sql) const {
        pqxx::connection c(server.db.url());
        pqxx::nontransaction tx(c);
        auto r = tx.exec(sql);
        return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
    }
    void exec(const std::string& sql) const {
        pqxx::connection c(server.db.url());
        pqxx::nontransaction tx(c);
        tx.exec(sql);
    }
    // A session opened through the API (another device).
    json api_signin(const std::string& password = k_password) const {
        return body_of(identity::post(server.base(), "/api/v1/auth/signin", {{"email", server.email}, {"password", password}}));
    }
    int active_sessions() const {
        return std::stoi(value("SELECT count(*) FROM sessions WHERE user_id = '" + server.user_id + "' AND revoked_at IS NULL"));
    }
};

// Signed in through /login with return_to=/account, and the console's page.
std::pair<FormBrowser, HttpResponse> console_of(const ConsoleServer& s) {
    FormBrowser b{s.server.base(), {}};
    auto signed_in = b.sign_in(s.server.email, "/account");
    REQUIRE(signed_in.header("Location") == "/account");
    auto page = b.send("GET", "/account");
    INFO(page.body);
    REQUIRE(page.status == 200);
    return {b, page};
}

}  // namespace

TEST_CASE("account console: chromium signs in, edits the profile, adds and removes a passkey, turns on TOTP",
          "[account][browser]") {
    ConsoleServer s;
    s.api_signin();  // another session, signed out from the console below
    mfa::settled_now();
    auto run = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/account-console.mjs",
                            s.server.base(), s.page_origin, s.server.email, k_password});
    INFO(run.out << run.err << s.server.daemon->log());
    REQUIRE(run.exit_code == 0);
    const auto r = json::parse(run.out);
    CHECK(r["login_url"] == "/login?return_to=%2Faccount");
    CHECK(r["heading"] == "Your Janua account");
    CHECK(r["unlabelled"].empty());
    CHECK(r["profile_notice"] == "Your profile was saved.");
    CHECK(r["first_name_after"] == "Browser");
    CHECK(r["passkey_notice"] == "The passkey was added.");
    CHECK(r["passkey_rows"] == json::array({"Console key"}));
    CHECK(r["rename_notice"] == "The passkey was renamed.");
    CHECK(r["passkey_rows_after_rename"] == json::array({"Renamed key"}));
    CHECK(r["qr_label"] == "QR code of the authenticator key");
    CHECK(r["backup_codes"] == 10);
    CHECK(r["totp_notice"] == "Two-step verification is on.");
    CHECK_THAT(r["totp_section"].get<std::string>(), Catch::StartsWith("On since"));
    CHECK(r["sessions_before"] == 2);
    CHECK(r["sessions_notice"] == "All your other sessions were signed out.");
    CHECK(r["sessions_after"] == 1);
    CHECK(r["remove_notice"] == "The passkey was removed.");
    CHECK(r["passkeys_left"] == 0);
    CHECK(r["script_errors"].empty());

    // What the console did is what the database and the audit trail hold.
    CHECK(s.value("SELECT first_name || '/' || display_name FROM users WHERE id = '" + s.server.user_id + "'") ==
          "Browser/B. Rowser");
    CHECK(s.value("SELECT mfa_enabled::text FROM users WHERE id = '" + s.server.user_id + "'") == "true");
    CHECK(s.value("SELECT count(*) FROM webauthn_credentials") == "0");
    CHECK(s.active_sessions() == 1);
    for (const char* action : {"passkey.registered", "passkey.renamed", "passkey.deleted", "mfa.enabled", "session.revoked_others"})
        CHECK(s.value(std::string("SELECT count(*) FROM audit_events WHERE action = '") + action + "'") == "1");
}

TEST_CASE("account console needs the browser session and every form its CSRF token, and refused forms change nothing",
          "[account]") {
    ConsoleServer s;
    // No session: the page and every form send the browser to sign in, and back to /account.
    FormBrowser anonymous{s.server.base(), {}};
    // (The harness client decodes percent-escapes in headers: the raw value is /login?return_to=%2Faccount,
    // as the browser test sees it.)
    auto page = anonymous.send("GET", "/account");
    CHECK(page.status == 302);
    CHECK(page.header("Location") == "/login?return_to=/account");
    auto form_post = anonymous.post("/account/profile", {{"first_name", "Mallory"}});
    CHECK(form_post.status == 302);
    CHECK(form_post.header("Location") == "/login?return_to=/account");
    // Only our own pages are return targets.
    CHECK(anonymous.send("GET", "/login?return_to=https%3A%2F%2Fevil.example%2Faccount").status == 400);
    CHECK(anonymous.send("GET", "/login?return_to=%2Faccount%2F..%2F..%2Fevil").status == 400);

    auto [b, console] = console_of(s);
    CHECK(console.header("Cache-Control") == "no-store");
    const auto policy = console.header("Content-Security-Policy");
    CHECK_THAT(policy, Catch::Contains("form-action 'self'") && Catch::Contains("frame-ancestors 'none'") &&
                           Catch::Contains("script-src 'nonce-"));
    CHECK_THAT(console.body, Catch::Contains(s.server.email));

    s.api_signin();
    s.server.add_client("console-app", {"--grant-type", "authorization_code", "--redirect-uri", oidc::k_redirect,
                                        "--scope", "openid", "--scope", "profile"});
    s.exec("INSERT INTO oauth_consents (user_id, client_id, scopes) VALUES ('" + s.server.user_id +
           "', 'console-app', '{openid,profile}')");
    const std::vector<std::pair<std::string, oidc::Pairs>> forms = {
        {"/account/profile", {{"first_name", "Mallory"}}},
        {"/account/password", {{"current_password", k_password}, {"new_password", "Another-passw0rd-long"},
                               {"confirm_password", "Another-passw0rd-long"}}},
        {"/account/totp/start", {}},
        {"/account/sessions/revoke-others", {}},
        {"/account/applications/console-app/revoke", {}},
    };
    const std::string audit_before = s.value("SELECT count(*) FROM audit_events");
    for (const auto& [path, fields] : forms) {
        INFO(path);
        auto missing = b.post(path, fields);
        CHECK(missing.status == 403);
        CHECK_THAT(missing.body, Catch::Contains("nothing was changed"));
        auto with_wrong = fields;
        with_wrong.push_back({"csrf_token", std::string(64, 'a')});
        CHECK(b.post(path, with_wrong).status == 403);
    }
    // A forged JSON call to the passkey ceremony is refused the same way.
    auto begin = b.send("POST", "/account/passkeys/begin", "{}", {{"X-CSRF-Token", "forged"}}, "application/json");
    CHECK(begin.status == 403);
    CHECK(body_of(begin)["error"]["code"] == "AUTHORIZATION_ERROR");
    CHECK(s.value("SELECT coalesce(first_name, '') FROM users WHERE id = '" + s.server.user_id + "'") == "Alice");
    CHECK(s.active_sessions() == 2);
    CHECK(s.value("SELECT count(*) FROM oauth_consents") == "1");
    CHECK(s.value("SELECT count(*) FROM mfa_totp") == "0");
    CHECK(s.value("SELECT count(*) FROM audit_events") == audit_before);
    CHECK(s.api_signin().contains("access_token"));  // the password did not change
}

TEST_CASE("account console forms: profile and password errors, sessions, applications, TOTP off", "[account]") {
    ConsoleServer s;
    auto [b, console] = console_of(s);
    auto submit = [&b](const std::string& path, oidc::Pairs fields) {
        auto page = b.send("GET", "/account");
        REQUIRE(page.status == 200);
        fields.push_back({"csrf_token", FormBrowser::field(page.body, "csrf_token")});
        return b.post(path, fields);
    };

    // Profile: a bad username is refused in its section; a good change lands.
    auto bad = submit("/account/profile", {{"first_name", "Al"}, {"username", "no spaces allowed"}});
    CHECK(bad.status == 422);
    CHECK_THAT(bad.body, Catch::Contains("role=\"alert\""));
    CHECK(s.value("SELECT first_name FROM users WHERE id = '" + s.server.user_id + "'") == "Alice");
    auto saved = submit("/account/profile", {{"first_name", "Alicia"}, {"last_name", ""}});
    CHECK(saved.status == 302);
    CHECK(saved.header("Location") == "/account?done=profile#profile");
    CHECK(s.value("SELECT first_name || '/' || coalesce(last_name, '(none)') FROM users WHERE id = '" + s.server.user_id + "'") ==
          "Alicia/(none)");
    CHECK_THAT(b.send("GET", "/account?done=profile").body, Catch::Contains("Your profile was saved."));
    // The notice comes from a fixed table: a made-up key shows nothing of itself.
    CHECK_THAT(b.send("GET", "/account?done=%3Cscript%3E").body, !Catch::Contains("&lt;script"));

    // Password: mismatch and a wrong current password change nothing; a right one signs out the others.
    const auto other = s.api_signin();
    CHECK(submit("/account/password", {{"current_password", k_password}, {"new_password", "Another-passw0rd-long"},
                                       {"confirm_password", "Different-passw0rd-long"}})
              .status == 422);
    auto wrong = submit("/account/password", {{"current_password", "not-the-password"},
                                              {"new_password", "Another-passw0rd-long"},
                                              {"confirm_password", "Another-passw0rd-long"}});
    CHECK(wrong.status == 401);
    CHECK_THAT(wrong.body, Catch::Contains("current password is wrong"));
    CHECK(s.active_sessions() == 2);
    auto changed = submit("/account/password", {{"current_password", k_password}, {"new_password", "Another-passw0rd-long"},
                                                {"confirm_password", "Another-passw0rd-long"}});
    CHECK(changed.status == 302);
    CHECK(s.active_sessions() == 1);  // the console's own session stays
    CHECK(b.send("GET", "/account").status == 200);
    CHECK(s.api_signin("Another-passw0rd-long").contains("access_token"));

    // Sessions: another one is signed out from its row; this browser's own is not revocable there.
    const std::string other_id =
        s.value("SELECT id FROM sessions WHERE user_id = '" + s.server.user_id + "' AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1");
    const std::string own_id =
        s.value("SELECT id FROM sessions WHERE user_id = '" + s.server.user_id + "' AND revoked_at IS NULL ORDER BY created_at LIMIT 1");
    REQUIRE(other_id != own_id);
    CHECK(submit("/account/sessions/" + own_id + "/revoke", {}).status == 422);
    CHECK(submit("/account/sessions/00000000-0000-0000-0000-000000000000/revoke", {}).status == 404);
    CHECK(submit("/account/sessions/" + other_id + "/revoke", {}).status == 302);
    CHECK(s.active_sessions() == 1);

    // Applications: the consent is listed (console and API) and revoked with its refresh tokens.
    s.server.add_client("console-app", {"--grant-type", "authorization_code", "--redirect-uri", oidc::k_redirect,
                                        "--scope", "openid", "--scope", "profile"});
    s.exec("INSERT INTO oauth_consents (user_id, client_id, scopes) VALUES ('" + s.server.user_id +
           "', 'console-app', '{openid,profile}')");
    CHECK_THAT(b.send("GET", "/account").body, Catch::Contains("App console-app"));
    const auto token = s.api_signin("Another-passw0rd-long")["access_token"].get<std::string>();
    auto listed = body_of(http("GET", s.server.base(), "/api/v1/auth/consents", {}, identity::bearer(token)));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["client_id"] == "console-app");
    CHECK(listed["data"][0]["scopes"] == json::array({"openid", "profile"}));
    CHECK(submit("/account/applications/console-app/revoke", {}).status == 302);
    CHECK(s.value("SELECT count(*) FROM oauth_consents") == "0");
    CHECK(s.value("SELECT count(*) FROM audit_events WHERE action = 'oauth.consent_revoked'") == "1");
    CHECK(submit("/account/applications/console-app/revoke", {}).status == 404);
    CHECK(http("DELETE", s.server.base(), "/api/v1/auth/consents/console-app", {}, identity::bearer(token)).status == 404);

    // Devices (risk-based sign-in): the browser that signed in is listed, trusted, then removed.
    const std::string device_id = s.value("SELECT id FROM devices WHERE user_id = '" + s.server.user_id + "' ORDER BY first_seen_at LIMIT 1");
    REQUIRE_FALSE(device_id.empty());
    CHECK_THAT(b.send("GET", "/account").body, Catch::Contains("id=\"devices\"") && Catch::Contains("/account/devices/" + device_id + "/trust"));
    CHECK(submit("/account/devices/00000000-0000-0000-0000-000000000000/trust", {}).status == 404);
    CHECK(submit("/account/devices/" + device_id + "/trust", {}).status == 302);
    CHECK(s.value("SELECT (trusted_at IS NOT NULL)::text FROM devices WHERE id = '" + device_id + "'") == "true");
    CHECK(submit("/account/devices/" + device_id + "/remove", {}).status == 302);
    CHECK(s.value("SELECT count(*) FROM devices WHERE id = '" + device_id + "'") == "0");

    // Linked accounts: listed by provider and unlinked (the password remains a way in).
    s.exec("INSERT INTO identity_providers (slug, display_name, preset, protocol, issuer, client_id) "
           "VALUES ('corp', 'Corp IdP', 'oidc', 'oidc', 'https://idp.example', 'janua')");
    s.exec("INSERT INTO user_identities (provider_id, subject, user_id, email) SELECT id, 'corp-sub-1', '" +
           s.server.user_id + "', 'alice@corp.example' FROM identity_providers WHERE slug = 'corp'");
    CHECK_THAT(b.send("GET", "/account").body, Catch::Contains("Corp IdP") && Catch::Contains("alice@corp.example"));
    CHECK(submit("/account/linked/other/unlink", {}).status == 404);
    CHECK(submit("/account/linked/corp/unlink", {}).status == 302);
    CHECK(s.value("SELECT count(*) FROM user_identities") == "0");
    CHECK(s.value("SELECT count(*) FROM audit_events WHERE action = 'identity.unlinked'") == "1");

    // TOTP: turned on from the setup page, then a wrong code does not turn it off, the right one does.
    mfa::settled_now();
    auto setup = submit("/account/totp/start", {});
    REQUIRE(setup.status == 200);
    std::smatch m;
    REQUIRE(std::regex_search(setup.body, m, std::regex("<code>([A-Z2-7]+)</code>")));
    const std::string secret = m[1];
    CHECK_THAT(setup.body, Catch::Contains("<svg"));
    CHECK(b.post("/account/totp/confirm", {{"csrf_token", FormBrowser::field(setup.body, "csrf_token")}, {"code", "000000"}})
              .status == 422);
    auto on = b.post("/account/totp/confirm", {{"csrf_token", FormBrowser::field(setup.body, "csrf_token")},
                                               {"code", mfa::oathtool_code(secret, mfa::unix_now())}});
    CHECK(on.status == 200);
    CHECK_THAT(on.body, Catch::Contains("backup-codes"));
    CHECK(submit("/account/totp/disable", {{"disable_password", "Another-passw0rd-long"}, {"code", "000000"}}).status == 401);
    CHECK(s.value("SELECT mfa_enabled::text FROM users WHERE id = '" + s.server.user_id + "'") == "true");
    auto off = submit("/account/totp/disable", {{"disable_password", "Another-passw0rd-long"},
                                                {"code", mfa::oathtool_code(secret, mfa::unix_now() + 30)}});
    CHECK(off.status == 302);
    CHECK(s.value("SELECT mfa_enabled::text FROM users WHERE id = '" + s.server.user_id + "'") == "false");
}

TEST_CASE("account console: the email address changes only through the link sent to the new address", "[account]") {
    MailDir mail;
    ConsoleServer s(mail.env());
    signup(s.server.base(), "taken@example.com");
    auto [b, console] = console_of(s);
    auto ask = [&b](const std::string& new_email, const std::string& password) {
        auto page = b.send("GET", "/account");
        REQUIRE(page.status == 200);
        return b.post("/account/email", {{"csrf_token", FormBrowser::field(page.body, "csrf_token")},
                                         {"new_email", new_email}, {"email_password", password}});
    };
    CHECK(ask("new@example.com", "not-the-password").status == 401);
    CHECK(ask("not an address", k_password).status == 422);
    CHECK(ask("ALICE@example.com", k_password).status == 422);  // the current address
    auto taken = ask("taken@example.com", k_password);
    CHECK(taken.status == 409);
    CHECK_THAT(taken.body, Catch::Contains("another account uses this email address"));
    auto sent = ask("New@Example.com", k_password);
    CHECK(sent.status == 302);
    CHECK(sent.header("Location") == "/account?done=email_sent#profile");
    CHECK(s.value("SELECT email FROM users WHERE id = '" + s.server.user_id + "'") == s.server.email);
    const auto token = mail.wait_for_token("new@example.com", "/account/email/confirm");

    // The link shows a button (mail scanners open links); only the posted form changes the address.
    FormBrowser other{s.server.base(), {}};
    auto landing = other.send("GET", "/account/email/confirm?token=" + token);
    REQUIRE(landing.status == 200);
    CHECK(s.value("SELECT email FROM users WHERE id = '" + s.server.user_id + "'") == s.server.email);
    auto forged = other.post("/account/email/confirm", {{"token", token}, {"csrf_token", std::string(64, 'a')}});
    CHECK(forged.status == 200);
    CHECK(s.value("SELECT email FROM users WHERE id = '" + s.server.user_id + "'") == s.server.email);
    auto confirmed = other.post("/account/email/confirm", {{"token", token}, {"csrf_token", FormBrowser::field(landing.body, "csrf_token")}});
    CHECK(confirmed.status == 200);
    CHECK_THAT(confirmed.body, Catch::Contains("new@example.com"));
    CHECK(s.value("SELECT email || '/' || email_verified::text FROM users WHERE id = '" + s.server.user_id + "'") ==
          "new@example.com/true");
    CHECK(other.post("/account/email/confirm", {{"token", token}, {"csrf_token", FormBrowser::field(landing.body, "csrf_token")}})
              .status == 401);
    CHECK(s.value("SELECT details->>'previous_email' FROM audit_events WHERE action = 'user.email_changed'") ==
          s.server.email);
    // The old address is told, with a link to the console.
    CHECK_THAT(mail.listing(), Catch::Contains("alice@example.com") && Catch::Contains("was changed"));
    CHECK(signin_response(s.server.base(), "new@example.com", k_password).status == 200);

    // The same through the API.
    const auto access = signin(s.server.base(), "new@example.com")["access_token"].get<std::string>();
    CHECK(post(s.server.base(), "/api/v1/auth/email/change", {{"new_email", 42}, {"password", k_password}}, access).status == 422);
    auto api = post(s.server.base(), "/api/v1/auth/email/change", {{"new_email", "third@example.com"}, {"password", k_password}},
                    access);
    CHECK(api.status == 202);
    const auto api_token = mail.wait_for_token("third@example.com", "/account/email/confirm");
    CHECK(post(s.server.base(), "/api/v1/auth/email/change/confirm", {{"token", "wrong"}}).status == 401);
    auto done = post(s.server.base(), "/api/v1/auth/email/change/confirm", {{"token", api_token}});
    CHECK(done.status == 200);
    CHECK(body_of(done)["email"] == "third@example.com");
}
