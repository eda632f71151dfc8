// API keys over real HTTP: shown once, stored hashed, scoped, intersected with the creator's
// permissions at use, expiring, revocable, rotated with a grace period, and audited.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

struct KeyServer : Server {
    TestUser owner, admin, member, other;
    std::string id, other_id;

    KeyServer() {
        owner = make_user(*this, "owner@example.com");
        admin = make_user(*this, "admin@example.com");
        member = make_user(*this, "member@example.com");
        other = make_user(*this, "other@example.com");
        id = make_org(*this, owner, "acme")["id"];
        other_id = make_org(*this, other, "globex")["id"];
        add_member(*this, id, owner.token, admin, "admin");
        add_member(*this, id, owner.token, member, "member");
    }
    std::string members_path(const std::string& org) const { return k_orgs + "/" + org + "/members"; }
};

}  // namespace

TEST_CASE("an API key is shown once, stored hashed and works as a bearer token", "[orgs][api_keys]") {
    KeyServer s;
    auto key = make_key(s, s.admin, {"members:read"}, s.id);
    const std::string secret = key["key"];
    CHECK(secret.rfind("jk_", 0) == 0);
    CHECK(secret.size() >= 40);
    CHECK(key["prefix"] == secret.substr(0, 11));
    // Stored as its SHA-256 only.
    CHECK(count_rows(s, "SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to('" + secret + "', 'UTF8'))") == 1);
    auto listed = ok_json(call(s, "GET", "/api/v1/api-keys", s.admin.token))["data"];
    REQUIRE(listed.size() == 1);
    CHECK_FALSE(listed[0].contains("key"));

    CHECK(ok_json(call(s, "GET", s.members_path(s.id), secret))["data"].size() == 3);
    CHECK(call(s, "GET", s.members_path("acme"), secret).status == 200);
    // Outside its scope: another permission, another organization, a user's own routes.
    CHECK(call(s, "PATCH", k_orgs + "/" + s.id, secret, {{"name", "x"}}).status == 403);
    CHECK(call(s, "GET", s.members_path(s.other_id), secret).status == 404);
    CHECK(call(s, "GET", "/api/v1/auth/me", secret).status == 403);
    CHECK(call(s, "GET", "/api/v1/api-keys", secret).status == 403);
    CHECK(call(s, "GET", "/api/v1/users", secret).status == 403);
    auto check = ok_json(call(s, "POST", "/api/v1/rbac/check", secret, {{"permission", "members:delete"}, {"organization_id", s.id}}));
    CHECK(check["allowed"] == false);
    CHECK(check["reason"].get<std::string>().find("API key") != std::string::npos);
    CHECK(count_rows(s, "SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'api_key.created'") == 1);
}

TEST_CASE("a key never grants more than its creator holds", "[orgs][api_keys]") {
    KeyServer s;
    SECTION("refused at creation for the key's organization") {
        auto r = call(s, "POST", "/api/v1/api-keys", s.member.token,
                      {{"name", "x"}, {"permissions", {"members:delete"}}, {"organization_id", s.id}});
        CHECK(r.status == 403);
        CHECK(call(s, "POST", "/api/v1/api-keys", s.member.token,
                   {{"name", "x"}, {"permissions", {"*"}}, {"organization_id", s.id}}).status == 403);
        CHECK(call(s, "POST", "/api/v1/api-keys", s.member.token,
                   {{"name", "x"}, {"permissions", {"org:read"}}, {"organization_id", s.other_id}}).status == 404);
        CHECK(call(s, "POST", "/api/v1/api-keys", s.member.token, {{"name", "x"}, {"permissions", json::array()}}).status == 422);
        CHECK(call(s, "POST", "/api/v1/api-keys", s.member.token, {{"name", "x"}, {"permissions", {"bad perm"}}}).status == 422);
        CHECK(count_rows(s, "SELECT count(*) FROM api_keys") == 0);
    }
    SECTION("intersected at use: a broad unbound key does what the creator's role allows, and no more") {
        const std::string secret = make_key(s, s.member, {"*"})["key"];
        CHECK(call(s, "GET", s.members_path(s.id), secret).status == 200);
        CHECK(call(s, "POST", s.members_path(s.id), secret, {{"user_id", s.other.id}}).status == 403);
        CHECK(call(s, "GET", s.members_path(s.other_id), secret).status == 404);
        // The creator loses the role: the key loses it too.
        ok_json(call(s, "PATCH", s.members_path(s.id) + "/" + s.member.id, s.owner.token, {{"role", "viewer"}}));
        CHECK(call(s, "GET", s.members_path(s.id), secret).status == 403);
    }
    SECTION("a creator's platform administration does not pass to the key") {
        auto root = make_user(s, "root@example.com", true);
        const std::string secret = make_key(s, root, {"*"})["key"];
        CHECK(call(s, "GET", "/api/v1/users", secret).status == 403);
        CHECK(call(s, "GET", k_orgs + "/" + s.id, secret).status == 404);
    }
}

