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
    CHECK(config["bulk"]["supported"] == true);
    CHECK(config["filter"]["supported"] == true);
    CHECK(config["filter"]["maxResults"] == 200);
    CHECK(config["etag"]["supported"] == true);
    CHECK(config["sort"]["supported"] == true);
    CHECK(config["changePassword"]["supported"] == false);
    CHECK(config["authenticationSchemes"][0]["type"] == "oauthbearertoken");
    auto schemas = scim_ok(scim_call(f.s, "GET", "/Schemas", f.token));
    CHECK(schemas["totalResults"] == 3);
    auto user = scim_ok(scim_call(f.s, "GET", "/Schemas/" + k_user_schema, f.token));
    bool user_name_found = false;
    for (const auto& a : user["attributes"])
        if (a["name"] == "userName") user_name_found = a["uniqueness"] == "server" && a["required"] == true;
    CHECK(user_name_found);
    CHECK(scim_call(f.s, "GET", "/Schemas/urn:nope", f.token).status == 404);
    auto types = scim_ok(scim_call(f.s, "GET", "/ResourceTypes", f.token));
    REQUIRE(types["Resources"].size() == 2);
    CHECK(types["Resources"][0]["endpoint"] == "/Users");
    CHECK(types["Resources"][1]["endpoint"] == "/Groups");
    CHECK(scim_ok(scim_call(f.s, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", f.token))["name"] == "Group");
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
        {"meta.created gt \"2024-02-29T23:59:59.123456+05:30\"", all},  // a leap day, fraction and offset
        {"userName eq \"x' OR '1'='1\"", {}},  // values are parameters, never SQL
        {"userName co \"%\"", {}},              // LIKE wildcards in a value are literal
        {"userName sw \"_\"", {}},
        {"userName ew \"\\\\\"", {}},
        {"userName co \"n@acme\"", {"ann@acme.test", "ben@acme.test"}},
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
        // Shaped like dates but not dates: PostgreSQL would refuse the cast (a 500 before).
        {"meta.lastModified gt \"not-a-date\"", 0},
        {"meta.created gt \"2026-02-30T00:00:00Z\"", 0},
        {"meta.created ge \"0000-01-01T00:00:00Z\"", 0},
        {"meta.lastModified lt \"2026-01-01T24:00:00Z\"", 0},
        {"meta.created gt \"2026-01-01T00:00:00+99:00\"", 0},
        {"userName eq 1e999", 12},
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

TEST_CASE("SCIM filters agree with an independent parser (npm scim2-parse-filter) over HTTP", "[scim][filter][e2e]") {
    Fixture f;
    f.create("ann@acme.test", {{"externalId", "e-1"}, {"name", {{"givenName", "ann"}, {"familyName", "archer"}}}, {"title", "engineer"},
                               {"emails", {{{"value", "ann@acme.test"}, {"type", "work"}, {"primary", true}},
                                           {{"value", "ann@home.example"}, {"type", "home"}}}}});
    f.create("ben@acme.test", {{"externalId", "e-2"}, {"name", {{"givenName", "ben"}, {"familyName", "baker"}}}, {"title", "manager"},
                               {"emails", {{{"value", "ben@other.example"}, {"type", "work"}}}}});
    f.create("cat@example.org", {{"name", {{"givenName", "cat"}}}, {"active", false}});
    auto result = node_script("scim-filter-crosscheck.mjs", {f.s.base(), f.token});
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find(" passed, 0 failed") != std::string::npos);
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

namespace {

// A session row for a user who has no password (SCIM-created accounts sign in through SSO or a
// link): what deprovisioning must end, or leave alone.
std::string session_row(const Server& s, const std::string& user_id, const std::string& org_id) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    auto id = w.exec_params1("INSERT INTO sessions (user_id, organization_id, expires_at) VALUES ($1, $2, now() + interval '1 day') "
                             "RETURNING id::text",
                             user_id, org_id.empty() ? std::optional<std::string>() : std::optional<std::string>(org_id))[0]
                  .as<std::string>();
    w.commit();
    return id;
}

bool session_revoked(const Server& s, const std::string& id) {
    return count_rows(s, "SELECT count(*) FROM sessions WHERE id = '" + id + "' AND revoked_at IS NOT NULL") == 1;
}

HttpResponse switch_to(const Server& s, const std::string& access_token, const std::string& org_id) {
    return call(s, "POST", "/api/v1/auth/switch-organization", access_token, {{"organization_id", org_id}});
}

json deactivate_ops() {
    return {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", false}}}}};
}

}  // namespace

TEST_CASE("SCIM POST links only members of the organization, never a stranger", "[scim][security]") {
    Fixture f;
    // Dana signed up on her own; acme's IdP pushes her address.
    auto dana = make_user(f.s, "dana@acme.test");
    ok_json(call(f.s, "PATCH", "/api/v1/auth/me", dana.token, {{"first_name", "Dana"}, {"last_name", "Secret"}}));
    auto refused = scim_call(f.s, "POST", "/Users", f.token, user_body("DANA@acme.test", {{"externalId", "okta-dana"}}));
    CHECK(scim_type_of(refused, 409) == "uniqueness");
    // Nothing about her comes back (no id, no profile), and nothing changed.
    CHECK(refused.body.find(dana.id) == std::string::npos);
    CHECK(refused.body.find("Secret") == std::string::npos);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana.id + "'") == 0);
    CHECK(count_rows(f.s, "SELECT count(*) FROM scim_users WHERE user_id = '" + dana.id + "'") == 0);
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users?filter=" + encode("userName eq \"dana@acme.test\""), f.token))["totalResults"] == 0);
    // Provisioned as inactive changes nothing for a stranger either.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("dana@acme.test", {{"active", false}})), 409) == "uniqueness");
    CHECK(count_rows(f.s, "SELECT count(*) FROM scim_users WHERE user_id = '" + dana.id + "'") == 0);

    // Once she is a member (an admin added her, or she accepted an invitation), the IdP links her.
    add_member(f.s, f.org, f.owner.token, dana, "member");
    auto linked = f.create("dana@acme.test", {{"externalId", "okta-dana"}});
    CHECK(linked["id"] == dana.id);
    CHECK(linked["externalId"] == "okta-dana");
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.created' AND target_id = '" + dana.id +
                              "' AND details->>'linked' = 'member'") == 1);
    // A second POST is a uniqueness conflict; her profile stays hers.
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("dana@acme.test")), 409) == "uniqueness");
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + dana.id, f.token, user_body("mallory@evil.test")), 400) == "mutability");

    // An account acme's SCIM created and then deleted can be provisioned again (same account).
    auto erin = f.create("erin@acme.test", {{"name", {{"givenName", "Erin"}}}});
    CHECK(scim_call(f.s, "DELETE", "/Users/" + erin["id"].get<std::string>(), f.token).status == 204);
    auto again = f.create("erin@acme.test", {{"name", {{"givenName", "Erin2"}}}});
    CHECK(again["id"] == erin["id"]);
    CHECK(again["name"]["givenName"] == "Erin2");
    CHECK(again["active"] == true);
    // ...but not by another organization, to which Erin is a stranger.
    auto owner_b = make_user(f.s, "owner@beta.test");
    const std::string org_b = make_org(f.s, owner_b, "beta")["id"];
    const std::string token_b = token_for(f.s, owner_b, org_b);
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", token_b, user_body("erin@acme.test")), 409) == "uniqueness");

    // A member DELETEd through SCIM is a stranger again: no silent re-link.
    CHECK(scim_call(f.s, "DELETE", "/Users/" + dana.id, f.token).status == 204);
    CHECK(scim_type_of(scim_call(f.s, "POST", "/Users", f.token, user_body("dana@acme.test")), 409) == "uniqueness");

    // userName is the login email: once the person has a password of their own, no IdP renames it.
    auto gil = f.create("gil@acme.test");
    sql(f.s, "UPDATE users SET password_hash = 'x', password_algorithm = 'bcrypt' WHERE id = '" + gil["id"].get<std::string>() + "'");
    CHECK(scim_type_of(scim_call(f.s, "PUT", "/Users/" + gil["id"].get<std::string>(), f.token, user_body("gil2@acme.test")), 400) ==
          "mutability");
    auto renamed = f.create("hal@acme.test");
    CHECK(scim_ok(scim_call(f.s, "PUT", "/Users/" + renamed["id"].get<std::string>(), f.token, user_body("hal2@acme.test")))["userName"] ==
          "hal2@acme.test");
}

