// SCIM Users through real HTTP against januad: discovery, CRUD, RFC 7644 filters, sorting and
// paging, PATCH, ETags, uniqueness, the error schema, tenant isolation and deprovisioning.
#include "tests/integration/scim/scim_support.hpp"

using namespace janua::test;
using namespace janua::test::scim;

namespace {

struct Fixture {
    Server s;
    TestUser owner = make_user(s, "owner@acme.test");
    std::string org = make_org(s, owner, "acme")["id"];
    std::string token = token_for(s, owner, org);

    json create(const std::string& email, json extra = json::object()) {
        return scim_ok(scim_call(s, "POST", "/Users", token, user_body(email, std::move(extra))), 201);
    }
};

}  // namespace

TEST_CASE("SCIM discovery says what is supported", "[scim]") {
    Fixture f;
    auto config = scim_ok(scim_call(f.s, "GET", "/ServiceProviderConfig", f.token));
    CHECK(config["patch"]["supported"] == true);
    CHECK(config["bulk"]["supported"] == false);
    CHECK(config["filter"]["supported"] == true);
    CHECK(config["filter"]["maxResults"] == 200);
    CHECK(config["etag"]["supported"] == true);
    CHECK(config["sort"]["supported"] == true);
    CHECK(config["changePassword"]["supported"] == false);
    CHECK(config["authenticationSchemes"][0]["type"] == "oauthbearertoken");
    auto schemas = scim_ok(scim_call(f.s, "GET", "/Schemas", f.token));
    CHECK(schemas["totalResults"] == 2);
    auto user = scim_ok(scim_call(f.s, "GET", "/Schemas/" + k_user_schema, f.token));
    bool user_name_found = false;
    for (const auto& a : user["attributes"])
        if (a["name"] == "userName") user_name_found = a["uniqueness"] == "server" && a["required"] == true;
    CHECK(user_name_found);
    CHECK(scim_call(f.s, "GET", "/Schemas/urn:nope", f.token).status == 404);
    auto types = scim_ok(scim_call(f.s, "GET", "/ResourceTypes", f.token));
    REQUIRE(types["Resources"].size() == 1);  // no Groups: not supported
    CHECK(types["Resources"][0]["endpoint"] == "/Users");
    CHECK(scim_call(f.s, "GET", "/ServiceProviderConfig", "").status == 401);
}

