// SCIM PATCH on a Group (RFC 7644 §3.5.2): the RFC's own member examples, table-driven, plus
// what Azure AD and Okta send, and the errors.
#include "core/scim/group_patch.hpp"

#include <catch2/catch.hpp>

using namespace janua::scim;
using nlohmann::json;

namespace {

const std::string k_patch = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
// Ids of RFC 7644's examples.
const std::string babs = "2819c223-7f76-453a-919d-413861904646";
const std::string mandy = "902c246b-6245-4190-8e05-00816be7344a";
const std::string jim = "08e1d05d-121c-4561-8b96-473d93df9210";

GroupState tour_guides() {
    GroupState g;
    g.id = "e9e30dba-f08f-4109-8486-d5c6a331660a";
    g.display_name = "Tour Guides";
    g.members = json::array({{{"value", babs}, {"display", "Babs Jensen"}, {"type", "User"}},
                             {{"value", mandy}, {"display", "Mandy Pepperidge"}, {"type", "User"}}});
    return g;
}

std::vector<std::string> values(const GroupState& g) {
    std::vector<std::string> out;
    for (const auto& m : g.members) out.push_back(m["value"]);
    return out;
}

json body(json ops) { return {{"schemas", {k_patch}}, {"Operations", ops}}; }

}  // namespace

TEST_CASE("Group PATCH: the RFC 7644 3.5.2 member examples", "[scim][unit][group_patch]") {
    struct Case {
        std::string name;
        json operations;
        std::vector<std::string> members;
        std::string display_name = "Tour Guides";
    };
    const std::vector<Case> cases = {
        // §3.5.2.1 add a member
        {"add members", {{{"op", "add"}, {"path", "members"},
                          {"value", {{{"display", "Jim"}, {"$ref", "https://example.com/v2/Users/" + jim}, {"value", jim}}}}}},
         {babs, mandy, jim}},
        // adding one already there changes nothing
        {"add an existing member", {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", babs}}}}}}, {babs, mandy}},
        // §3.5.2.2 remove a single member
        {"remove one member by value filter", {{{"op", "remove"}, {"path", "members[value eq \"" + babs + "\"]"}}}, {mandy}},
        // §3.5.2.2 remove all members
        {"remove all members", {{{"op", "remove"}, {"path", "members"}}}, {}},
        // §3.5.2.2 remove and add in one request ("replace all members")
        {"remove all then add", {{{"op", "remove"}, {"path", "members"}},
                                 {{"op", "add"}, {"path", "members"}, {"value", {{{"value", jim}}, {{"value", babs}}}}}},
         {jim, babs}},
        // §3.5.2.3 replace members
        {"replace members", {{{"op", "replace"}, {"path", "members"}, {"value", {{{"value", jim}}}}}}, {jim}},
        // a value filter with or
        {"remove two by filter", {{{"op", "remove"}, {"path", "members[value eq \"" + babs + "\" or value eq \"" + mandy + "\"]"}}}, {}},
        // filters on display are case-insensitive like other strings
        {"remove by display", {{{"op", "remove"}, {"path", "members[display eq \"mandy pepperidge\"]"}}}, {babs}},
        // Azure AD: remove with path members and the members as value
        {"azure remove", {{{"op", "Remove"}, {"path", "members"}, {"value", {{{"value", mandy}}}}}}, {babs}},
        // Azure AD / Okta: add without path, attribute names in any case
        {"add without path", {{{"op", "Add"}, {"value", {{"Members", {{{"Value", jim}}}}}}}}, {babs, mandy, jim}},
        // Okta: replace displayName without path
        {"replace displayName without path", {{{"op", "replace"}, {"value", {{"displayName", "Guides"}}}}},
         {babs, mandy}, "Guides"},
        {"replace displayName with path", {{{"op", "replace"}, {"path", "displayName"}, {"value", "Tour Guides 2"}}}, {babs, mandy},
         "Tour Guides 2"},
        {"URN-qualified path", {{{"op", "add"}, {"path", "urn:ietf:params:scim:schemas:core:2.0:Group:members"}, {"value", {{{"value", jim}}}}}},
         {babs, mandy, jim}},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = apply_group_patch(tour_guides(), body(c.operations));
        REQUIRE(r);
        CHECK(values(*r) == c.members);
        CHECK(r->display_name == c.display_name);
    }
    auto renamed = apply_group_patch(tour_guides(), body({{{"op", "replace"}, {"value", {{"displayName", "Guides"}, {"externalId", "okta-7"}}}}}));
    REQUIRE(renamed);
    CHECK(renamed->display_name == "Guides");
    CHECK(renamed->external_id == std::optional<std::string>("okta-7"));
    // Okta renames with the Group's own id in the value (no change of id).
    auto okta = apply_group_patch(tour_guides(), body({{{"op", "replace"}, {"value", {{"id", tour_guides().id}, {"displayName", "Guides"}}}}}));
    REQUIRE(okta);
    CHECK(okta->display_name == "Guides");
    CHECK(values(*okta) == std::vector<std::string>{babs, mandy});
    auto cleared = apply_group_patch(*renamed, body({{{"op", "remove"}, {"path", "externalId"}}}));
    REQUIRE(cleared);
    CHECK_FALSE(cleared->external_id);
}

TEST_CASE("Group PATCH: errors carry the RFC's scimType and change nothing", "[scim][unit][group_patch]") {
    struct Bad {
        json operations;
        std::string scim_type;
    };
    const std::vector<Bad> bad = {
        {{{{"op", "remove"}, {"path", "members[value eq \"nobody\"]"}}}, "noTarget"},
        {{{{"op", "remove"}}}, "noTarget"},
        {{{{"op", "add"}, {"path", "members[value eq \"x\"]"}, {"value", {{{"value", jim}}}}}}, "invalidPath"},
        {{{{"op", "replace"}, {"path", "members.value"}, {"value", "x"}}}, "invalidPath"},
        {{{{"op", "add"}, {"path", "owners"}, {"value", "x"}}}, "invalidPath"},
        {{{{"op", "add"}, {"path", "members[value eq"}, {"value", "x"}}}, "invalidPath"},
        {{{{"op", "replace"}, {"path", "id"}, {"value", "x"}}}, "mutability"},
        {{{{"op", "remove"}, {"path", "displayName"}}}, "mutability"},
        {{{{"op", "replace"}, {"value", {{"id", "other"}, {"displayName", "x"}}}}}, "mutability"},
        {{{{"op", "replace"}, {"path", "displayName"}, {"value", ""}}}, "invalidValue"},
        {{{{"op", "add"}, {"path", "members"}, {"value", {{{"display", "no value"}}}}}}, "invalidValue"},
        {{{{"op", "add"}, {"path", "members"}}}, "invalidValue"},
        {{{{"op", "move"}, {"path", "members"}}}, "invalidSyntax"},
        {json::array(), "invalidSyntax"},
    };
    for (const auto& b : bad) {
        INFO(b.operations.dump());
        auto r = apply_group_patch(tour_guides(), body(b.operations));
        REQUIRE_FALSE(r);
        CHECK(r.error().details["scimType"] == b.scim_type);
    }
    auto no_schema = apply_group_patch(tour_guides(), json{{"Operations", {{{"op", "remove"}, {"path", "members"}}}}});
    REQUIRE_FALSE(no_schema);
    CHECK(no_schema.error().details["scimType"] == "invalidSyntax");
}
