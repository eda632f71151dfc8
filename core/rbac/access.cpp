#include "core/rbac/access.hpp"

#include "core/common/time.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/policies/policy_store.hpp"
#include "core/rbac/permissions.hpp"

namespace janua::rbac {
namespace {

constexpr db::Statement k_policy_author{
    "rbac_policy_author",
    "SELECT p.created_by, coalesce(u.is_platform_admin, false) FROM policies p "
    "LEFT JOIN users u ON u.id = p.created_by WHERE p.id = $1"};

// An organization's allow policy grants only what its author still holds there, so that
// `policies:write` cannot be turned into any other permission (nobody grants what they lack).
bool author_holds(db::Transaction& tx, const std::string& policy_id, const std::string& org_id,
                  const std::string& permission) {
    auto row = tx.exec(k_policy_author, policy_id);
    if (row.empty() || row[0][0].is_null()) return false;  // author gone: the grant lapses
    Caller author;
    author.user_id = row[0][0].as<std::string>();
    author.platform_admin = row[0][1].as<bool>();
    auto grant = grant_in(tx, author, org_id);
    return grant && grant->allows(permission);
}

}  // namespace

Caller caller_of(const identity::Principal& principal, const std::string& ip, const std::string& request_id) {
    Caller caller;
    if (!principal.user_id.empty()) caller.user_id = principal.user_id;
    caller.platform_admin = principal.is_platform_admin;
    caller.amr = principal.amr;
    if (principal.api_key_id) {
        caller.api_key_id = principal.api_key_id;
        caller.key_permissions = principal.api_key_permissions;
        caller.key_organization_id = principal.organization_id;
        caller.actor = identity::Actor{"api_key", principal.api_key_id, ip, request_id};
    } else {
        caller.actor = identity::Actor{"user", caller.user_id, ip, request_id};
    }
    return caller;
}

Caller direct_caller() {
    Caller caller;
    caller.platform_admin = true;
    caller.actor = identity::Actor{"system", std::string("janua-cli"), "", ""};
    return caller;
}

bool Grant::allows(const std::string& permission) const {
    if (permission.empty()) return false;
    if (everything) return true;
    if (!grants_any(role_permissions, permission)) return false;
    return !key_permissions || grants_any(*key_permissions, permission);
}

std::string Grant::reason(const std::string& permission) const {
    if (everything) return "platform administrator";
    if (!grants_any(role_permissions, permission)) return "role '" + role.value_or("") + "' does not grant " + permission;
    if (key_permissions && !grants_any(*key_permissions, permission))
        return "the API key is not scoped to " + permission;
    return "granted by role '" + role.value_or("") + "'" + (key_permissions ? " and the API key's scope" : "");
}

std::optional<Grant> grant_in(db::Transaction& tx, const Caller& caller, const std::string& org_id) {
    Grant grant;
    if (caller.platform_admin) {
        grant.everything = true;
        return grant;
    }
    if (caller.key_organization_id && *caller.key_organization_id != org_id) return std::nullopt;
    if (!caller.user_id) return std::nullopt;
    auto held = orgs::repo::grant_of(tx, org_id, *caller.user_id);
    if (!held) return std::nullopt;
    grant.role = held->role;
    grant.role_permissions = std::move(held->permissions);
    grant.key_permissions = caller.key_permissions;
    return grant;
}

Decision AccessControl::authorize(const Caller& caller, const std::string& org_ref, const std::string& permission) {
    return m_pool.transact([&](db::Transaction& tx) {
        Decision decision;
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return decision;
        auto grant = grant_in(tx, caller, org->id);
        if (!grant) return decision;
        decision.organization_id = org->id;
        decision.verdict = grant->allows(permission) ? Verdict::allowed : Verdict::forbidden;
        decision.reason = permission.empty() ? "the route declares no permission" : grant->reason(permission);
        if (!permission.empty()) apply_policies(tx, caller, org->id, permission, decision);
        return decision;
    });
}

void AccessControl::apply_policies(db::Transaction& tx, const Caller& caller, const std::string& org_id,
                                   const std::string& permission, Decision& decision) {
    if (!caller.user_id) return;  // the CLI in direct mode and platform keys: no subject to match
    auto subject = policies::subject_for_user(tx, *caller.user_id, org_id);
    if (!subject) return;
    policies::Context context;
    context.ip = policies::parse_ip(caller.actor.ip);
    context.unix_time = unix_seconds_now();
    context.amr = caller.amr;
    const auto verdict = policies::decide(tx, *subject, permission, "org:" + org_id, context);
    const std::string name = verdict.decided_by ? verdict.decided_by->name : std::string();
    if (verdict.outcome == policies::Outcome::deny) {
        decision.verdict = Verdict::forbidden;
        decision.reason = "denied by policy '" + name + "'";
    } else if (verdict.outcome == policies::Outcome::allow && decision.verdict == Verdict::forbidden) {
        if (caller.key_permissions && !grants_any(*caller.key_permissions, permission)) return;
        if (verdict.decided_by && !verdict.decided_by->global &&
            !author_holds(tx, verdict.decided_by->policy_id, org_id, permission))
            return;
        decision.verdict = Verdict::allowed;
        decision.reason = "granted by policy '" + name + "'";
    }
}

Result<nlohmann::json> AccessControl::check(const Caller& caller, const std::string& permission,
                                            const std::optional<std::string>& org_ref,
                                            const std::optional<std::string>& active_org) {
    if (!is_valid_permission(permission)) {
        Error e = make_error(ErrorCode::validation, "permission must look like 'resource:action', 'resource:*' or '*'");
        e.details = nlohmann::json::array({{{"field", "permission"}, {"rule", "format"}, {"message", e.message}}});
        return e;
    }
    const auto ref = org_ref ? org_ref : active_org;
    if (!ref) {
        if (caller.platform_admin) return nlohmann::json{{"allowed", true}, {"reason", "platform administrator"}};
        return nlohmann::json{{"allowed", false}, {"reason", "no organization given and none is active"}};
    }
    return m_pool.transact([&](db::Transaction& tx) -> Result<nlohmann::json> {
        auto org = orgs::repo::find(tx, *ref);
        auto grant = org ? grant_in(tx, caller, org->id) : std::nullopt;
        // Same answer for "no such organization" and "not yours": nothing to probe.
        if (!grant) return nlohmann::json{{"allowed", false}, {"reason", "not a member of the organization"}};
        Decision decision;
        decision.verdict = grant->allows(permission) ? Verdict::allowed : Verdict::forbidden;
        decision.reason = grant->reason(permission);
        apply_policies(tx, caller, org->id, permission, decision);
        return nlohmann::json{{"allowed", decision.verdict == Verdict::allowed},
                              {"reason", decision.reason},
                              {"organization_id", org->id}};
    });
}

}  // namespace janua::rbac