TEST_CASE("SCIM Users - create get replace delete - uniqueness - errors", "[scim][users]") {
    Fixture f;
    auto r = scim_call(f.s, "POST", "/Users", f.token,
                       user_body("Alice@Acme.test", {{"externalId", "okta-1"},
                                                     {"name", {{"givenName", "Alice"}, {"familyName", "Liddell"}}},
                                                     {"displayName", "Alice L"},
                                                     {"title", "Engineer"},
                                                     {"emails", {{{"value", "alice@acme.test"}, {"type", "work"}, {"primary", true}}}},
                                                     {k_enterprise, {{"department", "R&D"}, {"employeeNumber", "42"}}},
                                                     {"unknownAttribute", "ignored"}}));
    auto alice = scim_ok(r, 201);
    const std::string id = alice["id"];
    CHECK(r.header("Location") == alice["meta"]["location"]);
    CHECK(r.header("ETag") == alice["meta"]["version"]);
    CHECK(alice["active"] == true);
    CHECK(alice["externalId"] == "okta-1");
    CHECK(alice["name"]["givenName"] == "Alice");
    CHECK(alice[k_enterprise]["department"] == "R&D");
    CHECK(alice["schemas"].size() == 2);
    CHECK_FALSE(alice.contains("unknownAttribute"));
    // A Janua user and a membership (role member) now exist.
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id "
                          "WHERE u.id = '" + id + "' AND r.name = 'member' AND m.organization_id = '" + f.org + "'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.created' AND actor_type = 'scim_token' "
                          "AND target_id = '" + id + "' AND organization_id = '" + f.org + "'") == 1);

    auto got = scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token));
    CHECK(got == alice);
    CHECK(scim_call(f.s, "GET", "/Users/00000000-0000-0000-0000-000000000000", f.token).status == 404);
    CHECK(scim_call(f.s, "GET", "/Users/nope", f.token).status == 404);

    // attributes / excludedAttributes
    auto narrow = scim_ok(scim_call(f.s, "GET", "/Users/" + id + "?attributes=userName,name.givenName", f.token));
    CHECK(narrow.contains("id"));
    CHECK(narrow["name"] == json{{"givenName", "Alice"}});
    CHECK_FALSE(narrow.contains("emails"));
    auto wide = scim_ok(scim_call(f.s, "GET", "/Users/" + id + "?excludedAttributes=emails," + encode(k_enterprise) + ":department", f.token));
    CHECK_FALSE(wide.contains("emails"));
    CHECK(wide[k_enterprise] == json{{"employeeNumber", "42"}});

    // Uniqueness (case-insensitive userName; externalId within the organization): 409, nothing changes.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("alice@acme.TEST")), 409) == "uniqueness");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("bob@acme.test", {{"externalId", "okta-1"}})), 409) ==
          "uniqueness");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'bob@acme.test'") == 0);

    // Bad input: 400 with scimType, nothing created.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, json{{"userName", "x@y.z"}}), 400) == "invalidSyntax");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("not-an-email")), 400) == "invalidValue");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("c@acme.test", {{"active", "maybe"}})), 400) == "invalidValue");
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token,
                                 user_body("c@acme.test", {{"emails", {{{"value", "a@x"}, {"primary", true}}, {{"value", "b@x"}, {"primary", true}}}}})),
                       400) == "invalidValue");
    auto raw = http("POST", f.s.base(), "/scim/v2/Users", "{nope", {{"Authorization", "Bearer " + f.token}}, "application/scim+json");
    CHECK(scim_type_of(raw, 400) == "invalidSyntax");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'c@acme.test'") == 0);

    // PUT replaces: attributes left out are cleared; id cannot change.
    auto put = scim_ok(scim_call(f.s, "PUT", "/Users/" + id, f.token,
                                 user_body("alice@acme.test", {{"name", {{"givenName", "Alicia"}}}, {"externalId", "okta-1"}})));
    CHECK(put["name"] == json{{"givenName", "Alicia"}});
    CHECK_FALSE(put.contains("title"));
    CHECK_FALSE(put.contains(k_enterprise));
    CHECK(put["meta"]["version"] != alice["meta"]["version"]);
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + id, f.token, user_body("alice@acme.test", {{"id", "other"}})), 400) ==
          "mutability");

    // ETags: a stale If-Match gets 412 and changes nothing; the current one passes.
    const std::string stale = alice["meta"]["version"];
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + id, f.token, user_body("alice@acme.test", {{"title", "CTO"}}),
                                 {{"If-Match", stale}}),
                       412).empty());
    CHECK(scim_type_of(scim_call(f.s, "DELETE", "/Users/" + id, f.token, nullptr, {{"If-Match", stale}}), 412).empty());
    CHECK_FALSE(scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token)).contains("title"));
    auto fresh = scim_ok(scim_call(f.s, "PUT", "/Users/" + id, f.token, user_body("alice@acme.test", {{"title", "CTO"}}),
                                   {{"If-Match", put["meta"]["version"].get<std::string>()}}));
    CHECK(fresh["title"] == "CTO");

    // The organization's owner cannot be deprovisioned through SCIM.
    auto owner_in_scim = scim_ok(scim_call(f.s, "GET", "/Users?filter=" + encode("userName eq \"owner@acme.test\""), f.token));
    REQUIRE(owner_in_scim["totalResults"] == 1);
    const std::string owner_id = owner_in_scim["Resources"][0]["id"];
    CHECK(scim_type_of(scim_call(f.s, "DELETE", "/Users/" + owner_id, f.token), 400) == "mutability");

    // DELETE removes the membership (the Janua user stays); then 404.
    CHECK(scim_call(f.s, "DELETE", "/Users/" + id, f.token).status == 204);
    CHECK(scim_call(f.s, "GET", "/Users/" + id, f.token).status == 404);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + id + "'") == 0);
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE id = '" + id + "'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.deleted' AND target_id = '" + id + "'") == 1);
}

