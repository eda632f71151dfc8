// Policies take part in the one organization check of the pipeline (core/rbac/access.cpp):
// a deny refuses what a role grants, an allow grants what a role lacks, an API key's scope is
// never widened, and POST /api/v1/rbac/check gives the same answer as the routes.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

json policy(const std::string& org, const std::string& name, const std::string& effect, const std::string& action,
            const json& subject, const json& conditions = json::object()) {
    return {{"name", name},
            {"effect", effect},
            {"actions", {action}},
            {"resources", {"org:" + org, "org:" + org + "/*"}},
            {"subjects", {subject}},
            {"conditions", conditions}};
}

json check(const Server& s, const std::string& token, const std::string& org, const std::string& permission) {
    return ok_json(call(s, "POST", "/api/v1/rbac/check", token, {{"permission", permission}, {"organization_id", org}}));
}

}  // namespace

TEST_CASE("policies deny and grant through the organization routes and rbac/check", "[policies][orgs]") {
    Server s;
    auto owner = make_user(s, "owner@example.com");
    auto member = make_user(s, "member@example.com");
    auto viewer = make_user(s, "viewer@example.com");
    const std::string org = make_org(s, owner, "acme")["id"];
    add_member(s, org, owner.token, member, "member");
    add_member(s, org, owner.token, viewer, "viewer");
    const std::string members = k_orgs + "/" + org + "/members";
    const std::string invitations = k_orgs + "/" + org + "/invitations";

    // Roles alone: members may list members, viewers may not list invitations.
    REQUIRE(call(s, "GET", members, member.token).status == 200);
    REQUIRE(call(s, "GET", invitations, viewer.token).status == 403);
    CHECK(check(s, viewer.token, org, "invitations:read")["allowed"] == false);

    SECTION("a deny policy refuses what the role grants, and only while its condition holds") {
        const std::string id = ok_json(call(s, "POST", k_orgs + "/" + org + "/policies", owner.token,
                                            policy(org, "no member listing from outside", "deny", "members:read",
                                                   {{"type", "role"}, {"name", "member"}},
                                                   {{"not", {{"ip_ranges", {"10.0.0.0/8"}}}}})),
                                       201)["id"];
        auto refused = call(s, "GET", members, member.token);
        CHECK(refused.status == 403);
        auto answer = check(s, member.token, org, "members:read");
        CHECK(answer["allowed"] == false);
        CHECK(answer["reason"].get<std::string>().find("no member listing from outside") != std::string::npos);
        // The owner holds another role: the policy does not apply.
        CHECK(call(s, "GET", members, owner.token).status == 200);
        // Requests from 10.0.0.0/8 are exempt: switch the condition so that loopback is exempt.
        ok_json(call(s, "PATCH", k_orgs + "/" + org + "/policies/" + id, owner.token,
                     {{"conditions", {{"not", {{"ip_ranges", {"127.0.0.0/8", "::1/128"}}}}}}}));
        CHECK(call(s, "GET", members, member.token).status == 200);
    }

    SECTION("an allow policy grants one extra permission without a custom role") {
        ok_json(call(s, "POST", k_orgs + "/" + org + "/policies", owner.token,
                     policy(org, "viewer reads invitations", "allow", "invitations:read",
                            {{"type", "user"}, {"id", viewer.id}})),
                201);
        CHECK(call(s, "GET", invitations, viewer.token).status == 200);
        CHECK(check(s, viewer.token, org, "invitations:read")["allowed"] == true);
        // Only what the policy names: writing invitations stays refused.
        CHECK(call(s, "POST", invitations, viewer.token, {{"email", "x@example.com"}}).status == 403);

        // A key of the viewer scoped to org:read only is not widened by the policy.
        const std::string key = make_key(s, viewer, {"org:read"}, org)["key"];
        CHECK(call(s, "GET", k_orgs + "/" + org, key).status == 200);
        CHECK(call(s, "GET", invitations, key).status == 403);
    }

    SECTION("an allow policy never grants more than its author holds") {
        auto admin = make_user(s, "admin@example.com");
        add_member(s, org, owner.token, admin, "admin");
        // Admins may write policies, but hold neither org:delete nor org:transfer.
        ok_json(call(s, "POST", k_orgs + "/" + org + "/policies", admin.token,
                     policy(org, "make me owner", "allow", "org:*", {{"type", "user"}, {"id", admin.id}})),
                201);
        CHECK(call(s, "DELETE", k_orgs + "/" + org, admin.token).status == 403);
        CHECK(check(s, admin.token, org, "org:delete")["allowed"] == false);
        // What the admin does hold stays granted, policy or not.
        CHECK(call(s, "GET", k_orgs + "/" + org, admin.token).status == 200);
        // The owner's policy grants what the owner holds.
        ok_json(call(s, "POST", k_orgs + "/" + org + "/policies", owner.token,
                     policy(org, "viewer deletes", "allow", "org:delete", {{"type", "user"}, {"id", viewer.id}})),
                201);
        CHECK(check(s, viewer.token, org, "org:delete")["allowed"] == true);
    }

    SECTION("an organization's policies never open another organization") {
        auto stranger = make_user(s, "stranger@example.com");
        const std::string other = make_org(s, stranger, "other")["id"];
        ok_json(call(s, "POST", k_orgs + "/" + org + "/policies", owner.token,
                     policy(org, "everyone everything", "allow", "*", {{"type", "everyone"}})),
                201);
        // The viewer of acme gains everything in acme, nothing in the other organization.
        CHECK(call(s, "GET", invitations, viewer.token).status == 200);
        CHECK(call(s, "GET", k_orgs + "/" + other + "/members", viewer.token).status == 404);
    }
}
