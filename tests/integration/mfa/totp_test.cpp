// TOTP enrolment, the second step of every sign-in, backup codes and lockout, over HTTP against a
// real januad, with codes from oathtool.
#include "tests/integration/mfa/mfa_support.hpp"

using namespace janua::test::mfa;

TEST_CASE("TOTP: enrol with oathtool codes, then sign-in needs the second factor", "[mfa]") {
    Server server;
    const auto base = server.base();
    auto created = signup(base, "totp@example.com");
    const auto token = created["access_token"].get<std::string>();

    auto before = body_of(get(base, "/api/v1/mfa/status", token));
    CHECK(before["enabled"] == false);

    auto enabled = post(base, "/api/v1/mfa/enable", json::object(), token);
    REQUIRE(enabled.status == 200);
    const auto secret = body_of(enabled)["secret"].get<std::string>();
    const auto uri = body_of(enabled)["otpauth_uri"].get<std::string>();
    CHECK(uri.rfind("otpauth://totp/", 0) == 0);
    CHECK(uri.find("secret=" + secret) != std::string::npos);
    CHECK(body_of(get(base, "/api/v1/mfa/status", token))["pending_setup"] == true);
    // Not enabled until confirmed: sign-in still gives tokens.
    CHECK(signin(base, "totp@example.com").contains("access_token"));

    const auto t = settled_now();
    auto wrong = post(base, "/api/v1/mfa/verify-setup", {{"code", oathtool_code(secret, t + 300)}}, token);
    CHECK(wrong.status == 422);
    CHECK(error_code(wrong) == "VALIDATION_ERROR");
    auto setup = post(base, "/api/v1/mfa/verify-setup", {{"code", oathtool_code(secret, t)}}, token);
    REQUIRE(setup.status == 200);
    CHECK(body_of(setup)["backup_codes"].size() == 10);
    auto status = body_of(get(base, "/api/v1/mfa/status", token));
    CHECK(status["enabled"] == true);
    CHECK(status["backup_codes_remaining"] == 10);
    CHECK(post(base, "/api/v1/mfa/enable", json::object(), token).status == 409);

    // The password alone no longer signs in.
    const auto mfa_token = mfa_token_of(base, "totp@example.com");
    auto bad = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", oathtool_code(secret, t + 600)}});
    CHECK(bad.status == 401);
    CHECK(error_code(bad) == "AUTHENTICATION_ERROR");
    // The code verify-setup spent is not accepted again (a code is accepted once).
    auto replay = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", oathtool_code(secret, t)}});
    CHECK(replay.status == 401);
    // The next step's code (within the ±1 window) completes the sign-in.
    auto good = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", oathtool_code(secret, t + 30)}});
    INFO(good.body);
    REQUIRE(good.status == 200);
    const auto tokens = body_of(good);
    REQUIRE(tokens.contains("access_token"));
    CHECK(tokens["user"]["email"] == "totp@example.com");
    const auto claims = parse_jwt(tokens["access_token"].get<std::string>()).payload;
    CHECK(claims["amr"] == json::array({"pwd", "otp"}));
    CHECK(me_status(base, tokens["access_token"].get<std::string>()) == 200);
    // Refreshed tokens keep the factors of the session.
    auto refreshed = refresh_response(base, tokens["refresh_token"].get<std::string>());
    REQUIRE(refreshed.status == 200);
    CHECK(parse_jwt(body_of(refreshed)["access_token"].get<std::string>()).payload["amr"] == json::array({"pwd", "otp"}));

    // The mfa_token is single-use.
    auto again = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", oathtool_code(secret, t - 30)}});
    CHECK(again.status == 401);
    CHECK(error_code(again) == "TOKEN_ERROR");
    // A code two steps away is outside the window.
    const auto other = mfa_token_of(base, "totp@example.com");
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", other}, {"code", oathtool_code(secret, t + 90)}}).status == 401);
    // Malformed requests: clear errors, nothing spent.
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", other}, {"code", 123456}}).status == 422);
    CHECK(http("POST", base, "/api/v1/mfa/verify", "{not json", {}).status == 400);
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", "forged"}, {"code", "123456"}}).status == 401);
}

