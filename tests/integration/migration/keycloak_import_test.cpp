// janua migrate keycloak: a realm export built in the test in Keycloak's format (credential
// secretData/credentialData as JSON strings), hashes from openssl and the argon2 CLI.
#include "tests/integration/migration/migration_support.hpp"

using namespace janua::test;
using namespace janua::test::migration;

namespace {

json password_credential(const std::string& algorithm, long iterations, const std::string& salt_b64, const std::string& value_b64,
                         const json& params = json::object()) {
    return {{"type", "password"},
            {"secretData", json{{"value", value_b64}, {"salt", salt_b64}, {"additionalParameters", json::object()}}.dump()},
            {"credentialData", json{{"hashIterations", iterations}, {"algorithm", algorithm}, {"additionalParameters", params}}.dump()}};
}

}  // namespace

TEST_CASE("a Keycloak realm export: passwords, roles, groups and OIDC clients", "[migration][keycloak]") {
    Server server({{"BCRYPT_ROUNDS", "4"}, {"RATE_LIMIT_PER_MINUTE", "0"}});
    const std::string dir = temp_dir();
    const std::string pw = "Keycloak-Pass-6";
    const std::string salt_b64 = sh("printf 0123456789abcdef | base64 -w0");
    auto pbkdf2 = [&](const std::string& digest, int keylen) {
        return sh("openssl kdf -binary -keylen " + std::to_string(keylen) + " -kdfopt digest:" + digest + " -kdfopt pass:" + pw +
                  " -kdfopt salt:0123456789abcdef -kdfopt iter:1000 PBKDF2 | base64 -w0");
    };
    const std::string argon = sh("printf %s " + quoted(pw) + " | argon2 0123456789abcdef -id -t 3 -m 12 -p 1 -l 32 -e | cut -d'$' -f6");
    const json realm = {
        {"id", "acme"},
        {"realm", "acme"},
        {"enabled", true},
        {"roles", {{"realm", {{{"name", "admin"}}, {{"name", "billing"}, {"description", "Pays the bills"}}, {{"name", "offline_access"}}, {{"name", "default-roles-acme"}}}},
                   {"client", {{"shop", {{{"name", "clerk"}}}}, {"realm-management", {{{"name", "view-users"}}}}}}}},
        {"groups", {{{"name", "Sales Team"}, {"path", "/Sales Team"}, {"subGroups", {{{"name", "leads"}, {"path", "/Sales Team/leads"}}}}}}},
        {"users",
         {{{"id", "11111111-1111-1111-1111-111111111111"}, {"username", "alice"}, {"email", "alice@acme.example"}, {"emailVerified", true},
           {"firstName", "Alice"}, {"enabled", true}, {"realmRoles", {"admin", "default-roles-acme"}},
           {"credentials", {password_credential("pbkdf2-sha256", 1000, salt_b64, pbkdf2("SHA256", 64))}}},
          {{"id", "22222222-2222-2222-2222-222222222222"}, {"username", "bob"}, {"email", "bob@acme.example"}, {"emailVerified", true},
           {"realmRoles", {"billing"}}, {"groups", {"/Sales Team/leads"}},
           {"credentials", {password_credential("pbkdf2-sha512", 1000, salt_b64, pbkdf2("SHA512", 64))}},
           {"federatedIdentities", {{{"identityProvider", "github"}, {"userId", "4242"}, {"userName", "bob"}}}}},
          {{"id", "33333333-3333-3333-3333-333333333333"}, {"username", "carol"}, {"email", "carol@acme.example"}, {"emailVerified", true},
           {"clientRoles", {{"shop", {"clerk"}}}},
           {"credentials", {password_credential("argon2", 3, salt_b64, argon,
                                                {{"type", {"id"}}, {"version", {"1.3"}}, {"memory", {"4096"}}, {"parallelism", {"1"}}, {"hashLength", {"32"}}})}}},
          {{"id", "44444444-4444-4444-4444-444444444444"}, {"username", "noemail"}},
          {{"id", "55555555-5555-5555-5555-555555555555"}, {"username", "service-account-shop"}, {"serviceAccountClientId", "shop"}}}},
        {"clients",
         {{{"clientId", "shop-spa"}, {"name", "Shop"}, {"enabled", true}, {"protocol", "openid-connect"}, {"publicClient", true},
           {"standardFlowEnabled", true}, {"redirectUris", {"https://shop.example/callback", "https://shop.example/*"}},
           {"attributes", {{"post.logout.redirect.uris", "https://shop.example/bye"}}}},
          {{"clientId", "shop"}, {"enabled", true}, {"protocol", "openid-connect"}, {"publicClient", false}, {"secret", "kc-client-secret-0123456789abcdef0123"},
           {"standardFlowEnabled", true}, {"serviceAccountsEnabled", true}, {"redirectUris", {"https://api.shop.example/cb"}}},
          {{"clientId", "account"}, {"protocol", "openid-connect"}, {"publicClient", true}},
          {{"clientId", "legacy-saml"}, {"protocol", "saml"}}}},
    };
    const auto file = write_file(dir, "acme-realm.json", realm.dump(2));
    const std::string report = dir + "/report.ndjson";
    auto [job, r] = migrate(server, {"keycloak", file, "--report", report});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);

    for (const auto& email : {"alice@acme.example", "bob@acme.example", "carol@acme.example"}) {
        INFO(email);
        CHECK(signin_response(server.base(), email, pw + "?").status == 401);
        CHECK(signin_response(server.base(), email, pw).status == 200);
        CHECK(column(server, std::string("SELECT password_algorithm FROM users WHERE email = '") + email + "'") == "bcrypt");
    }
    CHECK(column(server, "SELECT count(*) FROM users") == "3");
    auto role_of = [&](const std::string& org, const std::string& email) {
        return column(server, "SELECT r.name FROM memberships m JOIN roles r ON r.id = m.role_id JOIN organizations o ON o.id = m.organization_id "
                              "JOIN users u ON u.id = m.user_id WHERE o.slug = '" + org + "' AND u.email = '" + email + "'");
    };
    CHECK(role_of("acme", "alice@acme.example") == "admin");
    CHECK(role_of("acme", "bob@acme.example") == "billing");
    CHECK(role_of("acme", "carol@acme.example") == "shop.clerk");
    CHECK(role_of("sales-team", "bob@acme.example") == "leads");
    CHECK(column(server, "SELECT count(*) FROM roles r JOIN organizations o ON o.id = r.organization_id WHERE o.slug = 'acme' "
                         "AND r.name IN ('billing', 'shop.clerk', 'offline_access', 'realm-management.view-users')") == "2");
    CHECK(column(server, "SELECT provider_key || ':' || subject FROM user_identities") == "github:4242");

    auto admin = make_user(server, "root@example.com", true);
    auto spa = get(server.base(), "/api/v1/oauth/clients/shop-spa", admin.token);
    REQUIRE(spa.status == 200);
    CHECK(body_of(spa)["redirect_uris"] == json::array({"https://shop.example/callback"}));
    CHECK(body_of(spa)["is_public"] == true);
    REQUIRE(get(server.base(), "/api/v1/oauth/clients/shop", admin.token).status == 200);
    CHECK(get(server.base(), "/api/v1/oauth/clients/account", admin.token).status == 404);
    // The confidential client kept its secret: client_credentials works with it.
    auto token = http("POST", server.base(), "/oauth/token", "grant_type=client_credentials&client_id=shop&client_secret=kc-client-secret-0123456789abcdef0123", {},
                      "application/x-www-form-urlencoded");
    CHECK(token.status == 200);

    std::set<std::string> codes;
    for (const auto& p : read_ndjson(report)) codes.insert(p["code"].get<std::string>() + ":" + p.value("field", ""));
    CHECK(codes.count("OBJECT_REQUIRED:email") == 1);
    CHECK(codes.count("NOT_PASSED:serviceAccountClientId") == 1);

    // Idempotent: the same export again changes nothing.
    auto [again, r2] = migrate(server, {"keycloak", file});
    REQUIRE(r2.exit_code == 0);
    CHECK(again["summary"]["inserted"] == 0);
    CHECK(column(server, "SELECT count(*) FROM users") == "4");  // the three, and root
    std::filesystem::remove_all(dir);
}