TEST_CASE("SCIM filters follow RFC 7644 3.4.2.2", "[scim][filter]") {
    Fixture f;
    f.create("ann@acme.test", {{"externalId", "E-1"}, {"name", {{"givenName", "Ann"}, {"familyName", "Archer"}}}, {"title", "Engineer"},
                               {"emails", {{{"value", "ann@acme.test"}, {"type", "work"}, {"primary", true}},
                                           {{"value", "ann@home.example"}, {"type", "home"}}}},
                               {k_enterprise, {{"department", "Sales"}}}});
    f.create("ben@acme.test", {{"externalId", "e-2"}, {"name", {{"givenName", "Ben"}, {"familyName", "Baker"}}}, {"title", "Manager"},
                               {"emails", {{{"value", "ben@other.example"}, {"type", "work"}}}}});
    f.create("cat@example.org", {{"name", {{"givenName", "Cat"}}}, {"active", false}});
    const std::set<std::string> all = {"owner@acme.test", "ann@acme.test", "ben@acme.test", "cat@example.org"};

    struct Case {
        std::string filter;
        std::set<std::string> expected;
    };
    const std::vector<Case> cases = {
        {"userName eq \"ann@acme.test\"", {"ann@acme.test"}},
        {"USERNAME EQ \"ANN@ACME.TEST\"", {"ann@acme.test"}},  // names and operators case-insensitive; userName caseExact false
        {"userName ne \"ann@acme.test\"", {"owner@acme.test", "ben@acme.test", "cat@example.org"}},
        {"userName co \"acme\"", {"owner@acme.test", "ann@acme.test", "ben@acme.test"}},
        {"userName sw \"b\"", {"ben@acme.test"}},
        {"userName ew \".org\"", {"cat@example.org"}},
        {"userName gt \"b\"", {"ben@acme.test", "cat@example.org", "owner@acme.test"}},
        {"userName ge \"ben@acme.test\"", {"ben@acme.test", "cat@example.org", "owner@acme.test"}},
        {"userName lt \"b\"", {"ann@acme.test"}},
        {"userName le \"ben@acme.test\"", {"ann@acme.test", "ben@acme.test"}},
        {"externalId eq \"e-1\"", {}},  // externalId is caseExact
        {"externalId eq \"E-1\"", {"ann@acme.test"}},
        {"externalId pr", {"ann@acme.test", "ben@acme.test"}},
        {"title pr and not (title eq \"Manager\")", {"ann@acme.test"}},
        {"name.givenName eq \"ben\"", {"ben@acme.test"}},
        {"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName sw \"arch\"", {"ann@acme.test"}},
        {"active eq false", {"cat@example.org"}},
        {"active eq true and userName co \"acme\"", {"owner@acme.test", "ann@acme.test", "ben@acme.test"}},
        {"userName sw \"a\" or userName sw \"c\"", {"ann@acme.test", "cat@example.org"}},
        {"(userName sw \"a\" or userName sw \"b\") and title eq \"manager\"", {"ben@acme.test"}},
        {"userName sw \"a\" or userName sw \"b\" and title eq \"manager\"", {"ann@acme.test", "ben@acme.test"}},  // and binds tighter
        {"not (userName co \"acme\")", {"cat@example.org"}},
        {"emails[type eq \"work\" and value co \"@acme.test\"]", {"owner@acme.test", "ann@acme.test"}},
        {"emails[type eq \"home\"]", {"ann@acme.test"}},
        {"emails.value ew \"other.example\"", {"ben@acme.test"}},
        {"emails co \"home.example\"", {"ann@acme.test"}},
        {"emails[primary eq true] and userName sw \"b\"", {}},
        {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"", {"ann@acme.test"}},
        {"meta.created gt \"2000-01-01T00:00:00Z\"", all},
        {"meta.lastModified lt \"2000-01-01T00:00:00Z\"", {}},
        {"userName eq \"x' OR '1'='1\"", {}},  // values are parameters, never SQL
    };
    for (const auto& c : cases) {
        INFO(c.filter);
        auto list = scim_ok(scim_call(f.s, "GET", "/Users?filter=" + encode(c.filter), f.token));
        CHECK(user_names(list) == c.expected);
        CHECK(list["totalResults"] == c.expected.size());
        CHECK(list["schemas"] == json::array({"urn:ietf:params:scim:api:messages:2.0:ListResponse"}));
    }

    struct Bad {
        std::string filter;
        std::size_t position;
    };
    const std::vector<Bad> bad = {
        {"userName eq", 11},
        {"userName zz \"a\"", 9},
        {"(userName eq \"a\"", 16},
        {"userName eq \"a\" and", 19},
        {"nope eq \"a\"", 0},
        {"active gt true", 0},
        {"active eq \"yes\"", 0},
        {"userName eq 12", 0},
        {"meta.created gt \"yesterday\"", 0},
        {"emails[type eq \"work\"", 21},
        {"userName eq \"unterminated", 12},
        {"userName eq \"a\" junk", 16},
    };
    for (const auto& b : bad) {
        INFO(b.filter);
        auto r = scim_call(f.s, "GET", "/Users?filter=" + encode(b.filter), f.token);
        CHECK(scim_type_of(r, 400) == "invalidFilter");
        CHECK(json::parse(r.body)["detail"].get<std::string>().find("position " + std::to_string(b.position)) != std::string::npos);
    }

    SECTION("paging and sorting") {
        auto page = scim_ok(scim_call(f.s, "GET", "/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2", f.token));
        CHECK(page["totalResults"] == 4);
        CHECK(page["startIndex"] == 2);
        CHECK(page["itemsPerPage"] == 2);
        REQUIRE(page["Resources"].size() == 2);
        CHECK(page["Resources"][0]["userName"] == "cat@example.org");
        CHECK(page["Resources"][1]["userName"] == "ben@acme.test");
        auto beyond = scim_ok(scim_call(f.s, "GET", "/Users?startIndex=10", f.token));
        CHECK(beyond["totalResults"] == 4);
        CHECK(beyond["Resources"].empty());
        auto zero = scim_ok(scim_call(f.s, "GET", "/Users?count=0", f.token));
        CHECK(zero["totalResults"] == 4);
        CHECK(zero["Resources"].empty());
        auto by_name = scim_ok(scim_call(f.s, "GET", "/Users?sortBy=name.givenName&filter=" + encode("userName co \"acme\""), f.token));
        CHECK(by_name["Resources"][0]["userName"] == "ann@acme.test");
        CHECK(scim_type_of(scim_call(f.s, "GET", "/Users?sortBy=nope", f.token), 400) == "invalidValue");
        CHECK(scim_type_of(scim_call(f.s, "GET", "/Users?count=abc", f.token), 400) == "invalidValue");
        CHECK(scim_type_of(scim_call(f.s, "GET", "/Users?sortOrder=up", f.token), 400) == "invalidValue");
    }
}

