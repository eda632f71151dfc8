// The SCIM filter parser (RFC 7644 §3.4.2.2), its SQL translation and PATCH on JSON.
#include "core/scim/filter.hpp"
#include "core/scim/patch.hpp"

#include <catch2/catch.hpp>

using namespace janua::scim;
using nlohmann::json;

namespace {

// A tiny schema for the translation: userName (caseExact false), id (caseExact true),
// active (boolean), meta.created (dateTime), emails (multi-valued).
SqlContext context(json& params) {
    SqlContext c;
    c.params = &params;
    c.resolve = [](const AttrPath& p) -> std::optional<Column> {
        if (p.attr == "username" && p.sub.empty()) return Column{"u.email", AttrType::string, false, false, {}};
        if (p.attr == "id" && p.sub.empty()) return Column{"u.id", AttrType::string, true, false, {}};
        if (p.attr == "active" && p.sub.empty()) return Column{"a", AttrType::boolean, false, false, {}};
        if (p.attr == "meta" && p.sub == "created") return Column{"c", AttrType::datetime, false, false, {}};
        if (p.attr == "emails" && p.sub.empty()) return Column{"", AttrType::string, false, true, "src AS e(v)"};
        return std::nullopt;
    };
    c.resolve_sub = [](const std::string& attr, const std::string& sub) -> std::optional<Column> {
        if (attr != "emails") return std::nullopt;
        if (sub == "value" || sub == "type") return Column{"(e.v->>'" + sub + "')", AttrType::string, false, false, {}};
        if (sub == "primary") return Column{"p", AttrType::boolean, false, false, {}};
        return std::nullopt;
    };
    return c;
}

std::string sql_of(const std::string& filter, json& params) {
    auto f = parse_filter(filter);
    INFO(filter << ": " << (f ? "" : f.error().message));
    REQUIRE(f);
    auto c = context(params);
    auto sql = to_sql(*f, c);
    INFO((sql ? "" : sql.error().message));
    REQUIRE(sql);
    return *sql;
}

}  // namespace

TEST_CASE("SCIM filters parse with RFC precedence - grouping and value paths", "[scim][filter]") {
    auto f = parse_filter("a eq \"x\" or b pr and not (c sw \"y\")");
    REQUIRE(f);
    CHECK(f->kind == Filter::Kind::any_of);
    REQUIRE(f->children.size() == 2);
    CHECK(f->children[1].kind == Filter::Kind::all_of);
    CHECK(f->children[1].children[1].kind == Filter::Kind::negation);

    auto vp = parse_filter("emails[type eq \"work\" and value co \"@example.com\"]");
    REQUIRE(vp);
    CHECK(vp->kind == Filter::Kind::value_path);
    CHECK(vp->path.attr == "emails");
    CHECK(vp->children[0].kind == Filter::Kind::all_of);

    auto urn = parse_filter("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName Eq \"A\"");
    REQUIRE(urn);
    CHECK(urn->path.schema == "urn:ietf:params:scim:schemas:core:2.0:user");
    CHECK(urn->path.attr == "name");
    CHECK(urn->path.sub == "givenname");
    CHECK(urn->op == "eq");

    for (const char* v : {"true", "false", "null", "12", "-1.5e3", "\"a \\\"quoted\\\" b\""}) {
        INFO(v);
        CHECK(parse_filter(std::string("x eq ") + v));
    }
}

TEST_CASE("SCIM filter errors name the position", "[scim][filter]") {
    struct Case {
        std::string filter;
        std::size_t position;
    };
    for (const auto& c : std::vector<Case>{{"", 0},
                                           {"userName", 8},
                                           {"userName eq", 11},
                                           {"userName xx \"a\"", 9},
                                           {"(a eq \"b\"", 9},
                                           {"a eq \"b\" and", 12},
                                           {"a eq \"b\")", 8},
                                           {"a eq bare", 5},
                                           {"not a eq \"b\"", 4},
                                           {"emails[type eq \"w\"", 18},
                                           {"emails[x[y eq 1]]", 8},
                                           {"1abc eq 2", 0}}) {
        INFO(c.filter);
        auto f = parse_filter(c.filter);
        REQUIRE_FALSE(f);
        CHECK(f.error().details["scimType"] == "invalidFilter");
        CHECK(f.error().details["position"] == c.position);
    }
    CHECK_FALSE(parse_filter(std::string(5000, 'a')));
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "(";
    deep += "a pr";
    for (int i = 0; i < 40; ++i) deep += ")";
    CHECK_FALSE(parse_filter(deep));
    std::string wide = "a pr";
    for (int i = 0; i < 250; ++i) wide += " or a pr";
    CHECK_FALSE(parse_filter(wide));
}

