#pragma once
// Permission names are "resource:action" (e.g. "members:read"); "resource:*" grants every action
// on a resource and "*" grants everything. Pure functions, no database.

#include <string>
#include <vector>

namespace janua::rbac {

// "*", "resource:*" or "resource:action" with resource and action of [a-z0-9_], 1-64 each.
bool is_valid_permission(const std::string& permission);

// Whether the held permission `held` grants the concrete or wildcard permission `wanted`
// ("members:*" grants "members:read" and "members:*"; only "*" grants "*").
bool grants(const std::string& held, const std::string& wanted);

// Whether any of `held` grants `wanted`.
bool grants_any(const std::vector<std::string>& held, const std::string& wanted);

// The permission names the built-in routes check, for documentation and `janua role --help`.
const std::vector<std::string>& known_permissions();

}  // namespace janua::rbac