TEST_CASE("SCIM deprovisioning revokes only what belongs to the organization", "[scim][security]") {
    Fixture f;
    auto owner_b = make_user(f.s, "owner@beta.test");
    const std::string org_b = make_org(f.s, owner_b, "beta")["id"];
    const std::string token_b = token_for(f.s, owner_b, org_b);

    // Dana belongs to both organizations (added by their admins) and both IdPs manage her.
    auto dana = make_user(f.s, "dana@acme.test");
    add_member(f.s, f.org, f.owner.token, dana, "admin");
    add_member(f.s, org_b, owner_b.token, dana, "member");
    CHECK(f.create("dana@acme.test")["id"] == dana.id);
    CHECK(scim_ok(scim_call(f.s, "POST", "/Users", token_b, user_body("dana@acme.test")), 201)["id"] == dana.id);

    // Three sign-ins: one working in acme, one in beta, one in no organization.
    auto in_acme = signin(f.s.base(), dana.email);
    REQUIRE(switch_to(f.s, in_acme["access_token"], f.org).status == 200);
    auto in_beta = signin(f.s.base(), dana.email);
    REQUIRE(switch_to(f.s, in_beta["access_token"], org_b).status == 200);
    auto plain = signin(f.s.base(), dana.email);
    // An API key she made for acme.
    auto key = make_key(f.s, dana, json::array({"org:read"}), f.org);

    // Beta's token sees none of acme's users and cannot touch them.
    auto beta_view = scim_ok(scim_call(f.s, "GET", "/Users", token_b));
    CHECK(user_names(beta_view) == std::set<std::string>{"owner@beta.test", "dana@acme.test"});
    auto acme_only = f.create("ivy@acme.test");
    const std::string ivy = acme_only["id"];
    CHECK(scim_call(f.s, "GET", "/Users/" + ivy, token_b).status == 404);
    CHECK(scim_call(f.s, "PUT", "/Users/" + ivy, token_b, user_body("ivy@acme.test")).status == 404);
    CHECK(scim_call(f.s, "PATCH", "/Users/" + ivy, token_b, deactivate_ops()).status == 404);
    CHECK(scim_call(f.s, "DELETE", "/Users/" + ivy, token_b).status == 404);
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + ivy, f.token))["active"] == true);

    // Acme deactivates her: acme's membership, acme's session and acme's key end; the others live.
    auto off = scim_ok(scim_call(f.s, "PATCH", "/Users/" + dana.id, f.token, deactivate_ops()));
    CHECK(off["active"] == false);
    CHECK(refresh_response(f.s.base(), in_acme["refresh_token"]).status == 401);
    // (Refresh tokens rotate: keep the new ones, an old one would count as reuse.)
    auto beta_refreshed = refresh_response(f.s.base(), in_beta["refresh_token"]);
    REQUIRE(beta_refreshed.status == 200);
    auto plain_refreshed = refresh_response(f.s.base(), plain["refresh_token"]);
    REQUIRE(plain_refreshed.status == 200);
    CHECK(count_rows(f.s, "SELECT count(*) FROM api_keys WHERE id = '" + key["id"].get<std::string>() + "' AND revoked_at IS NOT NULL") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana.id + "' AND organization_id = '" + f.org + "'") == 0);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana.id + "' AND organization_id = '" + org_b + "'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.deactivated' AND target_id = '" + dana.id +
                              "' AND details->>'sessions_scope' = 'organization' AND (details->>'sessions_revoked')::int = 1 "
                              "AND (details->>'api_keys_revoked')::int = 1") == 1);
    // Reactivation gives her acme membership back, with the remembered role.
    auto on = scim_ok(scim_call(f.s, "PATCH", "/Users/" + dana.id, f.token,
                                {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"value", {{"active", true}}}}}}}));
    CHECK(on["active"] == true);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.user_id = '" + dana.id +
                              "' AND m.organization_id = '" + f.org + "' AND r.name = 'admin'") == 1);

    // Beta DELETEs her: beta's session ends, acme's membership and the plain session stay.
    CHECK(scim_call(f.s, "DELETE", "/Users/" + dana.id, token_b).status == 204);
    CHECK(refresh_response(f.s.base(), json::parse(beta_refreshed.body)["refresh_token"]).status == 401);
    CHECK(refresh_response(f.s.base(), json::parse(plain_refreshed.body)["refresh_token"]).status == 200);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships WHERE user_id = '" + dana.id + "' AND organization_id = '" + f.org + "'") == 1);

    // An account acme's SCIM created and that belongs to no one else is acme's: every session ends.
    const std::string ivy_plain = session_row(f.s, ivy, "");
    const std::string ivy_acme = session_row(f.s, ivy, f.org);
    CHECK(scim_call(f.s, "DELETE", "/Users/" + ivy, f.token).status == 204);
    CHECK(session_revoked(f.s, ivy_plain));
    CHECK(session_revoked(f.s, ivy_acme));
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'scim.user.deleted' AND target_id = '" + ivy +
                              "' AND (details->>'sessions_revoked')::int = 2") == 1);
    // Once it also belongs to beta, acme's deactivation leaves its other sessions alone.
    auto jo = f.create("jo@acme.test");
    const std::string jo_id = jo["id"];
    sql(f.s, "INSERT INTO memberships (organization_id, user_id, role_id) SELECT '" + org_b + "', '" + jo_id +
                 "', id FROM roles WHERE name = 'viewer' AND organization_id IS NULL");
    const std::string jo_plain = session_row(f.s, jo_id, "");
    const std::string jo_beta = session_row(f.s, jo_id, org_b);
    const std::string jo_acme = session_row(f.s, jo_id, f.org);
    scim_ok(scim_call(f.s, "PATCH", "/Users/" + jo_id, f.token, deactivate_ops()));
    CHECK_FALSE(session_revoked(f.s, jo_plain));
    CHECK_FALSE(session_revoked(f.s, jo_beta));
    CHECK(session_revoked(f.s, jo_acme));
}

