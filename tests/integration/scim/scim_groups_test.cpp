// SCIM Groups (organization roles), /Bulk and POST .search through real HTTP against januad:
// CRUD, member PATCH, escalation and owner protection, ETags, audit, tenant isolation.
#include "tests/integration/scim/scim_support.hpp"

using namespace janua::test;
using namespace janua::test::scim;

namespace {

const std::string k_group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

struct Fixture {
    Server s;
    TestUser owner = make_user(s, "owner@acme.test");
    std::string org = make_org(s, owner, "acme")["id"];
    std::string token = token_for(s, owner, org);

    std::string user(const std::string& email) {
        return scim_ok(scim_call(s, "POST", "/Users", token, user_body(email)), 201)["id"];
    }
    json group_named(const std::string& display) {
        auto list = scim_ok(scim_call(s, "GET", "/Groups?filter=" + encode("displayName eq \"" + display + "\""), token));
        REQUIRE(list["totalResults"] == 1);
        return list["Resources"][0];
    }
    std::string role_of(const std::string& user_id) {
        pqxx::connection c(s.db.url());
        pqxx::work w(c);
        auto r = w.exec_params("SELECT r.name FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.organization_id = $1 "
                               "AND m.user_id = $2", org, user_id);
        return r.empty() ? std::string() : r[0][0].as<std::string>();
    }
    HttpResponse patch(const std::string& group_id, json ops, const std::string& with = "") {
        return scim_call(s, "PATCH", "/Groups/" + group_id, with.empty() ? token : with, {{"schemas", {k_patch_schema}}, {"Operations", ops}});
    }
};

json group_body(const std::string& display, const std::vector<std::string>& members = {}, json extra = json::object()) {
    json b = {{"schemas", {k_group_schema}}, {"displayName", display}, {"members", json::array()}};
    for (const auto& m : members) b["members"].push_back({{"value", m}});
    b.update(extra);
    return b;
}

std::set<std::string> member_ids(const json& group) {
    std::set<std::string> out;
    for (const auto& m : group.value("members", json::array())) out.insert(m["value"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("SCIM Groups are the organization's roles", "[scim][groups]") {
    Fixture f;
    const std::string ann = f.user("ann@acme.test"), ben = f.user("ben@acme.test");

    // Every role the organization can use is a Group; the system ones first.
    auto all = scim_ok(scim_call(f.s, "GET", "/Groups?excludedAttributes=members", f.token));
    CHECK(all["totalResults"] == 4);
    std::set<std::string> names;
    for (const auto& g : all["Resources"]) {
        names.insert(g["displayName"].get<std::string>());
        CHECK_FALSE(g.contains("members"));
        CHECK(g["meta"]["resourceType"] == "Group");
    }
    CHECK(names == std::set<std::string>{"owner", "admin", "member", "viewer"});
    auto owners = f.group_named("owner");
    CHECK(scim_ok(scim_call(f.s, "GET", "/Groups/" + owners["id"].get<std::string>(), f.token))["members"][0]["value"] == f.owner.id);

    // POST: a new custom role without permissions, holding the given members.
    auto r = scim_call(f.s, "POST", "/Groups", f.token, group_body("Engineering Team", {ann}, {{"externalId", "okta-g1"}}));
    auto eng = scim_ok(r, 201);
    const std::string eng_id = eng["id"];
    CHECK(r.header("Location") == eng["meta"]["location"]);
    CHECK(r.header("ETag") == eng["meta"]["version"]);
    CHECK(eng["displayName"] == "Engineering Team");
    CHECK(eng["externalId"] == "okta-g1");
    CHECK(member_ids(eng) == std::set<std::string>{ann});
    CHECK(eng["members"][0]["display"] == "ann@acme.test");
    CHECK(count_rows(f.s, "SELECT count(*) FROM roles WHERE id = '" + eng_id + "' AND name = 'engineering-team' AND "
                          "organization_id = '" + f.org + "' AND permissions = '{}'") == 1);
    CHECK(f.role_of(ann) == "engineering-team");
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.group.created' AND target_id = '" + eng_id +
                          "' AND actor_type = 'scim_token'") == 1);
    // Uniqueness: displayName (case-insensitive, system roles included) and externalId.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Groups", f.token, group_body("engineering team")), 409) == "uniqueness");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Groups", f.token, group_body("ADMIN")), 409) == "uniqueness");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Groups", f.token, group_body("Other", {}, {{"externalId", "okta-g1"}})), 409) ==
          "uniqueness");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Groups", f.token, json{{"schemas", {k_group_schema}}}), 400) == "invalidValue");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Groups", f.token, group_body("Ghosts", {"00000000-0000-0000-0000-000000000001"})), 400) ==
          "invalidValue");
    CHECK(count_rows(f.s, "SELECT count(*) FROM roles WHERE name = 'ghosts'") == 0);

    // Filters.
    struct Case {
        std::string filter;
        std::set<std::string> expected;
    };
    const std::vector<Case> cases = {
        {"displayName eq \"engineering team\"", {"Engineering Team"}},
        {"displayName sw \"Eng\" or displayName eq \"viewer\"", {"Engineering Team", "viewer"}},
        {"members[value eq \"" + ann + "\"]", {"Engineering Team"}},
        {"members eq \"" + f.owner.id + "\"", {"owner"}},
        {"members.display co \"ann@\"", {"Engineering Team"}},
        {"externalId eq \"okta-g1\"", {"Engineering Team"}},
        {"externalId eq \"OKTA-G1\"", {}},  // caseExact
        {"not (members pr)", {"admin", "viewer"}},
        {"meta.created gt \"2000-01-01T00:00:00Z\" and displayName eq \"member\"", {"member"}},
    };
    for (const auto& c : cases) {
        INFO(c.filter);
        auto list = scim_ok(scim_call(f.s, "GET", "/Groups?excludedAttributes=members&filter=" + encode(c.filter), f.token));
        std::set<std::string> got;
        for (const auto& g : list["Resources"]) got.insert(g["displayName"].get<std::string>());
        CHECK(got == c.expected);
    }
    CHECK(scim_type_of(scim_call(f.s, "GET", "/Groups?filter=" + encode("meta.lastModified gt \"not-a-date\""), f.token), 400) ==
          "invalidFilter");
    CHECK(scim_type_of(scim_call(f.s, "GET", "/Groups?filter=" + encode("userName eq \"x\""), f.token), 400) == "invalidFilter");

    // PATCH: add Ben, remove Ann (she falls back to `member`), rename.
    auto patched = scim_ok(f.patch(eng_id, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ben}}}}},
                                            {{"op", "remove"}, {"path", "members[value eq \"" + ann + "\"]"}},
                                            {{"op", "replace"}, {"path", "displayName"}, {"value", "Engineering"}}}));
    CHECK(member_ids(patched) == std::set<std::string>{ben});
    CHECK(patched["displayName"] == "Engineering");
    CHECK(f.role_of(ann) == "member");
    CHECK(f.role_of(ben) == "engineering-team");
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.group.patched' AND target_id = '" + eng_id + "'") == 1);
    // Adding Ben to viewer moves him out of Engineering (one role per member).
    const std::string viewer_id = f.group_named("viewer")["id"];
    scim_ok(f.patch(viewer_id, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ben}}}}}}));
    CHECK(f.role_of(ben) == "viewer");
    CHECK(member_ids(scim_ok(scim_call(f.s, "GET", "/Groups/" + eng_id, f.token))).empty());

    // ETags: a stale version is 412 and changes nothing.
    const std::string stale = patched["meta"]["version"];
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Groups/" + eng_id, f.token, group_body("X"), {{"If-Match", stale}}), 412).empty());
    CHECK(scim_type_of(scim_call(f.s, "DELETE", "/Groups/" + eng_id, f.token, nullptr, {{"If-Match", stale}}), 412).empty());
    auto now = scim_ok(scim_call(f.s, "GET", "/Groups/" + eng_id, f.token));
    CHECK(now["displayName"] == "Engineering");
    auto excluded = scim_call(f.s, "GET", "/Groups/" + eng_id + "?excludedAttributes=members", f.token);
    CHECK(excluded.header("ETag") == now["meta"]["version"]);  // same version with or without members

    // PUT replaces: members left out are removed.
    auto put = scim_ok(scim_call(f.s, "PUT", "/Groups/" + eng_id, f.token, group_body("Engineering", {ann}),
                                 {{"If-Match", now["meta"]["version"].get<std::string>()}}));
    CHECK(member_ids(put) == std::set<std::string>{ann});
    CHECK_FALSE(put.contains("externalId"));

    // The built-in roles: not deletable; `member` cannot be left; owner and its holders untouchable.
    const std::string member_id = f.group_named("member")["id"];
    const std::string owner_id = owners["id"];
    CHECK(scim_type_of(scim_call(f.s, "DELETE", "/Groups/" + member_id, f.token), 400) == "mutability");
    const std::string cy = f.user("cy@acme.test");  // provisioned with `member`
    CHECK(scim_type_of(f.patch(member_id, {{{"op", "remove"}, {"path", "members"}}}), 400) == "mutability");
    CHECK(f.role_of(cy) == "member");
    CHECK(scim_type_of(f.patch(owner_id, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}), 400) == "mutability");
    CHECK(scim_type_of(f.patch(owner_id, {{{"op", "remove"}, {"path", "members"}}}), 400) == "mutability");
    CHECK(scim_type_of(f.patch(viewer_id, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", f.owner.id}}}}}}), 400) ==
          "mutability");
    CHECK(f.role_of(f.owner.id) == "owner");
    CHECK(f.role_of(ann) == "engineering-team");
    // A role made in Janua is not the IdP's to delete.
    ok_json(call(f.s, "POST", k_orgs + "/" + f.org + "/roles", f.owner.token, {{"name", "auditors"}, {"permissions", {"audit:read"}}}), 201);
    CHECK(scim_type_of(scim_call(f.s, "DELETE", "/Groups/" + f.group_named("auditors")["id"].get<std::string>(), f.token), 400) ==
          "mutability");

    // DELETE of a Group the IdP created: its holders fall back to `member`, the role goes.
    CHECK(scim_call(f.s, "DELETE", "/Groups/" + eng_id, f.token).status == 204);
    CHECK(scim_call(f.s, "GET", "/Groups/" + eng_id, f.token).status == 404);
    CHECK(f.role_of(ann) == "member");
    CHECK(count_rows(f.s, "SELECT count(*) FROM roles WHERE id = '" + eng_id + "'") == 0);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.group.deleted' AND target_id = '" + eng_id + "'") == 1);
}

TEST_CASE("SCIM Groups refuse what the token's creator could not grant", "[scim][groups][security]") {
    Fixture f;
    const std::string ann = f.user("ann@acme.test");
    // A role with more than an admin holds, made by the owner.
    ok_json(call(f.s, "POST", k_orgs + "/" + f.org + "/roles", f.owner.token, {{"name", "deleters"}, {"permissions", {"org:delete"}}}), 201);
    auto admin = make_user(f.s, "admin@acme.test");
    add_member(f.s, f.org, f.owner.token, admin, "admin");
    const std::string admin_token = token_for(f.s, admin, f.org, "admin-idp");
    const std::string deleters = f.group_named("deleters")["id"];
    auto refused = f.patch(deleters, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}, admin_token);
    CHECK(refused.status == 403);
    CHECK(f.role_of(ann) == "member");
    // What the admin holds, the admin's token may hand out.
    const std::string viewer = f.group_named("viewer")["id"];
    scim_ok(f.patch(viewer, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}, admin_token));
    CHECK(f.role_of(ann) == "viewer");
    // The owner's token may grant `deleters`; the admin's may then not take it away.
    scim_ok(f.patch(deleters, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}));
    CHECK(f.patch(deleters, {{{"op", "remove"}, {"path", "members"}}}, admin_token).status == 403);
    CHECK(f.role_of(ann) == "deleters");
    // A token whose creator has left the organization grants nothing with permissions.
    ok_json(call(f.s, "DELETE", k_orgs + "/" + f.org + "/members/" + admin.id, f.owner.token), 204);
    CHECK(f.patch(viewer, {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}, admin_token).status == 403);
    // It may still create permission-less Groups, but not move Ann out of `deleters` into one.
    auto everyone = scim_ok(scim_call(f.s, "POST", "/Groups", admin_token, group_body("Okta Everyone")), 201);
    CHECK(f.patch(everyone["id"], {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}, admin_token).status == 403);
    CHECK(f.role_of(ann) == "deleters");
}

