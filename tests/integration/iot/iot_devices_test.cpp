// IoT devices end to end: an organization admin registers a device, the device gets tokens at
// /oauth/token with client_credentials (org_id and its own client id in them), its secret
// rotates, and once deleted the token endpoint refuses it and introspection calls its tokens
// inactive. Members without iot:* and other organizations' admins are refused; bad bodies change
// nothing.
#include "tests/integration/oidc/oidc_support.hpp"
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::orgs;
using janua::test::oidc::post_form;

namespace {

std::string devices_of(const std::string& org_id) { return k_orgs + "/" + org_id + "/iot/devices"; }

// RFC 6749 2.3.1: client_secret_basic (ids and generated secrets need no form-encoding).
std::map<std::string, std::string> basic(const std::string& id, const std::string& secret) {
    std::string b64 = base64url_encode(id + ":" + secret);
    for (char& c : b64) c = c == '-' ? '+' : (c == '_' ? '/' : c);
    while (b64.size() % 4) b64 += '=';
    return {{"Authorization", "Basic " + b64}};
}

HttpResponse device_token(const Server& s, const std::string& client_id, const std::string& secret) {
    return post_form(s.base(), "/oauth/token", {{"grant_type", "client_credentials"}}, basic(client_id, secret));
}

}  // namespace

TEST_CASE("an organization's IoT device gets client_credentials tokens until it is deleted", "[iot]") {
    Server s;
    auto owner = make_user(s, "owner@example.com");
    auto admin = make_user(s, "admin@example.com");
    const std::string org = make_org(s, owner, "acme")["id"];
    add_member(s, org, owner.token, admin, "admin");

    // The secret is shown once, at registration.
    auto created = ok_json(call(s, "POST", devices_of(org), admin.token,
                                {{"name", "Thermostat 1"}, {"scopes", {"iot:telemetry:write"}}}), 201);
    const std::string id = created["id"];
    const std::string client_id = created["client_id"];
    const std::string secret = created["client_secret"];
    CHECK(client_id == "iot-" + id);
    CHECK(secret.size() == 43);
    CHECK(created["organization_id"] == org);
    CHECK(created["scopes"] == json::array({"iot:telemetry:write"}));
    CHECK(created["access_token_ttl_seconds"] == 900);
    CHECK(created["created_by"] == admin.id);
    auto listed = ok_json(call(s, "GET", devices_of(org), admin.token));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["id"] == id);
    CHECK_FALSE(listed["data"][0].contains("client_secret"));
    CHECK(listed.dump().find(secret) == std::string::npos);
    auto got = ok_json(call(s, "GET", devices_of(org) + "/" + id, admin.token));
    CHECK(got["name"] == "Thermostat 1");
    CHECK_FALSE(got.contains("client_secret"));
    // One client store: the device is an organization-owned confidential client, client_credentials only.
    CHECK(count_rows(s, "SELECT count(*) FROM oauth_clients WHERE client_id = '" + client_id + "' AND organization_id = '" + org +
                            "' AND grant_types = ARRAY['client_credentials'] AND NOT is_public") == 1);

    // The device signs in with its credentials; its tokens name it and its organization.
    auto issued = device_token(s, client_id, secret);
    INFO(issued.body);
    REQUIRE(issued.status == 200);
    const std::string access = body_of(issued)["access_token"];
    auto claims = parse_jwt(access).payload;
    CHECK(claims["sub"] == client_id);
    CHECK(claims["client_id"] == client_id);
    CHECK(claims["org_id"] == org);
    CHECK(claims["scope"] == "iot:telemetry:write");
    CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() == 900);
    // A resource server (another confidential client) sees the token active.
    auto rs = cli_json({"client", "create", "--name", "API", "--id", "resource-server", "--grant-type", "client_credentials",
                        "--database-url", s.db.url(), "--output", "json"});
    const auto rs_auth = basic("resource-server", rs["client_secret"]);
    auto active = body_of(post_form(s.base(), "/oauth/introspect", {{"token", access}}, rs_auth));
    CHECK(active["active"] == true);
    CHECK(active["sub"] == client_id);
    // A device token is no user's token: Janua's own API refuses it.
    CHECK(get(s.base(), "/api/v1/auth/me", access).status == 401);

    // Rotation: the new secret works, the old one stops at once.
    auto rotated = ok_json(call(s, "POST", devices_of(org) + "/" + id + "/rotate-secret", admin.token));
    const std::string secret2 = rotated["client_secret"];
    CHECK(secret2 != secret);
    CHECK(device_token(s, client_id, secret).status == 401);
    CHECK(device_token(s, client_id, secret2).status == 200);

    // Deleted: the token endpoint refuses the device and its tokens are inactive.
    CHECK(call(s, "DELETE", devices_of(org) + "/" + id, admin.token).status == 204);
    CHECK(call(s, "GET", devices_of(org) + "/" + id, admin.token).status == 404);
    CHECK(call(s, "DELETE", devices_of(org) + "/" + id, admin.token).status == 404);
    auto refused = device_token(s, client_id, secret2);
    CHECK(refused.status == 401);
    CHECK(body_of(refused)["error"] == "invalid_client");
    CHECK(body_of(post_form(s.base(), "/oauth/introspect", {{"token", access}}, rs_auth))["active"] == false);
    CHECK(count_rows(s, "SELECT count(*) FROM oauth_clients WHERE client_id = '" + client_id + "'") == 0);

    // Every change is in the organization's audit log, never with a secret.
    for (const char* action : {"iot_device.created", "iot_device.secret_rotated", "iot_device.deleted"})
        CHECK(count_rows(s, std::string("SELECT count(*) FROM audit_events WHERE action = '") + action +
                                "' AND organization_id = '" + org + "' AND actor_id = '" + admin.id + "'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE strpos(details::text, '" + secret + "') > 0 "
                        "OR strpos(details::text, '" + secret2 + "') > 0") == 0);
}