TEST_CASE("expired, revoked and rotated keys", "[orgs][api_keys]") {
    KeyServer s;
    auto key = make_key(s, s.admin, {"members:read"}, s.id);
    const std::string secret = key["key"];
    const std::string key_id = key["id"];
    SECTION("expired") {
        sql(s, "UPDATE api_keys SET expires_at = now() - interval '1 second'");
        auto r = call(s, "GET", s.members_path(s.id), secret);
        CHECK(r.status == 401);
        CHECK(error_code(r) == "TOKEN_ERROR");
        CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'api_key.rejected' AND details->>'reason' = 'expired'") == 1);
    }
    SECTION("revoked") {
        CHECK(call(s, "DELETE", "/api/v1/api-keys/" + key_id, s.member.token).status == 404);  // not theirs
        CHECK(call(s, "DELETE", "/api/v1/api-keys/" + key_id, s.admin.token).status == 204);
        CHECK(call(s, "GET", s.members_path(s.id), secret).status == 401);
        CHECK(call(s, "DELETE", "/api/v1/api-keys/" + key_id, s.admin.token).status == 409);
        CHECK(call(s, "POST", "/api/v1/api-keys/" + key_id + "/rotate", s.admin.token).status == 409);
        CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action IN ('api_key.revoked', 'api_key.rejected')") == 2);
    }
    SECTION("rotated: the old secret works during the grace period only") {
        auto rotated = ok_json(call(s, "POST", "/api/v1/api-keys/" + key_id + "/rotate", s.admin.token, {{"grace_seconds", 600}}));
        const std::string fresh = rotated["key"];
        CHECK(fresh != secret);
        CHECK_FALSE(rotated["previous_key_expires_at"].is_null());
        CHECK(call(s, "GET", s.members_path(s.id), secret).status == 200);
        CHECK(call(s, "GET", s.members_path(s.id), fresh).status == 200);
        sql(s, "UPDATE api_keys SET previous_key_expires_at = now() - interval '1 second'");
        CHECK(call(s, "GET", s.members_path(s.id), secret).status == 401);
        CHECK(call(s, "GET", s.members_path(s.id), fresh).status == 200);
        CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'api_key.rejected' AND details->>'reason' = 'rotated'") == 1);
        CHECK(call(s, "POST", "/api/v1/api-keys/" + key_id + "/rotate", s.admin.token, {{"grace_seconds", -1}}).status == 422);
    }
    SECTION("unknown and malformed keys") {
        CHECK(call(s, "GET", s.members_path(s.id), "jk_" + std::string(43, 'A')).status == 401);
        CHECK(call(s, "GET", s.members_path(s.id), "jk_").status == 401);
    }
    SECTION("deleting the organization deletes its keys") {
        CHECK(call(s, "DELETE", k_orgs + "/" + s.id, s.owner.token).status == 204);
        CHECK(call(s, "GET", "/api/v1/api-keys/" + key_id, s.admin.token).status == 404);
    }
}

TEST_CASE("platform-admin keys: minted only in direct mode, pass admin routes", "[orgs][api_keys]") {
    KeyServer s;
    auto root = make_user(s, "root@example.com", true);
    CHECK(call(s, "POST", "/api/v1/api-keys", root.token, {{"name", "x"}, {"permissions", {"*"}}, {"platform_admin", true}}).status == 422);
    auto minted = cli_json(direct_args(s, {"apikey", "create", "--platform-admin", "--name", "automation"}));
    const std::string secret = minted["key"];
    CHECK(minted["is_platform_admin"] == true);
    CHECK(minted["user_id"].is_null());
    CHECK(call(s, "GET", "/api/v1/users", secret).status == 200);
    CHECK(call(s, "GET", s.members_path(s.id), secret).status == 200);
    CHECK(call(s, "GET", "/api/v1/auth/me", secret).status == 403);
    auto remote = run_janua(remote_args(s, secret, {"apikey", "create", "--platform-admin", "--name", "x"}));
    CHECK(remote.exit_code == 2);
}
