#pragma once
// Organizations, their roles and memberships as plain structs, and how the API shows them.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::orgs {

struct Organization {
    std::string id;
    std::string slug;
    std::string name;
    std::optional<std::string> owner_id;
    nlohmann::json settings = nlohmann::json::object();
    nlohmann::json metadata = nlohmann::json::object();
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> role;  // the caller's role, in "my organizations" lists
};

struct Role {
    std::string id;
    std::optional<std::string> organization_id;  // none: a built-in role
    std::string name;
    std::optional<std::string> description;
    std::vector<std::string> permissions;
    bool is_system = false;
    std::string created_at;
    std::string updated_at;
};

struct Member {
    std::string user_id;
    std::string email;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::string role;
    std::string role_id;
    std::string created_at;
    std::string updated_at;
};

nlohmann::json to_json(const Organization& org);
nlohmann::json to_json(const Role& role);
nlohmann::json to_json(const Member& member);

// Slugs: 1-63 of [a-z0-9-], starting with a letter or digit (they appear in URLs).
bool is_valid_slug(const std::string& slug);
// Role names: 1-63 of [a-z0-9_.-], starting with a letter or digit.
bool is_valid_role_name(const std::string& name);

inline constexpr const char* k_owner_role = "owner";
inline constexpr const char* k_admin_role = "admin";
inline constexpr const char* k_member_role = "member";

}  // namespace janua::orgs
