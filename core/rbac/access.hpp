#pragma once
// Who may do what in an organization. The daemon's pipeline asks `authorize` for every
// organization-scoped route (the one enforcement point); services ask `grant_in` when a change
// must not hand out more than the caller holds (roles, member roles, API keys).

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/user_admin.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::rbac {

// The caller of a service: a user (JWT), an API key (acting for its creator, narrowed to its
// scope), a platform admin, or the CLI in direct mode (a platform admin without a user).
struct Caller {
    std::optional<std::string> user_id;
    bool platform_admin = false;
    std::optional<std::string> api_key_id;
    std::optional<std::vector<std::string>> key_permissions;  // set for API keys
    std::optional<std::string> key_organization_id;           // the one organization a key may touch
    std::vector<std::string> amr;                             // how the user signed in (policy conditions)
    identity::Actor actor;                                    // for the audit trail
};

Caller caller_of(const identity::Principal& principal, const std::string& ip, const std::string& request_id);
// The CLI in direct mode: operators with database access are platform admins.
Caller direct_caller();

// What a caller holds in one organization: the role's permissions, narrowed by an API key's.
struct Grant {
    bool everything = false;  // platform admin
    std::optional<std::string> role;
    std::vector<std::string> role_permissions;
    std::optional<std::vector<std::string>> key_permissions;

    bool allows(const std::string& permission) const;
    // Why `allows` says what it says, for POST /api/v1/rbac/check.
    std::string reason(const std::string& permission) const;
};

// None: the caller cannot see the organization (not a member, or a key bound to another one).
std::optional<Grant> grant_in(db::Transaction& tx, const Caller& caller, const std::string& org_id);

enum class Verdict { allowed, not_found, forbidden };

struct Decision {
    Verdict verdict = Verdict::not_found;
    std::string organization_id;  // resolved from the id or slug
    std::string reason;
};

class AccessControl {
public:
    explicit AccessControl(db::Pool& pool) : m_pool(pool) {}

    // For an organization-scoped route: `org_ref` is the {org_id} of the path (uuid or slug).
    // Non-members get not_found, exactly like an organization that does not exist, so
    // organization ids and slugs cannot be probed; members without the permission get forbidden.
    // An empty permission is always forbidden (fail closed). Attribute-based policies then
    // have their say for callers who can see the organization (docs/api.md, "Combination with
    // RBAC"): a deny refuses whatever the role grants; an allow grants what the role lacks,
    // never beyond an API key's scope.
    Decision authorize(const Caller& caller, const std::string& org_ref, const std::string& permission);

    // POST /api/v1/rbac/check. `org_ref` none: the caller's active organization, if any.
    Result<nlohmann::json> check(const Caller& caller, const std::string& permission,
                                 const std::optional<std::string>& org_ref,
                                 const std::optional<std::string>& active_org);

private:
    void apply_policies(db::Transaction& tx, const Caller& caller, const std::string& org_id,
                        const std::string& permission, Decision& decision);

    db::Pool& m_pool;
};

}  // namespace janua::rbac
