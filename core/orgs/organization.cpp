#include "core/orgs/organization.hpp"

#include <algorithm>

namespace janua::orgs {
namespace {

nlohmann::json optional_json(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

bool shaped(const std::string& text, const std::string& extra) {
    if (text.empty() || text.size() > 63) return false;
    auto lower_or_digit = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_or_digit(static_cast<unsigned char>(text[0]))) return false;
    return std::all_of(text.begin(), text.end(), [&](unsigned char c) {
        return lower_or_digit(c) || extra.find(static_cast<char>(c)) != std::string::npos;
    });
}

}  // namespace

nlohmann::json to_json(const Organization& org) {
    nlohmann::json out = {{"id", org.id},
                          {"slug", org.slug},
                          {"name", org.name},
                          {"owner_id", optional_json(org.owner_id)},
                          {"settings", org.settings},
                          {"metadata", org.metadata},
                          {"created_at", org.created_at},
                          {"updated_at", org.updated_at}};
    if (org.role) out["role"] = *org.role;
    return out;
}

nlohmann::json to_json(const Role& role) {
    return {{"id", role.id},
            {"organization_id", optional_json(role.organization_id)},
            {"name", role.name},
            {"description", optional_json(role.description)},
            {"permissions", role.permissions},
            {"is_system", role.is_system},
            {"created_at", role.created_at},
            {"updated_at", role.updated_at}};
}

nlohmann::json to_json(const Member& member) {
    return {{"user_id", member.user_id},
            {"email", member.email},
            {"first_name", optional_json(member.first_name)},
            {"last_name", optional_json(member.last_name)},
            {"role", member.role},
            {"role_id", member.role_id},
            {"created_at", member.created_at},
            {"updated_at", member.updated_at}};
}

bool is_valid_slug(const std::string& slug) { return shaped(slug, "-"); }

bool is_valid_role_name(const std::string& name) { return shaped(name, "_.-"); }

}  // namespace janua::orgs
