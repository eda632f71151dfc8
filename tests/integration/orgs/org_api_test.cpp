// Organizations, members, roles, ownership and RBAC over real HTTP against one januad per test.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

struct OrgServer : Server {
    TestUser owner, admin, member, viewer, outsider, root;
    json org;
    std::string id;

    OrgServer() : Server(Env{{"MAX_ORGANIZATIONS_PER_IDENTITY", "3"}}) {
        owner = make_user(*this, "owner@example.com");
        admin = make_user(*this, "admin@example.com");
        member = make_user(*this, "member@example.com");
        viewer = make_user(*this, "viewer@example.com");
        outsider = make_user(*this, "outsider@example.com");
        root = make_user(*this, "root@example.com", true);
        org = make_org(*this, owner, "acme");
        id = org["id"];
        add_member(*this, id, owner.token, admin, "admin");
        add_member(*this, id, owner.token, member, "member");
        add_member(*this, id, owner.token, viewer, "viewer");
    }
    std::string path(const std::string& rest = "") const { return k_orgs + "/" + id + rest; }
};

}  // namespace

TEST_CASE("organization CRUD, slugs and the per-owner limit", "[orgs]") {
    OrgServer s;
    CHECK(s.org["slug"] == "acme");
    CHECK(s.org["owner_id"] == s.owner.id);

    SECTION("get by id or slug; members see it, outsiders get 404 as for a missing one") {
        CHECK(ok_json(call(s, "GET", k_orgs + "/acme", s.viewer.token))["id"] == s.id);
        auto hidden = call(s, "GET", s.path(), s.outsider.token);
        CHECK(hidden.status == 404);
        auto missing = call(s, "GET", k_orgs + "/no-such-org", s.outsider.token);
        CHECK(missing.status == 404);
        CHECK(error_of(hidden)["message"] == error_of(missing)["message"]);
        CHECK(call(s, "GET", s.path(), s.root.token).status == 200);  // platform admins see everything
    }
    SECTION("list mine with my role; all only for platform admins") {
        auto mine = ok_json(call(s, "GET", k_orgs, s.member.token));
        REQUIRE(mine["data"].size() == 1);
        CHECK(mine["data"][0]["role"] == "member");
        CHECK(ok_json(call(s, "GET", k_orgs, s.outsider.token))["data"].empty());
        CHECK(call(s, "GET", k_orgs + "?all=true", s.member.token).status == 403);
        CHECK(ok_json(call(s, "GET", k_orgs + "?all=true", s.root.token))["data"].size() == 1);
    }
    SECTION("duplicate slug is 409, bad slug 422, unknown members 422") {
        auto dup = call(s, "POST", k_orgs, s.outsider.token, {{"slug", "acme"}, {"name", "Other"}});
        CHECK(dup.status == 409);
        CHECK(error_code(dup) == "CONFLICT_ERROR");
        CHECK(call(s, "POST", k_orgs, s.outsider.token, {{"slug", "Bad Slug"}, {"name", "x"}}).status == 422);
        CHECK(call(s, "POST", k_orgs, s.outsider.token, {{"slug", "ok"}, {"name", "x"}, {"plan", "x"}}).status == 422);
        CHECK(call(s, "POST", k_orgs, s.outsider.token, {{"slug", "ok"}, {"name", "x"}, {"owner", s.member.id}}).status == 403);
        CHECK(count_rows(s, "SELECT count(*) FROM organizations") == 1);
    }
    SECTION("MAX_ORGANIZATIONS_PER_IDENTITY") {
        make_org(s, s.owner, "acme-2");
        make_org(s, s.owner, "acme-3");
        auto over = call(s, "POST", k_orgs, s.owner.token, {{"slug", "acme-4"}, {"name", "x"}});
        CHECK(over.status == 409);
        CHECK(error_of(over)["message"].get<std::string>().find("MAX_ORGANIZATIONS_PER_IDENTITY") != std::string::npos);
    }
    SECTION("update: admins may, members may not; slug conflicts are 409") {
        auto updated = ok_json(call(s, "PATCH", s.path(), s.admin.token,
                                    {{"name", "Acme Corp"}, {"settings", {{"plan", "pro"}}}, {"metadata", {{"k", 1}}}}));
        CHECK(updated["name"] == "Acme Corp");
        CHECK(updated["settings"]["plan"] == "pro");
        CHECK(call(s, "PATCH", s.path(), s.member.token, {{"name", "x"}}).status == 403);
        make_org(s, s.outsider, "taken");
        CHECK(call(s, "PATCH", s.path(), s.owner.token, {{"slug", "taken"}}).status == 409);
        CHECK(call(s, "PATCH", s.path(), s.owner.token, {{"owner_id", s.member.id}}).status == 422);
    }
    SECTION("delete: only the owner; everything of the organization goes, and it is audited") {
        make_key(s, s.admin, {"members:read"}, s.id);
        ok_json(call(s, "POST", s.path("/invitations"), s.admin.token, {{"email", "new@example.com"}}), 201);
        ok_json(call(s, "POST", s.path("/roles"), s.admin.token, {{"name", "auditor"}, {"permissions", {"org:read"}}}), 201);
        CHECK(call(s, "DELETE", s.path(), s.admin.token).status == 403);
        CHECK(call(s, "DELETE", s.path(), s.owner.token).status == 204);
        CHECK(call(s, "GET", s.path(), s.root.token).status == 404);
        for (const char* table : {"memberships", "invitations", "api_keys"})
            CHECK(count_rows(s, std::string("SELECT count(*) FROM ") + table + " WHERE organization_id = '" + s.id + "'") == 0);
        CHECK(count_rows(s, "SELECT count(*) FROM roles WHERE organization_id = '" + s.id + "'") == 0);
        CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'org.deleted' AND organization_id = '" +
                                s.id + "'") == 1);
    }
}

