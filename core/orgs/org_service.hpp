#pragma once
// Organizations, their members and roles (the API's /api/v1/organizations and `janua org|role`).
// Route permissions are enforced before these run (daemon pipeline); what is checked here is
// what depends on the change itself: nobody hands out permissions they do not hold, the last
// owner stays, limits and uniqueness. Every change is audited in its own transaction.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/organization.hpp"
#include "core/rbac/access.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::orgs {

using rbac::Caller;

struct OrgSettings {
    int max_organizations_per_identity = 10;
};

struct NewOrganization {
    std::string slug;
    std::string name;
    nlohmann::json settings = nlohmann::json::object();
    nlohmann::json metadata = nlohmann::json::object();
    std::optional<std::string> owner;  // id or email; platform admins only; default: the caller
};

// Parse an API body for create ({slug, name, settings?, metadata?, owner?}).
Result<NewOrganization> new_organization_from_json(const nlohmann::json& body);

struct RoleChange {
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> permissions;
};
Result<RoleChange> role_change_from_json(const nlohmann::json& body, bool creating);

class OrgService {
public:
    OrgService(db::Pool& pool, OrgSettings settings) : m_pool(pool), m_settings(settings) {}

    Result<Organization> create(const Caller& caller, const NewOrganization& spec);
    // The caller's organizations, or every organization (`all`, platform admins only).
    Result<repo::Page> list(const Caller& caller, bool all, int limit, const std::optional<std::string>& cursor);
    Result<Organization> get(const std::string& ref);
    // {name?, slug?, settings?, metadata?}: given members replace the value.
    Result<Organization> update(const Caller& caller, const std::string& ref, const nlohmann::json& patch);
    Status remove(const Caller& caller, const std::string& ref);

    Result<std::vector<Member>> members(const std::string& ref);
    // One page of them (GET /members?limit=&cursor=).
    Result<repo::MemberPage> members_page(const std::string& ref, int limit, const std::optional<std::string>& cursor);
    // `user` is a user id or email; `role` a role name (default "member").
    Result<Member> add_member(const Caller& caller, const std::string& ref, const std::string& user,
                              const std::string& role);
    Result<Member> set_member_role(const Caller& caller, const std::string& ref, const std::string& user,
                                   const std::string& role);
    Status remove_member(const Caller& caller, const std::string& ref, const std::string& user);
    Status leave(const Caller& caller, const std::string& ref);
    // The new owner (a member) gets the owner role; the caller, if an owner, becomes an admin.
    Result<Organization> transfer_ownership(const Caller& caller, const std::string& ref, const std::string& user);

    // The organization's id when the caller's user belongs to it (switching the active organization).
    Result<std::string> membership_of(const Caller& caller, const std::string& ref);

    Result<std::vector<Role>> roles(const std::string& ref);
    Result<Role> create_role(const Caller& caller, const std::string& ref, const std::string& name,
                             const RoleChange& change);
    Result<Role> update_role(const Caller& caller, const std::string& ref, const std::string& name,
                             const RoleChange& change);
    Status delete_role(const Caller& caller, const std::string& ref, const std::string& name);

private:
    db::Pool& m_pool;
    OrgSettings m_settings;
};

// Shared with invitations and API keys.
Error organization_not_found();
// Refuse (403) a permission the caller's grant does not cover.
std::optional<Error> refuse_escalation(const rbac::Grant& grant, const std::vector<std::string>& permissions);
// A user by id or email (none when unknown).
std::optional<std::string> resolve_user_id(db::Transaction& tx, const std::string& key);
void record(db::Transaction& tx, const Caller& caller, const std::string& action, const std::string& org_id,
            const std::string& target_type, const std::string& target_id,
            nlohmann::json details = nlohmann::json::object());

}  // namespace janua::orgs