TEST_CASE("SCIM Groups of one organization are invisible to another's token", "[scim][groups][isolation]") {
    Fixture f;
    const std::string ann = f.user("ann@acme.test");
    auto eng = scim_ok(scim_call(f.s, "POST", "/Groups", f.token, group_body("Engineering", {ann})), 201);
    const std::string eng_id = eng["id"];
    auto owner_b = make_user(f.s, "owner@beta.test");
    const std::string org_b = make_org(f.s, owner_b, "beta")["id"];
    const std::string token_b = token_for(f.s, owner_b, org_b);

    auto beta_view = scim_ok(scim_call(f.s, "GET", "/Groups", token_b));
    CHECK(beta_view["totalResults"] == 4);  // the system roles only
    for (const auto& g : beta_view["Resources"]) {
        CHECK(g["id"] != eng_id);
        for (const auto& m : g.value("members", json::array())) CHECK(m["value"] == owner_b.id);
    }
    CHECK(scim_call(f.s, "GET", "/Groups/" + eng_id, token_b).status == 404);
    CHECK(scim_call(f.s, "PUT", "/Groups/" + eng_id, token_b, group_body("Mine")).status == 404);
    CHECK(scim_call(f.s, "PATCH", "/Groups/" + eng_id, token_b,
                    {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "remove"}, {"path", "members"}}}}})
              .status == 404);
    CHECK(scim_call(f.s, "DELETE", "/Groups/" + eng_id, token_b).status == 404);
    CHECK(scim_ok(scim_call(f.s, "GET", "/Groups?filter=" + encode("displayName eq \"Engineering\""), token_b))["totalResults"] == 0);
    // Beta cannot pull acme's user into its roles.
    auto viewer_b = scim_ok(scim_call(f.s, "GET", "/Groups?filter=" + encode("displayName eq \"viewer\""), token_b))["Resources"][0];
    CHECK(scim_type_of(scim_call(f.s, "PATCH", "/Groups/" + viewer_b["id"].get<std::string>(), token_b,
                                 {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", ann}}}}}}}}),
                       400) == "invalidValue");
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + ann + "'") == 1);
    // Beta's system-role Group holding the same role id shows beta's holders, not acme's.
    const std::string owner_group = scim_ok(scim_call(f.s, "GET", "/Groups?filter=" + encode("displayName eq \"owner\""), token_b))["Resources"][0]["id"];
    CHECK(member_ids(scim_ok(scim_call(f.s, "GET", "/Groups/" + owner_group, token_b))) == std::set<std::string>{owner_b.id});
    CHECK(member_ids(scim_ok(scim_call(f.s, "GET", "/Groups/" + owner_group, f.token))) == std::set<std::string>{f.owner.id});
}