TEST_CASE("members: add, change role, remove, leave, and the last owner", "[orgs]") {
    OrgServer s;
    SECTION("list members with roles; viewers cannot") {
        auto list = ok_json(call(s, "GET", s.path("/members"), s.member.token));
        CHECK(list["data"].size() == 4);
        CHECK(call(s, "GET", s.path("/members"), s.viewer.token).status == 403);
    }
    SECTION("adding twice is 409; by email an invitation for anyone; members cannot add") {
        CHECK(call(s, "POST", s.path("/members"), s.admin.token, {{"user_id", s.member.id}}).status == 409);
        // By email, the same 202 invitation whether or not the address has an account (docs/api.md).
        CHECK(ok_json(call(s, "POST", s.path("/members"), s.admin.token, {{"user_id", "nobody@example.com"}}), 202)["status"] ==
              "invited");
        CHECK(ok_json(call(s, "POST", s.path("/members"), s.admin.token, {{"user_id", s.outsider.email}}), 202)["status"] ==
              "invited");
        CHECK(call(s, "POST", s.path("/members"), s.member.token, {{"user_id", s.outsider.id}}).status == 403);
        auto added = ok_json(call(s, "POST", s.path("/members"), s.admin.token, {{"user_id", s.outsider.id}}), 201);
        CHECK(added["role"] == "member");
    }
    SECTION("admins cannot hand out owner, nor touch owners") {
        auto promote = call(s, "PATCH", s.path("/members/" + s.member.id), s.admin.token, {{"role", "owner"}});
        CHECK(promote.status == 403);
        CHECK(call(s, "DELETE", s.path("/members/" + s.owner.id), s.admin.token).status == 403);
        CHECK(ok_json(call(s, "PATCH", s.path("/members/" + s.member.id), s.admin.token, {{"role", "viewer"}}))["role"] == "viewer");
    }
    SECTION("the last owner cannot leave, be removed or demoted") {
        CHECK(call(s, "POST", s.path("/leave"), s.owner.token).status == 409);
        CHECK(call(s, "DELETE", s.path("/members/" + s.owner.id), s.root.token).status == 409);
        CHECK(call(s, "PATCH", s.path("/members/" + s.owner.id), s.root.token, {{"role", "admin"}}).status == 409);
        CHECK(call(s, "POST", s.path("/leave"), s.member.token).status == 204);
        CHECK(call(s, "GET", s.path(), s.member.token).status == 404);
    }
    SECTION("transfer ownership: the new owner owns, the old one becomes admin") {
        CHECK(call(s, "POST", s.path("/transfer-ownership"), s.admin.token, {{"user_id", s.member.id}}).status == 403);
        CHECK(call(s, "POST", s.path("/transfer-ownership"), s.owner.token, {{"user_id", s.outsider.id}}).status == 404);
        auto moved = ok_json(call(s, "POST", s.path("/transfer-ownership"), s.owner.token, {{"user_id", s.member.id}}));
        CHECK(moved["owner_id"] == s.member.id);
        auto members = ok_json(call(s, "GET", s.path("/members"), s.member.token))["data"];
        for (const auto& m : members) {
            if (m["user_id"] == s.member.id) CHECK(m["role"] == "owner");
            if (m["user_id"] == s.owner.id) CHECK(m["role"] == "admin");
        }
        CHECK(call(s, "DELETE", s.path(), s.owner.token).status == 403);
    }
    SECTION("a member granted org:transfer moves ownership and the recorded owner steps down: one owner") {
        ok_json(call(s, "POST", s.path("/roles"), s.owner.token, {{"name", "steward"}, {"permissions", {"org:read", "org:transfer"}}}), 201);
        ok_json(call(s, "PATCH", s.path("/members/" + s.admin.id), s.owner.token, {{"role", "steward"}}));
        auto moved = ok_json(call(s, "POST", s.path("/transfer-ownership"), s.admin.token, {{"user_id", s.member.id}}));
        CHECK(moved["owner_id"] == s.member.id);
        CHECK(count_rows(s, "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id WHERE r.name = 'owner' "
                            "AND m.organization_id = '" + s.id + "'") == 1);
        for (const auto& m : ok_json(call(s, "GET", s.path("/members"), s.member.token))["data"]) {
            if (m["user_id"] == s.owner.id) CHECK(m["role"] == "admin");
            if (m["user_id"] == s.admin.id) CHECK(m["role"] == "steward");
        }
    }
}

