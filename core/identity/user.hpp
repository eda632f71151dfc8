#pragma once
// The user model (the seed's, plus the hash algorithm for imported passwords).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::identity {

// Status values as stored and shown: ACTIVE, INACTIVE, SUSPENDED, PENDING, DELETED.
bool is_valid_status(const std::string& status);

struct User {
    std::string id;
    std::string email;
    std::optional<std::string> username;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> display_name;
    std::optional<std::string> avatar_url;
    std::optional<std::string> phone;
    std::string status = "ACTIVE";
    bool email_verified = false;
    bool is_platform_admin = false;
    bool mfa_enabled = false;
    nlohmann::json metadata = nlohmann::json::object();
    std::optional<std::string> locale;
    std::optional<std::string> timezone;
    int failed_login_attempts = 0;
    std::string locked_until;
    std::string last_login_at;
    std::string created_at;
    std::string updated_at;
    // Never leaves core: not part of to_json.
    std::optional<std::string> password_hash;
    std::string password_algorithm = "bcrypt";
};

// The profile as the API and the CLI show it (no secrets).
nlohmann::json to_json(const User& user);

}  // namespace janua::identity
