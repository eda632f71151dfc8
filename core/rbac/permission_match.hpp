#pragma once
// Permission names are "resource:action" (e.g. "members:read"). A pattern may use "*" for a whole
// segment ("members:*", "*:read") or alone ("*", everything). RBAC role permissions and policy
// actions share this grammar, so both use these two functions. Header-only on purpose: no
// dependencies, so any area can include it.

#include <string_view>

namespace janua::rbac {

namespace detail {
inline bool valid_segment(std::string_view s) {
    if (s == "*") return true;
    if (s.empty() || s.size() > 64) return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}
}  // namespace detail

// "*", or two segments of [a-z0-9_.-] (1-64 characters) or "*", joined by one ':'.
inline bool valid_permission_pattern(std::string_view pattern) {
    if (pattern == "*") return true;
    const auto colon = pattern.find(':');
    if (colon == std::string_view::npos || pattern.find(':', colon + 1) != std::string_view::npos) return false;
    return detail::valid_segment(pattern.substr(0, colon)) && detail::valid_segment(pattern.substr(colon + 1));
}

// Does `pattern` grant `permission`? `permission` is a concrete name; a "*" in it is literal and
// only matched by a "*" pattern segment (so "members:*" asked for is granted only by a wildcard).
inline bool permission_matches(std::string_view pattern, std::string_view permission) {
    if (pattern == "*") return true;
    const auto pc = pattern.find(':');
    const auto qc = permission.find(':');
    if (pc == std::string_view::npos || qc == std::string_view::npos) return false;
    const auto segment = [](std::string_view p, std::string_view q) { return p == "*" || p == q; };
    return segment(pattern.substr(0, pc), permission.substr(0, qc)) &&
           segment(pattern.substr(pc + 1), permission.substr(qc + 1));
}

}  // namespace janua::rbac
