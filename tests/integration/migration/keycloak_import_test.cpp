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
    CHECK(column(server, "SELECT provider || ':' || subject FROM user_linked_identities") == "github:4242");

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