TEST_CASE("SCIM PATCH - add replace remove with and without path", "[scim][patch]") {
    Fixture f;
    auto user = f.create("pat@acme.test", {{"name", {{"givenName", "Pat"}}},
                                           {"emails", {{{"value", "pat@acme.test"}, {"type", "work"}, {"primary", true}},
                                                       {{"value", "pat@home.example"}, {"type", "home"}}}}});
    const std::string id = user["id"];
    auto patch = [&](json ops, std::map<std::string, std::string> headers = {}) {
        return scim_call(f.s, "PATCH", "/Users/" + id, f.token, {{"schemas", {k_patch_schema}}, {"Operations", ops}}, headers);
    };
    auto r = scim_ok(patch({{{"op", "replace"}, {"path", "name.familyName"}, {"value", "Smith"}},
                            {{"op", "add"}, {"path", "title"}, {"value", "Lead"}},
                            {{"op", "Replace"}, {"path", "emails[type eq \"work\"].value"}, {"value", "pat@acme.test"}},
                            {{"op", "remove"}, {"path", "emails[type eq \"home\"]"}}}));
    CHECK(r["name"] == json{{"givenName", "Pat"}, {"familyName", "Smith"}});
    CHECK(r["title"] == "Lead");
    CHECK(r["emails"].size() == 1);
    // Without a path: the value object's members (Azure AD style, enterprise URN keys too).
    r = scim_ok(patch({{{"op", "replace"}, {"value", {{"displayName", "P. Smith"}, {k_enterprise + ":department", "Ops"}}}},
                       {{"op", "add"}, {"value", {{"emails", {{{"value", "pat@second.example"}, {"type", "other"}}}}}}}}));
    CHECK(r["displayName"] == "P. Smith");
    CHECK(r[k_enterprise]["department"] == "Ops");
    CHECK(r["emails"].size() == 2);
    r = scim_ok(patch({{{"op", "remove"}, {"path", "title"}}, {{"op", "remove"}, {"path", k_enterprise + ":department"}}}));
    CHECK_FALSE(r.contains("title"));
    CHECK_FALSE(r.contains(k_enterprise));

    // Errors: nothing changes.
    const auto before = scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token));
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "nope"}, {"value", "x"}}}), 400) == "invalidPath");
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "emails[type eq \"fax\"].value"}, {"value", "x"}}}), 400) == "noTarget");
    CHECK(scim_type_of(patch({{{"op", "remove"}}}), 400) == "noTarget");
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "id"}, {"value", "x"}}}), 400) == "mutability");
    CHECK(scim_type_of(patch({{{"op", "frobnicate"}, {"path", "title"}, {"value", "x"}}}), 400) == "invalidSyntax");
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "userName"}, {"value", "not-an-email"}}}), 400) == "invalidValue");
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "title"}, {"value", "x"}}}, {{"If-Match", "W/\"stale\""}}), 412).empty());
    CHECK(scim_type_of(scim_call(f.s, "PATCH", "/Users/" + id, f.token, {{"Operations", json::array()}}), 400) == "invalidSyntax");
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token)) == before);
    // Renaming onto another user's email: 409.
    f.create("taken@acme.test");
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "userName"}, {"value", "TAKEN@acme.test"}}}), 409) == "uniqueness");
    // Azure AD sends "False" as a string.
    r = scim_ok(patch({{{"op", "Replace"}, {"path", "active"}, {"value", "False"}}}));
    CHECK(r["active"] == false);
}