TEST_CASE("IoT devices: only the organization's admins, valid bodies, pages", "[iot]") {
    Server s;
    auto owner = make_user(s, "owner@example.com");
    auto member = make_user(s, "member@example.com");
    auto other_owner = make_user(s, "other@example.com");
    const std::string org = make_org(s, owner, "acme")["id"];
    const std::string other_org = make_org(s, other_owner, "other")["id"];
    add_member(s, org, owner.token, member, "member");
    const auto clients_before = count_rows(s, "SELECT count(*) FROM oauth_clients");

    // A plain member has no iot:* permission; another organization's owner cannot even see this one.
    auto by_member = call(s, "POST", devices_of(org), member.token, {{"name", "sneaky"}});
    CHECK(by_member.status == 403);
    CHECK(error_code(by_member) == "AUTHORIZATION_ERROR");
    CHECK(call(s, "GET", devices_of(org), member.token).status == 403);
    auto by_outsider = call(s, "POST", devices_of(org), other_owner.token, {{"name", "sneaky"}});
    CHECK(by_outsider.status == 404);
    CHECK(error_of(by_outsider)["message"] == "organization not found");

    // Bad bodies: the error envelope names the member, and nothing is created.
    const std::vector<std::pair<json, std::string>> bad = {
        {json::object(), "name"},
        {{{"name", ""}}, "name"},
        {{{"name", std::string(201, 'x')}}, "name"},
        {{{"name", "a\nb"}}, "name"},
        {{{"name", "ok"}, {"colour", "red"}}, "colour"},
        {{{"name", "ok"}, {"scopes", "telemetry"}}, "scopes"},
        {{{"name", "ok"}, {"scopes", {1}}}, "scopes"},
        {{{"name", "ok"}, {"scopes", {"iot:two words"}}}, "scopes[0]"},
        // Outside iot: an organization could mint tokens for the operator's own APIs.
        {{{"name", "ok"}, {"scopes", {"iot:ok", "payments:admin"}}}, "scopes[1]"},
        {{{"name", "ok"}, {"access_token_ttl_seconds", 30}}, "access_token_ttl_seconds"},
        {{{"name", "ok"}, {"access_token_ttl_seconds", "900"}}, "access_token_ttl_seconds"},
    };
    for (const auto& [body, field] : bad) {
        INFO(body.dump());
        auto r = call(s, "POST", devices_of(org), owner.token, body);
        INFO(r.body);
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
        CHECK(error_of(r)["details"][0]["field"] == field);
    }
    CHECK(http("POST", s.base(), devices_of(org), "{not json", bearer(owner.token)).status == 400);
    CHECK(count_rows(s, "SELECT count(*) FROM iot_devices") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM oauth_clients") == clients_before);
    CHECK(call(s, "GET", devices_of(org) + "/not-a-uuid", owner.token).status == 404);

    // Cursor pagination, oldest first; another organization's devices never show.
    ok_json(call(s, "POST", devices_of(other_org), other_owner.token, {{"name", "theirs"}}), 201);
    std::vector<std::string> ids;
    for (const char* name : {"d1", "d2", "d3"})
        ids.push_back(ok_json(call(s, "POST", devices_of(org), owner.token, {{"name", name}, {"access_token_ttl_seconds", 3600}}), 201)["id"]);
    auto first = ok_json(call(s, "GET", devices_of(org) + "?limit=2", owner.token));
    REQUIRE(first["data"].size() == 2);
    CHECK(first["data"][0]["id"] == ids[0]);
    CHECK(first["data"][0]["access_token_ttl_seconds"] == 3600);
    REQUIRE(first["next_cursor"].is_string());
    auto second = ok_json(call(s, "GET", devices_of(org) + "?limit=2&cursor=" + first["next_cursor"].get<std::string>(), owner.token));
    REQUIRE(second["data"].size() == 1);
    CHECK(second["data"][0]["id"] == ids[2]);
    CHECK(second["next_cursor"].is_null());
    CHECK(call(s, "GET", devices_of(org) + "?limit=0", owner.token).status == 422);
    CHECK(call(s, "GET", devices_of(org) + "?cursor=garbage", owner.token).status == 422);
    // Another organization's device id is not found here.
    const std::string theirs = ok_json(call(s, "GET", devices_of(other_org), other_owner.token))["data"][0]["id"];
    CHECK(call(s, "DELETE", devices_of(org) + "/" + theirs, owner.token).status == 404);
    CHECK(count_rows(s, "SELECT count(*) FROM iot_devices WHERE id = '" + theirs + "'") == 1);
}