TEST_CASE("custom roles and permission checks", "[orgs][rbac]") {
    OrgServer s;
    SECTION("built-in roles are listed and cannot change") {
        auto roles = ok_json(call(s, "GET", s.path("/roles"), s.admin.token))["data"];
        REQUIRE(roles.size() == 4);
        CHECK(roles[0]["name"] == "owner");
        CHECK(roles[0]["permissions"] == json::array({"*"}));
        CHECK(call(s, "PATCH", s.path("/roles/admin"), s.owner.token, {{"permissions", {"*"}}}).status == 409);
        CHECK(call(s, "DELETE", s.path("/roles/member"), s.owner.token).status == 409);
        CHECK(call(s, "POST", s.path("/roles"), s.owner.token, {{"name", "admin"}, {"permissions", {"org:read"}}}).status == 409);
    }
    SECTION("a custom role grants exactly its permissions, wildcards included") {
        auto role = ok_json(call(s, "POST", s.path("/roles"), s.admin.token,
                                 {{"name", "recruiter"}, {"description", "invites people"},
                                  {"permissions", {"org:read", "invitations:*"}}}),
                            201);
        CHECK(role["is_system"] == false);
        ok_json(call(s, "PATCH", s.path("/members/" + s.viewer.id), s.admin.token, {{"role", "recruiter"}}));
        CHECK(call(s, "GET", s.path("/invitations"), s.viewer.token).status == 200);
        CHECK(call(s, "GET", s.path("/members"), s.viewer.token).status == 403);
        auto check = ok_json(call(s, "POST", "/api/v1/rbac/check", s.viewer.token,
                                  {{"permission", "invitations:delete"}, {"organization_id", s.id}}));
        CHECK(check["allowed"] == true);
        check = ok_json(call(s, "POST", "/api/v1/rbac/check", s.viewer.token,
                             {{"permission", "members:delete"}, {"organization_id", "acme"}}));
        CHECK(check["allowed"] == false);
        CHECK(check["reason"].get<std::string>().find("recruiter") != std::string::npos);
        CHECK(call(s, "DELETE", s.path("/roles/recruiter"), s.admin.token).status == 409);  // still held
    }
    SECTION("nobody grants what they do not hold") {
        auto escalate = call(s, "POST", s.path("/roles"), s.admin.token, {{"name", "god"}, {"permissions", {"*"}}});
        CHECK(escalate.status == 403);
        CHECK(call(s, "POST", s.path("/roles"), s.admin.token, {{"name", "deleter"}, {"permissions", {"org:delete"}}}).status == 403);
        CHECK(call(s, "POST", s.path("/roles"), s.admin.token, {{"name", "bad"}, {"permissions", {"Members:Read"}}}).status == 422);
        CHECK(call(s, "POST", s.path("/roles"), s.member.token, {{"name", "x"}, {"permissions", {"org:read"}}}).status == 403);
        CHECK(count_rows(s, "SELECT count(*) FROM roles WHERE organization_id IS NOT NULL") == 0);
    }
    SECTION("rbac/check: platform admins, outsiders, bad permissions, the active organization") {
        CHECK(ok_json(call(s, "POST", "/api/v1/rbac/check", s.root.token, {{"permission", "org:delete"}, {"organization_id", s.id}}))["allowed"] == true);
        auto outsider = ok_json(call(s, "POST", "/api/v1/rbac/check", s.outsider.token, {{"permission", "org:read"}, {"organization_id", s.id}}));
        CHECK(outsider["allowed"] == false);
        CHECK(call(s, "POST", "/api/v1/rbac/check", s.member.token, {{"permission", "not a permission"}}).status == 422);
        CHECK(ok_json(call(s, "POST", "/api/v1/rbac/check", s.member.token, {{"permission", "org:read"}}))["allowed"] == false);
        auto switched = ok_json(call(s, "POST", "/api/v1/auth/switch-organization", s.member.token, {{"organization_id", "acme"}}));
        CHECK(parse_jwt(switched["access_token"]).payload["org_id"] == s.id);
        auto active = ok_json(call(s, "POST", "/api/v1/rbac/check", switched["access_token"], {{"permission", "members:read"}}));
        CHECK(active["allowed"] == true);
    }
}