TEST_CASE("SCIM Bulk with bulkId references and failOnErrors", "[scim][bulk]") {
    Fixture f;
    auto config = scim_ok(scim_call(f.s, "GET", "/ServiceProviderConfig", f.token));
    CHECK(config["bulk"]["supported"] == true);
    CHECK(config["bulk"]["maxOperations"] == 1000);
    CHECK(config["bulk"]["maxPayloadSize"] == 1048576);  // MAX_REQUEST_BODY_BYTES
    const std::string bulk_schema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    json ops = json::array({
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "u1"}, {"data", user_body("kim@acme.test")}},
        {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "g1"}, {"data", group_body("Support", {"bulkId:u1"})}},
        {{"method", "PATCH"}, {"path", "/Groups/bulkId:g1"},
         {"data", {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"path", "displayName"}, {"value", "Support Team"}}}}}}},
        {{"method", "PUT"}, {"path", "/Users/bulkId:u1"}, {"data", user_body("kim@acme.test", {{"title", "Agent"}})}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "dup"}, {"data", user_body("kim@acme.test")}},  // 409
        {{"method", "DELETE"}, {"path", "/Groups/bulkId:nope"}},                                         // unknown bulkId
    });
    auto r = scim_ok(scim_call(f.s, "POST", "/Bulk", f.token, {{"schemas", {bulk_schema}}, {"Operations", ops}}));
    CHECK(r["schemas"] == json::array({"urn:ietf:params:scim:api:messages:2.0:BulkResponse"}));
    REQUIRE(r["Operations"].size() == 6);
    CHECK(r["Operations"][0]["status"] == "201");
    CHECK(r["Operations"][0]["bulkId"] == "u1");
    const std::string kim = r["Operations"][0]["location"].get<std::string>().substr(r["Operations"][0]["location"].get<std::string>().rfind('/') + 1);
    CHECK(r["Operations"][1]["status"] == "201");
    CHECK(r["Operations"][2]["status"] == "200");
    CHECK(r["Operations"][3]["status"] == "200");
    CHECK(r["Operations"][4]["status"] == "409");
    CHECK(r["Operations"][4]["response"]["scimType"] == "uniqueness");
    CHECK(r["Operations"][5]["status"] == "409");
    auto support = f.group_named("Support Team");
    CHECK(member_ids(scim_ok(scim_call(f.s, "GET", "/Groups/" + support["id"].get<std::string>(), f.token))) == std::set<std::string>{kim});
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + kim, f.token))["title"] == "Agent");

    // failOnErrors: 1 stops after the first failure; what ran before it stays.
    json stop = json::array({
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "a"}, {"data", user_body("lee@acme.test")}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "b"}, {"data", user_body("not-an-email")}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "c"}, {"data", user_body("max@acme.test")}},
    });
    r = scim_ok(scim_call(f.s, "POST", "/Bulk", f.token, {{"schemas", {bulk_schema}}, {"failOnErrors", 1}, {"Operations", stop}}));
    REQUIRE(r["Operations"].size() == 2);
    CHECK(r["Operations"][1]["status"] == "400");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'lee@acme.test'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'max@acme.test'") == 0);

    // Malformed requests.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Bulk", f.token, {{"Operations", json::array()}}), 400) == "invalidSyntax");
    json many = json::array();
    for (int i = 0; i < 1001; ++i) many.push_back({{"method", "DELETE"}, {"path", "/Users/x"}});
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Bulk", f.token, {{"schemas", {bulk_schema}}, {"Operations", many}}), 413) == "tooMany");
    r = scim_ok(scim_call(f.s, "POST", "/Bulk", f.token,
                          {{"schemas", {bulk_schema}},
                           {"Operations", {{{"method", "GET"}, {"path", "/Users"}}, {{"method", "POST"}, {"path", "/Users"}, {"data", user_body("x@acme.test")}},
                                           {{"method", "PUT"}, {"path", "/Nope/1"}, {"data", json::object()}}}}}));
    CHECK(r["Operations"][0]["status"] == "400");
    CHECK(r["Operations"][1]["status"] == "400");  // POST without bulkId
    CHECK(r["Operations"][2]["response"]["scimType"] == "invalidPath");
    CHECK(scim_call(f.s, "POST", "/Bulk", "", {{"schemas", {bulk_schema}}, {"Operations", json::array()}}).status == 401);
}

