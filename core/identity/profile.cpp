#include "core/identity/profile.hpp"

#include "core/identity/auth_service.hpp"
#include "core/identity/user.hpp"

#include <algorithm>
#include <set>

namespace janua::identity {

bool is_valid_username(const std::string& username) {
    return !username.empty() && username.size() <= 64 &&
           std::all_of(username.begin(), username.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '.' || c == '_' || c == '-';
           });
}

Result<nlohmann::json> validate_profile_patch(const nlohmann::json& patch, PatchScope scope) {
    static const std::set<std::string> text_fields = {"first_name", "last_name", "display_name", "avatar_url",
                                                      "phone",      "locale",    "timezone"};
    if (!patch.is_object()) return make_error(ErrorCode::bad_request, "request body must be a JSON object");
    nlohmann::json details = nlohmann::json::array();
    nlohmann::json clean = nlohmann::json::object();
    auto problem = [&](const std::string& field, const std::string& message) {
        details.push_back({{"field", field}, {"message", message}});
    };
    for (const auto& [key, value] : patch.items()) {
        if (text_fields.count(key)) {
            if (!value.is_null() && !value.is_string()) problem(key, "must be a string or null");
            else if (value.is_string() && value.get<std::string>().size() > 255) problem(key, "must be at most 255 characters");
            else clean[key] = value;
        } else if (key == "username") {
            if (!value.is_null() && (!value.is_string() || !is_valid_username(value.get<std::string>())))
                problem(key, "must be 1-64 letters, digits, '.', '_' or '-'");
            else clean[key] = value;
        } else if (key == "metadata") {
            if (!value.is_object()) problem(key, "must be an object");
            else if (value.dump().size() > 16384) problem(key, "must be at most 16 KiB");
            else clean[key] = value;
        } else if (scope == PatchScope::admin && key == "email") {
            auto email = value.is_string() ? normalize_email(value.get<std::string>()) : std::nullopt;
            if (!email) problem(key, "must be a valid email address");
            else clean[key] = *email;
        } else if (scope == PatchScope::admin && key == "status") {
            if (!value.is_string() || !is_valid_status(value.get<std::string>()))
                problem(key, "must be ACTIVE, INACTIVE, SUSPENDED, PENDING or DELETED");
            else clean[key] = value;
        } else if (scope == PatchScope::admin && (key == "email_verified" || key == "is_platform_admin")) {
            if (!value.is_boolean()) problem(key, "must be true or false");
            else clean[key] = value;
        } else {
            problem(key, "cannot be changed here");
        }
    }
    if (!details.empty()) {
        Error e = make_error(ErrorCode::validation, "invalid profile change");
        e.details = details;
        return e;
    }
    return clean;
}

}  // namespace janua::identity