TEST_CASE("TOTP: backup codes are single-use, recover and regenerate", "[mfa]") {
    Server server;
    const auto base = server.base();
    auto e = enrol(base, "backup@example.com");

    auto recovered = post(base, "/api/v1/mfa/recover",
                          {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"backup_code", e.backup_codes[0]}});
    INFO(recovered.body);
    REQUIRE(recovered.status == 200);
    CHECK(parse_jwt(body_of(recovered)["access_token"].get<std::string>()).payload["amr"] == json::array({"pwd", "otp"}));

    // The same code a second time fails; /verify accepts a backup code too, typed loosely.
    auto reused = post(base, "/api/v1/mfa/recover",
                       {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"backup_code", e.backup_codes[0]}});
    CHECK(reused.status == 401);
    std::string loose = e.backup_codes[1];
    for (auto& c : loose) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto via_verify = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"code", loose}});
    CHECK(via_verify.status == 200);
    // /recover takes only backup codes.
    const auto t = settled_now();
    CHECK(post(base, "/api/v1/mfa/recover",
               {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"backup_code", oathtool_code(e.secret, t + 30)}})
              .status == 401);
    CHECK(body_of(get(base, "/api/v1/mfa/status", e.access_token))["backup_codes_remaining"] == 8);

    // Regenerating needs a current code and replaces every old backup code.
    CHECK(post(base, "/api/v1/mfa/backup-codes/regenerate", json::object(), e.access_token).status == 422);
    auto regen = post(base, "/api/v1/mfa/backup-codes/regenerate", {{"code", oathtool_code(e.secret, t + 30)}}, e.access_token);
    INFO(regen.body);
    REQUIRE(regen.status == 200);
    const auto fresh = body_of(regen)["backup_codes"].get<std::vector<std::string>>();
    CHECK(fresh.size() == 10);
    CHECK(post(base, "/api/v1/mfa/recover",
               {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"backup_code", e.backup_codes[2]}})
              .status == 401);
    CHECK(post(base, "/api/v1/mfa/recover",
               {{"mfa_token", mfa_token_of(base, "backup@example.com")}, {"backup_code", fresh[0]}})
              .status == 200);
}

TEST_CASE("TOTP: wrong codes count toward the lockout", "[mfa]") {
    Server server({{"ACCOUNT_LOCKOUT_THRESHOLD", "3"}, {"ACCOUNT_LOCKOUT_DURATION_MINUTES", "5"}});
    const auto base = server.base();
    auto e = enrol(base, "lock@example.com");
    const auto mfa_token = mfa_token_of(base, "lock@example.com");
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", "000000"}}).status == 401);
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", "999999"}}).status == 401);
    auto third = post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", "111111"}});
    CHECK(third.status == 423);
    CHECK(error_code(third) == "ACCOUNT_LOCKED");
    // Locked: even the right code and the right password are refused now.
    const auto t = settled_now();
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", mfa_token}, {"code", oathtool_code(e.secret, t + 30)}}).status == 423);
    CHECK(signin_response(base, "lock@example.com", k_password).status == 423);
}

TEST_CASE("MFA: magic links and the hosted login page also need the second factor", "[mfa]") {
    MailDir mail;
    Server server(mail.env());
    const auto base = server.base();
    auto e = enrol(base, "magic-mfa@example.com");

    REQUIRE(post(base, "/api/v1/auth/magic-link", {{"email", "magic-mfa@example.com"}}).status == 202);
    const auto link = mail.wait_for_token("magic-mfa@example.com", "/api/v1/auth/magic-link/verify");
    auto followed = get(base, "/api/v1/auth/magic-link/verify?token=" + link);
    REQUIRE(followed.status == 200);
    auto pending = body_of(followed);
    CHECK(pending["mfa_required"] == true);
    CHECK_FALSE(pending.contains("access_token"));
    const auto t = settled_now();
    auto done = post(base, "/api/v1/mfa/verify", {{"mfa_token", pending["mfa_token"].get<std::string>()}, {"code", oathtool_code(e.secret, t + 30)}});
    REQUIRE(done.status == 200);
    CHECK(parse_jwt(body_of(done)["access_token"].get<std::string>()).payload["amr"] == json::array({"email", "otp"}));

    // The hosted login page (used by /oauth/authorize) asks for the code before any session exists.
    auto page = http("GET", base, "/login", {}, {});
    REQUIRE(page.status == 200);
    const auto csrf_cookie = set_cookie_value(page, "janua_csrf");
    const std::map<std::string, std::string> cookies = {{"Cookie", "janua_csrf=" + csrf_cookie}};
    const auto csrf = hidden_field(page.body, "csrf_token");
    auto first = http("POST", base, "/login",
                      "csrf_token=" + csrf + "&email=magic-mfa%40example.com&password=" + k_password, cookies,
                      "application/x-www-form-urlencoded");
    INFO(first.body);
    REQUIRE(first.status == 200);
    CHECK(first.body.find("Two-step verification") != std::string::npos);
    CHECK(set_cookie_value(first, "janua_session").empty());
    const auto browser_token = hidden_field(first.body, "mfa_token");
    REQUIRE_FALSE(browser_token.empty());
    // A hosted-login mfa_token is not accepted by the API.
    CHECK(post(base, "/api/v1/mfa/verify", {{"mfa_token", browser_token}, {"code", "000000"}}).status == 401);
    auto wrong = http("POST", base, "/login/mfa", "csrf_token=" + csrf + "&mfa_token=" + browser_token + "&code=000000",
                      cookies, "application/x-www-form-urlencoded");
    CHECK(wrong.status == 401);
    CHECK(set_cookie_value(wrong, "janua_session").empty());
    auto second = http("POST", base, "/login/mfa",
                       "csrf_token=" + csrf + "&mfa_token=" + browser_token + "&code=" + e.backup_codes[0],
                       cookies, "application/x-www-form-urlencoded");
    INFO(second.body);
    CHECK(second.status == 200);
    CHECK_FALSE(set_cookie_value(second, "janua_session").empty());
}