TEST_CASE("SCIM POST .search on Users, Groups and the root", "[scim][search]") {
    Fixture f;
    f.user("ann@acme.test");
    f.user("abe@acme.test");
    const std::string search_schema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    auto users = scim_ok(scim_call(f.s, "POST", "/Users/.search", f.token,
                                   {{"schemas", {search_schema}}, {"filter", "userName sw \"a\""}, {"sortBy", "userName"},
                                    {"attributes", {"userName"}}, {"count", 10}}));
    REQUIRE(users["totalResults"] == 2);
    CHECK(users["Resources"][0]["userName"] == "abe@acme.test");
    CHECK_FALSE(users["Resources"][0].contains("emails"));
    auto groups = scim_ok(scim_call(f.s, "POST", "/Groups/.search", f.token,
                                    {{"schemas", {search_schema}}, {"filter", "displayName eq \"owner\""}, {"excludedAttributes", {"members"}}}));
    CHECK(groups["totalResults"] == 1);
    CHECK_FALSE(groups["Resources"][0].contains("members"));
    // The root searches both types: Users first, then Groups, paged as one list.
    auto root = scim_ok(scim_call(f.s, "POST", "/.search", f.token, {{"schemas", {search_schema}}, {"count", 2}, {"startIndex", 3}}));
    CHECK(root["totalResults"] == 3 + 4);
    REQUIRE(root["Resources"].size() == 2);
    CHECK(root["Resources"][0]["meta"]["resourceType"] == "User");
    CHECK(root["Resources"][1]["meta"]["resourceType"] == "Group");
    auto only_users = scim_ok(scim_call(f.s, "POST", "/.search", f.token, {{"schemas", {search_schema}}, {"filter", "userName sw \"ann\""}}));
    CHECK(only_users["totalResults"] == 1);
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users/.search", f.token, {{"filter", "userName pr"}}), 400) == "invalidSyntax");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users/.search", f.token, {{"schemas", {search_schema}}, {"filter", "userName zz 1"}}), 400) ==
          "invalidFilter");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/.search", f.token, {{"schemas", {search_schema}}, {"filter", "(("}}), 400) == "invalidFilter");
}

TEST_CASE("SCIM Bulk resolves forward bulkId references and refuses circular ones", "[scim][bulk]") {
    Fixture f;
    const std::string bulk_schema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    auto bulk = [&](json ops, json extra = json::object()) {
        json body = {{"schemas", {bulk_schema}}, {"Operations", ops}};
        body.update(extra);
        return scim_ok(scim_call(f.s, "POST", "/Bulk", f.token, body));
    };
    auto id_of = [](const json& result) {
        const std::string location = result["location"];
        return location.substr(location.rfind('/') + 1);
    };
    // The Group refers to a User the request creates after it (RFC 7644 §3.7.2); a PATCH of the
    // User comes before its POST too. Answers stay in request order.
    auto r = bulk(json::array({
        {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "g"}, {"data", group_body("Night Shift", {"bulkId:u"})}},
        {{"method", "PATCH"}, {"path", "/Users/bulkId:u"},
         {"data", {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "add"}, {"path", "title"}, {"value", "Nurse"}}}}}}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "u"}, {"data", user_body("noor@acme.test")}},
    }));
    REQUIRE(r["Operations"].size() == 3);
    CHECK(r["Operations"][0]["bulkId"] == "g");
    CHECK(r["Operations"][0]["status"] == "201");
    CHECK(r["Operations"][1]["method"] == "PATCH");
    CHECK(r["Operations"][1]["status"] == "200");
    CHECK(r["Operations"][2]["bulkId"] == "u");
    CHECK(r["Operations"][2]["status"] == "201");
    const std::string noor = id_of(r["Operations"][2]);
    CHECK(member_ids(scim_ok(scim_call(f.s, "GET", "/Groups/" + id_of(r["Operations"][0]), f.token))) == std::set<std::string>{noor});
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + noor, f.token))["title"] == "Nurse");

    // Circular: each User's manager is the other; a POST naming itself. 409, nothing created.
    auto managed_by = [](const std::string& email, const std::string& ref) {
        return user_body(email, {{"schemas", {k_user_schema, k_enterprise}}, {k_enterprise, {{"manager", {{"value", ref}}}}}});
    };
    r = bulk(json::array({
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "x"}, {"data", managed_by("xia@acme.test", "bulkId:y")}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "y"}, {"data", managed_by("yves@acme.test", "bulkId:x")}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "z"}, {"data", managed_by("zoe@acme.test", "bulkId:z")}},
        {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "w"}, {"data", managed_by("wim@acme.test", "bulkId:u")}},
    }));
    REQUIRE(r["Operations"].size() == 4);
    for (int i = 0; i < 3; ++i) {
        INFO(i);
        CHECK(r["Operations"][i]["status"] == "409");
        CHECK(r["Operations"][i]["response"]["scimType"] == "invalidValue");
        CHECK(r["Operations"][i]["response"]["schemas"] == json::array({k_error_schema}));
    }
    CHECK(r["Operations"][0]["response"]["detail"].get<std::string>().find("circular") != std::string::npos);
    // bulkIds belong to one request: "u" of the request before is unknown here.
    CHECK(r["Operations"][3]["status"] == "409");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email IN ('xia@acme.test', 'yves@acme.test', 'zoe@acme.test', "
                          "'wim@acme.test')") == 0);

    // A reference to a POST that failed fails too; failOnErrors counts in the order operations
    // run, and what it keeps from running is not answered.
    r = bulk(json::array({
                 {{"method", "PATCH"}, {"path", "/Users/bulkId:bad"},
                  {"data", {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "add"}, {"path", "title"}, {"value", "x"}}}}}}},
                 {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "bad"}, {"data", user_body("not-an-email")}},
                 {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "ok"}, {"data", user_body("ola@acme.test")}},
             }),
             {{"failOnErrors", 2}});
    REQUIRE(r["Operations"].size() == 2);
    CHECK(r["Operations"][0]["method"] == "PATCH");
    CHECK(r["Operations"][0]["status"] == "409");
    CHECK(r["Operations"][0]["response"]["detail"].get<std::string>().find("failed") != std::string::npos);
    CHECK(r["Operations"][1]["bulkId"] == "bad");
    CHECK(r["Operations"][1]["status"] == "400");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'ola@acme.test'") == 0);
}

