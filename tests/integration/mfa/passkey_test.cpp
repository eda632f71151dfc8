// Passkeys: registration and usernameless sign-in by headless Chromium with a CDP virtual
// authenticator (tests/e2e/passkey-browser.mjs), and malformed ceremonies over plain HTTP.
#include "tests/integration/mfa/mfa_support.hpp"

using namespace janua::test::mfa;

namespace {

struct PasskeyServer {
    int page_port = free_port();
    int other_port = free_port();
    std::string page_origin = "http://localhost:" + std::to_string(page_port);
    std::string other_origin = "http://localhost:" + std::to_string(other_port);
    Server server{{{"WEBAUTHN_RP_ID", "localhost"}, {"WEBAUTHN_ORIGIN", page_origin}, {"MAX_PASSKEYS_PER_IDENTITY", "3"}}};
};

std::string client_data(const std::string& type, const std::string& challenge, const std::string& origin) {
    return base64url_encode(json{{"type", type}, {"challenge", challenge}, {"origin", origin}, {"crossOrigin", false}}.dump());
}

}  // namespace

TEST_CASE("passkeys: chromium registers (none, packed x5c) and signs in, and replay, tampering, other RP/origin, clones fail",
          "[mfa][passkey][browser]") {
    PasskeyServer s;
    const auto base = s.server.base();
    auto created = signup(base, "passkey@example.com");
    const auto token = created["access_token"].get<std::string>();
    const auto user_id = created["user"]["id"].get<std::string>();

    auto run = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/passkey-browser.mjs", base,
                            s.page_origin, s.other_origin, token});
    INFO(run.out << run.err << s.server.daemon->log());
    REQUIRE(run.exit_code == 0);
    const auto r = json::parse(run.out);

    const auto& options = r["creation_options"];
    CHECK(options["rp"]["id"] == "localhost");
    CHECK(options["authenticatorSelection"]["residentKey"] == "required");
    CHECK(options["authenticatorSelection"]["userVerification"] == "required");
    CHECK(r["register_none"]["status"] == 201);
    CHECK(r["register_none"]["body"]["attestation_format"] == "none");
    CHECK(r["register_none"]["body"]["name"] == "Laptop");
    CHECK(r["register_replay_status"] == 401);
    CHECK(r["register_packed"]["status"] == 201);
    CHECK(r["register_packed"]["body"]["attestation_format"] == "packed");
    CHECK(r["request_options"]["allowCredentials"].empty());
    CHECK(r["request_options"]["rpId"] == "localhost");

    REQUIRE(r["signin"]["status"] == 200);
    const auto claims = parse_jwt(r["signin"]["body"]["access_token"].get<std::string>()).payload;
    CHECK(claims["sub"] == user_id);
    CHECK(claims["amr"] == json::array({"hwk", "mfa"}));
    CHECK(r["signin"]["body"]["user"]["email"] == "passkey@example.com");
    CHECK(r["replay_status"] == 401);
    CHECK(r["tampered_signature"]["status"] == 401);
    CHECK(r["tampered_signature"]["code"] == "AUTHENTICATION_ERROR");
    CHECK(r["other_rp_id"]["status"] == 401);
    CHECK(r["other_rp_id"]["message"].get<std::string>().find("rpIdHash") != std::string::npos);
    CHECK(r["other_origin"]["status"] == 401);
    CHECK(r["other_origin"]["message"].get<std::string>().find("origin") != std::string::npos);
    CHECK(r["sign_count_regression"]["status"] == 401);
    CHECK(r["sign_count_regression"]["message"].get<std::string>().find("counter") != std::string::npos);
    CHECK(r["after_flag_status"] == 401);

    const auto& list = r["list"]["data"];
    REQUIRE(list.size() == 2);
    CHECK(list[1]["flagged"] == true);
    CHECK(list[0]["flagged"] == false);

    // Rename, delete, and a passkey of someone else is not found.
    const auto id = list[0]["id"].get<std::string>();
    auto renamed = http("PATCH", base, "/api/v1/passkeys/" + id, json{{"name", "Work laptop"}}.dump(), bearer(token));
    CHECK(renamed.status == 200);
    CHECK(body_of(renamed)["name"] == "Work laptop");
    CHECK(http("PATCH", base, "/api/v1/passkeys/" + id, json{{"name", ""}}.dump(), bearer(token)).status == 422);
    auto other = signup(base, "other-passkey@example.com")["access_token"].get<std::string>();
    CHECK(http("DELETE", base, "/api/v1/passkeys/" + id, {}, bearer(other)).status == 404);
    CHECK(http("DELETE", base, "/api/v1/passkeys/" + id, {}, bearer(token)).status == 204);
    CHECK(body_of(get(base, "/api/v1/passkeys", token))["data"].size() == 1);
    CHECK(body_of(get(base, "/api/v1/mfa/status", token))["passkeys"] == 1);
}

