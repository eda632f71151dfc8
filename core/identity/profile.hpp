#pragma once
// Validation of profile changes, shared by PATCH /me, the admin API and `janua user update`.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace janua::identity {

bool is_valid_username(const std::string& username);

enum class PatchScope { self, admin };

// Check a patch: known members only (admins may also set email, status, email_verified,
// is_platform_admin), right types and lengths. Returns the normalised patch.
Result<nlohmann::json> validate_profile_patch(const nlohmann::json& patch, PatchScope scope);

}  // namespace janua::identity
