#include "core/identity/user.hpp"

namespace janua::identity {
namespace {

nlohmann::json optional_text(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json optional_time(const std::string& value) {
    return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

}  // namespace

bool is_valid_status(const std::string& status) {
    return status == "ACTIVE" || status == "INACTIVE" || status == "SUSPENDED" || status == "PENDING" ||
           status == "DELETED";
}

nlohmann::json to_json(const User& user) {
    return {
        {"id", user.id},
        {"email", user.email},
        {"username", optional_text(user.username)},
        {"first_name", optional_text(user.first_name)},
        {"last_name", optional_text(user.last_name)},
        {"display_name", optional_text(user.display_name)},
        {"avatar_url", optional_text(user.avatar_url)},
        {"phone", optional_text(user.phone)},
        {"status", user.status},
        {"email_verified", user.email_verified},
        {"is_platform_admin", user.is_platform_admin},
        {"mfa_enabled", user.mfa_enabled},
        {"metadata", user.metadata},
        {"locale", optional_text(user.locale)},
        {"timezone", optional_text(user.timezone)},
        {"locked_until", optional_time(user.locked_until)},
        {"last_login_at", optional_time(user.last_login_at)},
        {"created_at", user.created_at},
        {"updated_at", user.updated_at},
    };
}

}  // namespace janua::identity