TEST_CASE("SCIM filters become SQL with every value a parameter", "[scim][filter]") {
    json params = json::array({"org"});
    const std::string sql = sql_of("userName eq \"x'; DROP TABLE users; --\" and id eq \"ABC\"", params);
    CHECK(sql.find("DROP") == std::string::npos);
    CHECK(sql.find("ABC") == std::string::npos);
    CHECK(params == json::array({"org", "x'; DROP TABLE users; --", "ABC"}));
    CHECK(sql.find("lower(u.email) = lower((($1::jsonb->>1)))") != std::string::npos);  // caseExact false
    CHECK(sql.find("(u.id) = (($1::jsonb->>2))") != std::string::npos);                // caseExact true

    params = json::array({"org"});
    CHECK(sql_of("active eq true", params) == "(a) = (($1::jsonb->>1)::boolean)");
    CHECK(params[1] == "true");
    params = json::array({"org"});
    // co/sw/ew are LIKE patterns with the value's own % _ \\ escaped (it stays a parameter).
    CHECK(sql_of("userName co \"b\"", params) ==
          "lower(u.email) LIKE '%' || replace(replace(replace(lower((($1::jsonb->>1))), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'");
    params = json::array({"org"});
    CHECK(sql_of("emails[type eq \"work\"]", params).find("EXISTS (SELECT 1 FROM src AS e(v) WHERE") == 0);
    params = json::array({"org"});
    CHECK(sql_of("emails.value sw \"a\"", params).find("EXISTS") == 0);
    params = json::array({"org"});
    CHECK(sql_of("not (userName pr)", params).find("NOT coalesce(") == 0);
    params = json::array({"org"});
    CHECK(sql_of("meta.created ge \"2026-01-01T00:00:00Z\"", params) == "(c) >= (($1::jsonb->>1)::timestamptz)");

    struct Bad {
        std::string filter, why;
    };
    for (const auto& b : std::vector<Bad>{{"nope eq \"a\"", "unknown attribute"},
                                          {"active gt true", "boolean"},
                                          {"active eq \"x\"", "boolean"},
                                          {"userName eq 1", "string"},
                                          {"meta.created gt \"soon\"", "dateTime"},
                                          {"meta.created co \"2026-01-01T00:00:00Z\"", "does not apply"},
                                          {"userName[type eq \"a\"]", "multi-valued"},
                                          {"emails[nope eq \"a\"]", "unknown attribute"}}) {
        INFO(b.filter);
        auto f = parse_filter(b.filter);
        REQUIRE(f);
        json p = json::array({"org"});
        auto c = context(p);
        auto translated = to_sql(*f, c);
        REQUIRE_FALSE(translated);
        CHECK(translated.error().details["scimType"] == "invalidFilter");
        CHECK(translated.error().message.find(b.why) != std::string::npos);
    }
}