TEST_CASE("SCIM PATCH as Azure AD and Okta send it - ETag preconditions", "[scim][patch][okta-azure]") {
    Fixture f;
    auto user = f.create("ana@acme.test", {{"emails", {{{"value", "ana@acme.test"}, {"type", "work"}, {"primary", "True"}}}}});
    const std::string id = user["id"];
    CHECK(user["emails"][0]["primary"] == true);  // "True" stored as a boolean
    auto patch = [&](json ops, std::map<std::string, std::string> headers = {}) {
        return scim_call(f.s, "PATCH", "/Users/" + id, f.token, {{"schemas", {k_patch_schema}}, {"Operations", ops}}, headers);
    };
    // Azure AD: capitalised ops, the manager as a bare id, attributes Janua does not keep, a
    // value object with URN-qualified keys.
    auto r = scim_ok(patch({{{"op", "Add"}, {"path", k_enterprise + ":manager"}, {"value", "4711"}},
                            {{"op", "Replace"}, {"path", "addresses[type eq \"work\"].formatted"}, {"value", "1 Main St"}},
                            {{"op", "Replace"}, {"value", {{k_enterprise + ":department", "Ops"}, {"preferredLanguage", "en-US"}}}}}));
    CHECK(r[k_enterprise]["manager"]["value"] == "4711");
    CHECK(r[k_enterprise]["department"] == "Ops");
    CHECK_FALSE(r.contains("addresses"));
    CHECK(r["schemas"] == json::array({k_user_schema, k_enterprise}));
    // Okta: replace without path, echoing the id; active as a boolean.
    r = scim_ok(patch({{{"op", "replace"}, {"value", {{"id", id}, {"active", false}}}}}));
    CHECK(r["active"] == false);
    r = scim_ok(patch({{{"op", "replace"}, {"value", {{"active", "True"}}}}}));
    CHECK(r["active"] == true);
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"value", {{"active", "maybe"}}}}}), 400) == "invalidValue");

    // ETags: GET with If-None-Match of the current version is 304; a write whose If-None-Match
    // names the current version (or *) is 412 and changes nothing; If-Match of it succeeds.
    auto got = scim_call(f.s, "GET", "/Users/" + id, f.token);
    REQUIRE(got.status == 200);
    const std::string etag = json::parse(got.body)["meta"]["version"];
    auto unchanged = scim_call(f.s, "GET", "/Users/" + id, f.token, nullptr, {{"If-None-Match", etag}});
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());
    CHECK(scim_call(f.s, "GET", "/Users/" + id, f.token, nullptr, {{"If-None-Match", "W/\"other\""}}).status == 200);
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "title"}, {"value", "x"}}}, {{"If-None-Match", "*"}}), 412).empty());
    CHECK(scim_type_of(patch({{{"op", "replace"}, {"path", "title"}, {"value", "x"}}}, {{"If-None-Match", etag}}), 412).empty());
    CHECK_FALSE(scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token)).contains("title"));
    r = scim_ok(patch({{{"op", "replace"}, {"path", "title"}, {"value", "x"}}}, {{"If-Match", etag}}));
    CHECK(r["title"] == "x");
    CHECK(r["meta"]["version"] != etag);
    // 404 is scoped to the token's organization, in SCIM's error schema.
    auto other_owner = make_user(f.s, "owner@other.test");
    const std::string other_token = token_for(f.s, other_owner, make_org(f.s, other_owner, "other")["id"]);
    CHECK(scim_type_of(scim_call(f.s, "GET", "/Users/" + id, other_token), 404).empty());
    CHECK(scim_type_of(scim_call(f.s, "PATCH", "/Users/" + id, other_token,
                                 {{"schemas", {k_patch_schema}}, {"Operations", {{{"op", "replace"}, {"path", "title"}, {"value", "y"}}}}}),
                       404).empty());
    CHECK(scim_ok(scim_call(f.s, "GET", "/Users/" + id, f.token))["title"] == "x");
}