TEST_CASE("MFA: disable needs the password and a code", "[mfa]") {
    Server server;
    const auto base = server.base();
    auto e = enrol(base, "disable@example.com");
    const auto t = settled_now();
    CHECK(post(base, "/api/v1/mfa/disable", {{"password", "wrong-Password-1"}, {"code", oathtool_code(e.secret, t + 30)}},
               e.access_token)
              .status == 401);
    CHECK(post(base, "/api/v1/mfa/disable", {{"password", k_password}, {"code", "000000"}}, e.access_token).status == 401);
    CHECK(body_of(get(base, "/api/v1/mfa/status", e.access_token))["enabled"] == true);
    auto off = post(base, "/api/v1/mfa/disable", {{"password", k_password}, {"code", oathtool_code(e.secret, t + 30)}},
                    e.access_token);
    INFO(off.body);
    REQUIRE(off.status == 200);
    CHECK(body_of(get(base, "/api/v1/mfa/status", e.access_token))["enabled"] == false);
    CHECK(signin(base, "disable@example.com").contains("access_token"));
}

TEST_CASE("MFA CLI: enroll draws a QR code, status and reset for operators, remote enrolment", "[mfa][cli]") {
    Server server;
    const auto base = server.base();
    const auto url = server.db.url();
    signup(base, "cli-mfa@example.com");

    auto started = run_janua({"mfa", "enroll", "cli-mfa@example.com", "--database-url", url});
    INFO(started.out << started.err);
    REQUIRE(started.exit_code == 0);
    CHECK(started.out.find("\u2588") != std::string::npos);  // the QR code
    const auto secret_at = started.out.find("type the secret: ");
    REQUIRE(secret_at != std::string::npos);
    const auto secret = started.out.substr(secret_at + 17, started.out.find('\n', secret_at) - secret_at - 17);
    const auto t = settled_now();
    auto wrong = run_janua({"mfa", "enroll", "cli-mfa@example.com", "--code", "000000", "--database-url", url});
    CHECK(wrong.exit_code != 0);
    auto confirmed = run_janua({"mfa", "enroll", "cli-mfa@example.com", "--code", oathtool_code(secret, t),
                                "--database-url", url, "--output", "json"});
    INFO(confirmed.out << confirmed.err);
    REQUIRE(confirmed.exit_code == 0);
    CHECK(json::parse(confirmed.out)["backup_codes"].size() == 10);

    auto status = run_janua({"mfa", "status", "cli-mfa@example.com", "--database-url", url, "--output", "json"});
    REQUIRE(status.exit_code == 0);
    CHECK(json::parse(status.out)["enabled"] == true);
    CHECK(json::parse(status.out)["backup_codes_remaining"] == 10);
    mfa_token_of(base, "cli-mfa@example.com");  // the password alone is no longer enough

    CHECK(run_janua({"mfa", "reset", "cli-mfa@example.com", "--database-url", url}).exit_code != 0);  // needs --yes
    auto reset = run_janua({"mfa", "reset", "cli-mfa@example.com", "--yes", "--database-url", url, "--output", "json"});
    INFO(reset.err);
    REQUIRE(reset.exit_code == 0);
    CHECK(json::parse(reset.out)["enabled"] == false);
    CHECK(signin(base, "cli-mfa@example.com").contains("access_token"));
    CHECK(run_janua({"mfa", "status", "nobody@example.com", "--database-url", url}).exit_code != 0);

    // Remote: the account of --token enrols itself.
    const auto token = signup(base, "remote-mfa@example.com")["access_token"].get<std::string>();
    auto remote = run_janua({"--server", base, "--token", token, "mfa", "enroll", "--output", "json"});
    INFO(remote.out << remote.err);
    REQUIRE(remote.exit_code == 0);
    CHECK(json::parse(remote.out)["otpauth_uri"].get<std::string>().rfind("otpauth://totp/", 0) == 0);
    // Operators' remote status needs a platform admin.
    CHECK(run_janua({"--server", base, "--token", token, "mfa", "status", "remote-mfa@example.com"}).exit_code != 0);
}