TEST_CASE("switching the active organization", "[orgs]") {
    OrgServer s;
    auto switched = ok_json(call(s, "POST", "/api/v1/auth/switch-organization", s.viewer.token, {{"organization_id", s.id}}));
    CHECK(parse_jwt(switched["access_token"]).payload["org_id"] == s.id);
    CHECK(me_status(s.base(), switched["access_token"]) == 200);
    // Not a member: the same 404 as an organization that does not exist.
    CHECK(call(s, "POST", "/api/v1/auth/switch-organization", s.outsider.token, {{"organization_id", s.id}}).status == 404);
    auto cleared = ok_json(call(s, "POST", "/api/v1/auth/switch-organization", s.viewer.token, {{"organization_id", nullptr}}));
    CHECK_FALSE(parse_jwt(cleared["access_token"]).payload.contains("org_id"));

    // The session remembers the active organization: refreshed access tokens keep it.
    auto fresh = signup(s.base(), "switcher@example.com");
    add_member(s, s.id, s.owner.token, TestUser{fresh["user"]["id"], "switcher@example.com", fresh["access_token"]}, "viewer");
    ok_json(call(s, "POST", "/api/v1/auth/switch-organization", fresh["access_token"], {{"organization_id", "acme"}}));
    auto refreshed = ok_json(refresh_response(s.base(), fresh["refresh_token"]));
    CHECK(parse_jwt(refreshed["access_token"]).payload["org_id"] == s.id);
}
