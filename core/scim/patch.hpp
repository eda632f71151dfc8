#pragma once
// SCIM PATCH (RFC 7644 §3.5.2) applied to a User resource as JSON: add, replace and remove,
// with and without a path, value-path filters (emails[type eq "work"].value) included. The
// result is then validated and written like a PUT, so PATCH can change nothing a PUT cannot.

#include "core/common/result.hpp"
#include "core/scim/filter.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace janua::scim {

// One operation of a PatchOp body; member names in any case, op folded to lower case (Azure AD
// sends "Replace"), path "" when absent.
struct PatchOperation {
    std::string op;
    std::string path;
    nlohmann::json value;
    bool has_value = false;
};

// The checked Operations of a PatchOp body (schemas lists PatchOp; 1..max operations, each
// add/replace/remove). Errors: invalidSyntax.
Result<std::vector<PatchOperation>> patch_operations(const nlohmann::json& body, std::size_t max);

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