TEST_CASE("SCIM PATCH operations on a User resource", "[scim][patch]") {
    const json user = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                       {"id", "1"},
                       {"userName", "a@x.test"},
                       {"name", {{"givenName", "A"}}},
                       {"emails", {{{"value", "a@x.test"}, {"type", "work"}}, {{"value", "a@home.test"}, {"type", "home"}}}}};
    auto op = [](json ops) { return json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}}, {"Operations", ops}}; };

    auto r = apply_patch(user, op({{{"op", "add"}, {"path", "name.familyName"}, {"value", "B"}}}));
    REQUIRE(r);
    CHECK((*r)["name"] == json{{"givenName", "A"}, {"familyName", "B"}});
    r = apply_patch(user, op({{{"op", "replace"}, {"path", "EMAILS[TYPE eq \"home\"].VALUE"}, {"value", "new@home.test"}}}));
    REQUIRE(r);
    CHECK((*r)["emails"][1]["value"] == "new@home.test");
    r = apply_patch(user, op({{{"op", "remove"}, {"path", "emails[type eq \"work\"]"}}}));
    REQUIRE(r);
    CHECK((*r)["emails"].size() == 1);
    r = apply_patch(user, op({{{"op", "add"}, {"value", {{"NAME", {{"givenname", "Z"}}}, {"title", "T"}}}}}));
    REQUIRE(r);
    CHECK((*r)["name"]["givenName"] == "Z");
    CHECK((*r)["title"] == "T");
    r = apply_patch(user, op({{{"op", "add"}, {"path", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"}, {"value", "m1"}}}));
    REQUIRE(r);
    CHECK((*r)["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"] == "m1");

    struct Bad {
        json ops;
        std::string type;
    };
    for (const auto& b : std::vector<Bad>{{{{{"op", "remove"}}}, "noTarget"},
                                          {{{{"op", "replace"}, {"path", "nope"}, {"value", 1}}}, "invalidPath"},
                                          {{{{"op", "replace"}, {"path", "emails[type eq \"fax\"]"}, {"value", json::object()}}}, "noTarget"},
                                          {{{{"op", "replace"}, {"path", "meta"}, {"value", 1}}}, "mutability"},
                                          {{{{"op", "replace"}, {"path", "name[givenName eq \"A\"]"}, {"value", 1}}}, "invalidPath"},
                                          {{{{"op", "add"}, {"path", "title"}}}, "invalidValue"},
                                          {{{{"op", "move"}, {"path", "title"}, {"value", 1}}}, "invalidSyntax"}}) {
        INFO(b.ops.dump());
        auto bad = apply_patch(user, op(b.ops));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().details["scimType"] == b.type);
    }
    CHECK_FALSE(apply_patch(user, json{{"Operations", json::array()}}));
}

TEST_CASE("SCIM PATCH on a User in the shapes Okta and Azure AD send", "[scim][patch]") {
    const std::string ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const json user = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                       {"id", "u-1"},
                       {"userName", "a@x.test"},
                       {"active", true},
                       {"emails", {{{"value", "a@x.test"}, {"type", "work"}, {"primary", true}}}}};
    auto op = [](json ops) { return json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}}, {"Operations", ops}}; };
    struct Case {
        std::string name;
        json ops;
        std::string pointer;  // JSON pointer into the result
        json expected;
    };
    const std::vector<Case> cases = {
        {"Azure: capitalised op, boolean string kept for validation", {{{"op", "Replace"}, {"path", "active"}, {"value", "False"}}}, "/active", "False"},
        {"Azure: value object without path, URN-qualified enterprise key",
         {{{"op", "Add"}, {"value", {{ent + ":employeeNumber", "42"}, {"displayName", "A"}}}}}, "/" + ent + "/employeeNumber", "42"},
        {"Azure: manager as a bare id", {{{"op", "Add"}, {"path", ent + ":manager"}, {"value", "m-7"}}}, "/" + ent + "/manager", "m-7"},
        {"Azure: an attribute Janua does not keep changes nothing",
         {{{"op", "Add"}, {"path", "addresses[type eq \"work\"].formatted"}, {"value", "1 Main St"}}}, "/userName", "a@x.test"},
        {"Okta: replace without path echoing the resource's own id", {{{"op", "replace"}, {"value", {{"id", "u-1"}, {"active", false}}}}},
         "/active", false},
        {"Okta: preferredLanguage without path is ignored", {{{"op", "replace"}, {"value", {{"preferredLanguage", "en"}, {"title", "T"}}}}},
         "/title", "T"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = apply_patch(user, op(c.ops));
        REQUIRE(r);
        CHECK((*r)[json::json_pointer(c.pointer)] == c.expected);
        CHECK_FALSE(r->contains("addresses"));
        CHECK_FALSE(r->contains("preferredLanguage"));
    }
    // Another id is still a change of id.
    auto other = apply_patch(user, op({{{"op", "replace"}, {"value", {{"id", "u-2"}}}}}));
    REQUIRE_FALSE(other);
    CHECK(other.error().details["scimType"] == "mutability");
    // An unknown name is still an error, not silently dropped.
    auto unknown = apply_patch(user, op({{{"op", "replace"}, {"path", "shoeSize"}, {"value", 9}}}));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().details["scimType"] == "invalidPath");
}