TEST_CASE("SCIM deprovisioning revokes sessions and tokens see only their organization", "[scim][isolation]") {
    Fixture f;
    auto owner_b = make_user(f.s, "owner@beta.test");
    const std::string org_b = make_org(f.s, owner_b, "beta")["id"];
    const std::string token_b = token_for(f.s, owner_b, org_b);

    // A user who signed up and was then provisioned into acme.
    auto dana = signup(f.s.base(), "dana@acme.test");
    const std::string dana_id = dana["user"]["id"];
    auto linked = f.create("DANA@acme.test", {{"name", {{"givenName", "Dana"}}}});
    CHECK(linked["id"] == dana_id);  // linked to the existing Janua user, not a second one
    // A linked account's profile stays with its owner: renaming its login email would hand the
    // account to whoever holds the new address.
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + dana_id, f.token, user_body("mallory@evil.test")), 400) ==
          "mutability");
    CHECK(scim_type_of(scim_call(f.s, "PATCH", "/Users/" + dana_id, f.token,
                                 json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                                      {"Operations", {{{"op", "replace"}, {"path", "userName"}, {"value", "mallory@evil.test"}}}}}),
                       400) == "mutability");
    auto session = signin(f.s.base(), "dana@acme.test");
    const std::string refresh = session["refresh_token"];

    // Beta's token sees none of acme's users and cannot touch them.
    auto beta_view = scim_ok(scim_call(f.s, "GET", "/Users", token_b));
    CHECK(user_names(beta_view) == std::set<std::string>{"owner@beta.test"});
    CHECK(scim_call(f.s, "GET", "/Users/" + dana_id, token_b).status == 404);
    CHECK(scim_call(f.s, "PUT", "/Users/" + dana_id, token_b, user_body("dana@acme.test")).status == 404);
    CHECK(scim_call(f.s, "PATCH", "/Users/" + dana_id, token_b,
                    {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", false}}}}})
              .status == 404);
    CHECK(scim_call(f.s, "DELETE", "/Users/" + dana_id, token_b).status == 404);
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + dana_id, f.token))["active"] == true);

    // Beta provisions the same person: her profile is now shared, so neither IdP may rewrite it.
    scim_ok(scim_call(f.s, "POST", "/Users", token_b, user_body("dana@acme.test")), 201);
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + dana_id, token_b, user_body("dana@beta.test")), 400) == "mutability");
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'dana@acme.test'") == 1);
    // Beta deprovisions her: acme's membership stays.
    CHECK(scim_call(f.s, "DELETE", "/Users/" + dana_id, token_b).status == 204);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana_id + "' AND organization_id = '" + f.org + "'") == 1);

    // Deactivation in acme: membership removed, sessions revoked, a refresh fails; the IdP still sees her.
    session = signin(f.s.base(), "dana@acme.test");
    auto off = scim_ok(scim_call(f.s, "PATCH", "/Users/" + dana_id, f.token,
                                 {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", false}}}}}));
    CHECK(off["active"] == false);
    CHECK(refresh_response(f.s.base(), session["refresh_token"]).status == 401);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana_id + "' AND organization_id = '" + f.org + "'") == 0);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.deactivated' AND target_id = '" + dana_id + "'") == 1);
    // Reactivation gives her membership back.
    auto on = scim_ok(scim_call(f.s, "PATCH", "/Users/" + dana_id, f.token,
                                {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"value", {{"active", true}}}}}}}));
    CHECK(on["active"] == true);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana_id + "' AND organization_id = '" + f.org + "'") == 1);

    // DELETE revokes sessions too.
    session = signin(f.s.base(), "dana@acme.test");
    CHECK(scim_call(f.s, "DELETE", "/Users/" + dana_id, f.token).status == 204);
    CHECK(refresh_response(f.s.base(), session["refresh_token"]).status == 401);
    CHECK(refresh_response(f.s.base(), refresh).status == 401);
}