TEST_CASE("Keycloak OTP credentials become TOTP factors that verify with oathtool codes, other variants are reported", "[migration][keycloak]") {
    Server server({{"BCRYPT_ROUNDS", "4"}, {"RATE_LIMIT_PER_MINUTE", "0"}});
    const std::string dir = temp_dir();
    const std::string pw = "Keycloak-Otp-7";
    const std::string salt_b64 = sh("printf 0123456789abcdef | base64 -w0");
    const std::string hash = sh("openssl kdf -binary -keylen 64 -kdfopt digest:SHA256 -kdfopt pass:" + pw +
                                " -kdfopt salt:0123456789abcdef -kdfopt iter:1000 PBKDF2 | base64 -w0");
    auto otp = [](const std::string& secret, json data) {
        data["subType"] = data.value("subType", "totp");
        data["counter"] = 0;
        const json defaults = {{"digits", 6}, {"period", 30}, {"algorithm", "HmacSHA1"}};
        for (const auto& [key, value] : defaults.items())
            if (!data.contains(key)) data[key] = value;
        return json{{"type", "otp"}, {"userLabel", "phone"}, {"secretData", json{{"value", secret}}.dump()}, {"credentialData", data.dump()}};
    };
    auto person = [&](const std::string& name, json credentials) {
        credentials.push_back(password_credential("pbkdf2-sha256", 1000, salt_b64, hash));
        return json{{"id", "otp-" + name}, {"username", name}, {"email", name + "@otp.example"}, {"emailVerified", true},
                    {"credentials", credentials}};
    };
    // Keycloak's own secrets are text used as the HMAC key as they are (UTF-8); imported ones may be Base32.
    const std::string utf8_secret = "Kc7sEcReT0tp4mE2xYz9";
    const json realm = {{"realm", "otp"},
                        {"users", {person("utf8", {otp(utf8_secret, json::object())}),
                                   person("base32", {otp("JBSWY3DPEHPK3PNP", {{"secretEncoding", "BASE32"}})}),
                                   person("hotp", {otp("HotpSecret1234567890", {{"subType", "hotp"}})}),
                                   person("sha256", {otp("Sha256Secret12345678", {{"algorithm", "HmacSHA256"}})}),
                                   person("eight", {otp("EightDigits123456789", {{"digits", 8}})}),
                                   person("minute", {otp("MinuteSecret12345678", {{"period", 60}})})}}};
    const auto file = write_file(dir, "otp-realm.json", realm.dump());
    const std::string report = dir + "/report.ndjson";
    auto [job, r] = migrate(server, {"keycloak", file, "--report", report});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["inserted"].get<long long>() >= 6);

    auto verify_with = [&](const std::string& email, const std::string& oathtool_args) {
        auto first = body_of(signin_response(server.base(), email, pw));
        REQUIRE(first.value("mfa_required", false));
        CHECK(post(server.base(), "/api/v1/mfa/verify", {{"mfa_token", first["mfa_token"]}, {"code", "000000"}}).status != 200);
        auto again = body_of(signin_response(server.base(), email, pw));
        const auto code = sh("oathtool --totp " + oathtool_args);
        CHECK(post(server.base(), "/api/v1/mfa/verify", {{"mfa_token", again["mfa_token"]}, {"code", code}}).status == 200);
    };
    verify_with("utf8@otp.example", sh("printf %s " + quoted(utf8_secret) + " | od -An -v -tx1 | tr -d ' \\n'"));
    verify_with("base32@otp.example", "-b JBSWY3DPEHPK3PNP");
    CHECK(column(server, "SELECT count(*) FROM mfa_totp") == "2");
    CHECK(column(server, "SELECT string_agg(secret_ciphertext, '') FROM mfa_totp").find("JBSWY3DPEHPK3PNP") == std::string::npos);

    // Each unsupported variant is a warning on its user, who is imported and signs in with the password alone.
    std::map<std::string, std::string> warned;
    for (const auto& p : read_ndjson(report)) warned[p.value("external_id", "")] = p["code"].get<std::string>() + ":" + p.value("field", "");
    CHECK(warned["otp-hotp"] == "MFA_FACTORS_FAILED:credentials.otp.subType");
    CHECK(warned["otp-sha256"] == "MFA_FACTORS_FAILED:credentials.otp.algorithm");
    CHECK(warned["otp-eight"] == "MFA_FACTORS_FAILED:credentials.otp.digits");
    CHECK(warned["otp-minute"] == "MFA_FACTORS_FAILED:credentials.otp.period");
    CHECK(warned.count("otp-utf8") == 0);
    for (const auto* email : {"hotp@otp.example", "sha256@otp.example", "eight@otp.example", "minute@otp.example"}) {
        INFO(email);
        auto signed_in = signin_response(server.base(), email, pw);
        CHECK(signed_in.status == 200);
        CHECK_FALSE(body_of(signed_in).value("mfa_required", false));
    }
    std::filesystem::remove_all(dir);
}