TEST_CASE("passkeys: malformed and truncated CBOR, huge declared lengths and bad JSON get clear 4xx", "[mfa][passkey]") {
    PasskeyServer s;
    const auto base = s.server.base();
    const auto token = signup(base, "cbor@example.com")["access_token"].get<std::string>();

    auto complete = [&](const std::string& attestation_object) {
        auto begin = post(base, "/api/v1/passkeys/register/begin", json::object(), token);
        REQUIRE(begin.status == 200);
        const auto challenge = body_of(begin)["challenge"].get<std::string>();
        json credential = {{"id", "AAAA"}, {"rawId", "AAAA"}, {"type", "public-key"},
                           {"response", {{"clientDataJSON", client_data("webauthn.create", challenge, s.page_origin)},
                                         {"attestationObject", attestation_object}}}};
        return post(base, "/api/v1/passkeys/register/complete", {{"credential", credential}}, token);
    };
    const std::vector<std::string> hostile = {
        base64url_encode(std::string("\xba\xba\xba\xba\xba", 5)),                    // a map of 3.1 G pairs
        base64url_encode(std::string("\x9b\x7f\xff\xff\xff\xff\xff\xff\xff", 9)),    // an array of 2^63
        base64url_encode(std::string("\xa3\x63""fmt\x64no", 9)),                     // truncated
        base64url_encode(std::string("\x5a\xff\xff\xff\xff", 5)),                    // 4 GB byte string
        base64url_encode(std::string(200, '\x81')),                                  // nesting bomb
        "not base64!",
    };
    for (const auto& attestation : hostile) {
        auto r = complete(attestation);
        INFO(r.body);
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
    }
    // Wrong ceremony type and an untrusted origin.
    auto begin = body_of(post(base, "/api/v1/passkeys/register/begin", json::object(), token));
    json wrong_type = {{"type", "public-key"}, {"rawId", "AAAA"},
                       {"response", {{"clientDataJSON", client_data("webauthn.get", begin["challenge"].get<std::string>(), s.page_origin)},
                                     {"attestationObject", "oA"}}}};
    CHECK(post(base, "/api/v1/passkeys/register/complete", {{"credential", wrong_type}}, token).status == 422);
    json wrong_origin = {{"type", "public-key"}, {"rawId", "AAAA"},
                         {"response", {{"clientDataJSON", client_data("webauthn.create", begin["challenge"].get<std::string>(), "https://evil.example")},
                                       {"attestationObject", "oA"}}}};
    CHECK(post(base, "/api/v1/passkeys/register/complete", {{"credential", wrong_origin}}, token).status == 401);
    // Sign-in with junk: clear errors, the daemon stays up.
    CHECK(post(base, "/api/v1/passkeys/authenticate/complete", {{"credential", "x"}}).status == 422);
    CHECK(post(base, "/api/v1/passkeys/authenticate/complete", json::object()).status == 422);
    auto options = body_of(post(base, "/api/v1/passkeys/authenticate/begin", json::object()));
    json junk = {{"type", "public-key"}, {"rawId", "AAAA"},
                 {"response", {{"clientDataJSON", client_data("webauthn.get", options["challenge"].get<std::string>(), s.page_origin)},
                               {"authenticatorData", base64url_encode(std::string("\x01\x02", 2))},
                               {"signature", "AAAA"}}}};
    auto r = post(base, "/api/v1/passkeys/authenticate/complete", {{"credential", junk}});
    CHECK(r.status == 422);
    CHECK(get(base, "/health").status == 200);
    // Registration and passkey routes need a signed-in user.
    CHECK(post(base, "/api/v1/passkeys/register/begin", json::object()).status == 401);
}

TEST_CASE("hosted login: chromium signs in with password + TOTP and with a passkey, and ID tokens carry the amr",
          "[mfa][passkey][browser][oidc]") {
    PasskeyServer s;
    const auto base = s.server.base();
    const auto url = s.server.db.url();
    auto created = run_janua({"client", "create", "--name", "MFA RP", "--id", "mfa-rp", "--grant-type",
                              "authorization_code", "--redirect-uri", "http://127.0.0.1:9/callback", "--scope", "openid",
                              "--scope", "email", "--require-consent", "false", "--output", "json", "--database-url", url});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    const std::string client_secret = json::parse(created.out)["client_secret"];
    auto e = enrol(base, "hosted-totp@example.com");
    const auto passkey_token = signup(base, "hosted-passkey@example.com")["access_token"].get<std::string>();

    settled_now();
    auto run = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/hosted-mfa-browser.mjs",
                            base, s.page_origin, "mfa-rp", client_secret, "http://127.0.0.1:9/callback",
                            "hosted-totp@example.com", k_password, e.secret, passkey_token});
    INFO(run.out << run.err << s.server.daemon->log());
    REQUIRE(run.exit_code == 0);
    const auto r = json::parse(run.out);
    CHECK(r["totp_page_shown"] == true);
    CHECK(r["totp"]["amr"] == json::array({"pwd", "otp"}));
    CHECK(r["totp"]["acr"] == "aal2");
    CHECK(r["totp"]["nonce_ok"] == true);
    CHECK(r["passkey"]["amr"] == json::array({"hwk", "mfa"}));
    CHECK(r["passkey"]["acr"] == "aal2");
}
