#pragma once
// SCIM PATCH (RFC 7644 §3.5.2) applied to a User resource as JSON: add, replace and remove,
// with and without a path, value-path filters (emails[type eq "work"].value) included. The
// result is then validated and written like a PUT, so PATCH can change nothing a PUT cannot.

#include "core/common/result.hpp"
#include "core/scim/filter.hpp"

#include <nlohmann/json.hpp>

namespace janua::scim {

// body: {"schemas":[PatchOp], "Operations":[...]}. Errors carry scimType invalidSyntax,
// invalidPath, noTarget, mutability or invalidValue.
Result<nlohmann::json> apply_patch(const nlohmann::json& resource, const nlohmann::json& body);

// The canonical spelling of a User attribute name (case-insensitive lookup); empty when unknown.
std::string canonical_user_attribute(const std::string& lower_name);
// Whether one element of a multi-valued attribute ({value, type, display, primary}) matches a
// value filter such as the one in emails[type eq "work"] or members[value eq "..."].
bool element_matches(const Filter& filter, const nlohmann::json& element);
std::string canonical_sub_attribute(const std::string& parent, const std::string& lower_name);

}  // namespace janua::scim