TEST_CASE("SCIM page-through seeks past the last row served instead of an OFFSET", "[scim][paging]") {
    Fixture f;
    std::vector<std::string> ids;
    for (int i = 1; i <= 6; ++i) ids.push_back(f.create("walker" + std::to_string(i) + "@acme.test")["id"]);
    auto page = [&](int start, const std::string& extra = "") {
        auto r = scim_ok(scim_call(f.s, "GET", "/Users?count=2&startIndex=" + std::to_string(start) + extra, f.token));
        std::vector<std::string> out;
        for (const auto& u : r["Resources"]) out.push_back(u["userName"]);
        CHECK(r["startIndex"] == start);
        return std::make_pair(out, r["totalResults"].get<long long>());
    };
    // The organization: its owner, then walker1..6 in the order they were created.
    auto [first, total] = page(1);
    CHECK(first == std::vector<std::string>{"owner@acme.test", "walker1@acme.test"});
    CHECK(total == 7);
    auto second = page(3).first;
    CHECK(second == std::vector<std::string>{"walker2@acme.test", "walker3@acme.test"});
    // walker1 (served already) goes: the next page still starts after walker3, where an OFFSET
    // of 4 would skip walker4. totalResults stays exact.
    scim_ok(scim_call(f.s, "DELETE", "/Users/" + ids[0], f.token), 204);
    auto [third, after_delete] = page(5);
    CHECK(third == std::vector<std::string>{"walker4@acme.test", "walker5@acme.test"});
    CHECK(after_delete == 6);
    // A startIndex no page led to is an OFFSET over the list as it is now.
    CHECK(page(4).first == std::vector<std::string>{"walker4@acme.test", "walker5@acme.test"});
    // A filtered walk is its own: its startIndex 3 is not the unfiltered one's.
    const std::string filter = "&filter=" + encode("userName sw \"walker\"");
    CHECK(page(1, filter).first == std::vector<std::string>{"walker2@acme.test", "walker3@acme.test"});
    CHECK(page(3, filter).first == std::vector<std::string>{"walker4@acme.test", "walker5@acme.test"});
    CHECK(page(5, filter).first == std::vector<std::string>{"walker6@acme.test"});
    // Another organization's token never sees this walk's rows.
    auto other_owner = make_user(f.s, "owner@elsewhere.test");
    const std::string other = token_for(f.s, other_owner, make_org(f.s, other_owner, "elsewhere")["id"]);
    auto theirs = scim_ok(scim_call(f.s, "GET", "/Users?count=2&startIndex=3", other));
    CHECK(theirs["Resources"].empty());
    CHECK(theirs["totalResults"] == 1);
}
