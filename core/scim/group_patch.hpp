#pragma once
// SCIM PATCH (RFC 7644 §3.5.2) for a Group: displayName, externalId and members, with and
// without a path, `members[value eq "..."]` value filters included. Pure: it turns one group
// state into another; GroupService checks and writes the result like a PUT.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::scim {

inline constexpr const char* k_group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

struct GroupState {
    std::string id;  // the role's id ("" for a Group not created yet)
    std::string display_name;
    std::optional<std::string> external_id;
    // [{"value": user id, "display"?: ..., "type"?: "User"}], in order, values unique.
    nlohmann::json members = nlohmann::json::array();
};

// body: {"schemas":[PatchOp], "Operations":[...]}. Errors carry scimType invalidSyntax,
// invalidPath, noTarget, mutability or invalidValue.
Result<GroupState> apply_group_patch(const GroupState& current, const nlohmann::json& body);

// The members of a Group resource's `members` (PUT, POST, PATCH values): objects with a string
// "value", at most `limit` of them, duplicates folded.
Result<nlohmann::json> members_from(const nlohmann::json& value, std::size_t limit);

}  // namespace janua::scim