TEST_CASE("janua scim groups lists the Groups and their members in direct and remote mode", "[scim][groups][cli]") {
    Fixture f;
    const std::string kim = f.user("kim@acme.test");
    scim_ok(scim_call(f.s, "POST", "/Groups", f.token, group_body("Support", {kim}, {{"externalId", "okta-42"}})), 201);
    auto direct = cli_json(direct_args(f.s, {"scim", "groups", "--org", "acme"}));
    auto remote = cli_json(remote_args(f.s, f.owner.token, {"scim", "groups", "--org", f.org}));
    CHECK(direct == remote);
    json support;
    std::set<std::string> roles;
    for (const auto& g : direct["data"]) {
        roles.insert(g["role"].get<std::string>());
        if (g["display_name"] == "Support") support = g;
    }
    CHECK(roles.count("owner") == 1);
    CHECK(roles.count("member") == 1);
    REQUIRE(support.is_object());
    CHECK(support["role"] == "support");
    CHECK(support["external_id"] == "okta-42");
    CHECK(support["member_count"] == 1);
    CHECK(support["members"] == json::array({{{"user_id", kim}, {"email", "kim@acme.test"}}}));
    // Least privilege: a plain member (no scim:read) is refused; an unknown organization is 3.
    auto member = make_user(f.s, "plain@acme.test");
    add_member(f.s, f.org, f.owner.token, member, "member");
    CHECK(janua::test::run_janua(remote_args(f.s, member.token, {"scim", "groups", "--org", f.org})).exit_code != 0);
    CHECK(janua::test::run_janua(direct_args(f.s, {"scim", "groups", "--org", "no-such-org"})).exit_code == 3);
}
