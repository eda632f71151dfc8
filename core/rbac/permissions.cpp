#include "core/rbac/permissions.hpp"

#include <algorithm>

namespace janua::rbac {
namespace {

bool is_word(const std::string& text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace

bool is_valid_permission(const std::string& permission) {
    if (permission == "*") return true;
    const auto colon = permission.find(':');
    if (colon == std::string::npos) return false;
    const std::string resource = permission.substr(0, colon);
    const std::string action = permission.substr(colon + 1);
    return is_word(resource) && (action == "*" || is_word(action));
}

bool grants(const std::string& held, const std::string& wanted) {
    if (held == "*") return true;
    if (held == wanted) return true;
    if (held.size() > 2 && held.compare(held.size() - 2, 2, ":*") == 0) {
        const std::string resource = held.substr(0, held.size() - 1);  // "members:"
        return wanted != "*" && wanted.compare(0, resource.size(), resource) == 0;
    }
    return false;
}

bool grants_any(const std::vector<std::string>& held, const std::string& wanted) {
    return std::any_of(held.begin(), held.end(), [&](const std::string& h) { return grants(h, wanted); });
}

const std::vector<std::string>& known_permissions() {
    static const std::vector<std::string> all = {
        "org:read",         "org:update",         "org:delete",         "org:transfer",
        "members:read",     "members:create",     "members:update",     "members:delete",
        "roles:read",       "roles:create",       "roles:update",       "roles:delete",
        "invitations:read", "invitations:create", "invitations:delete",
        "branding:read",    "branding:write",
    };
    return all;
}

}  // namespace janua::rbac
