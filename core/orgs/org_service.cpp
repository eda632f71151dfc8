#include "core/orgs/org_service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/identity/user_repository.hpp"
#include "core/rbac/permissions.hpp"

namespace janua::orgs {
namespace {

Error invalid(const std::string& field, const std::string& rule, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", rule}, {"message", message}}});
    return e;
}

Error member_not_found() { return make_error(ErrorCode::not_found, "member not found"); }
Error role_not_found(const std::string& name) { return make_error(ErrorCode::not_found, "cannot find role '" + name + "'"); }

std::optional<Error> check_name(const std::string& name) {
    if (name.empty() || name.size() > 200) return invalid("name", "length", "must be 1-200 characters");
    return std::nullopt;
}

std::optional<Error> check_json_object(const nlohmann::json& value, const char* field) {
    if (!value.is_object()) return invalid(field, "type", "must be a JSON object");
    if (value.dump().size() > 16384) return invalid(field, "size", "must be at most 16384 bytes of JSON");
    return std::nullopt;
}

// The grant of a caller who got past the pipeline (or the CLI); a caller without one sees nothing.
Result<rbac::Grant> grant_or_404(db::Transaction& tx, const Caller& caller, const std::string& org_id) {
    auto grant = rbac::grant_in(tx, caller, org_id);
    if (!grant) return organization_not_found();
    return *grant;
}

// Only holders of every permission of a role may give it to someone (owners give "owner").
std::optional<Error> may_assign(const rbac::Grant& grant, const Role& role) {
    if (grant.everything) return std::nullopt;
    for (const auto& p : role.permissions)
        if (!grant.allows(p))
            return make_error(ErrorCode::authorization, "you cannot assign role '" + role.name +
                                                            "': it grants " + p + ", which you do not hold");
    return std::nullopt;
}

std::optional<Error> check_permissions(const std::vector<std::string>& permissions) {
    if (permissions.size() > 100) return invalid("permissions", "size", "may hold at most 100 permissions");
    for (std::size_t i = 0; i < permissions.size(); ++i)
        if (!rbac::is_valid_permission(permissions[i]))
            return invalid("permissions[" + std::to_string(i) + "]", "format",
                           "must look like 'resource:action', 'resource:*' or '*'");
    return std::nullopt;
}

}  // namespace

Error organization_not_found() { return make_error(ErrorCode::not_found, "organization not found"); }

std::optional<Error> refuse_escalation(const rbac::Grant& grant, const std::vector<std::string>& permissions) {
    for (const auto& p : permissions)
        if (!grant.allows(p))
            return make_error(ErrorCode::authorization, "you cannot grant " + p + ": you do not hold it yourself");
    return std::nullopt;
}

std::optional<std::string> resolve_user_id(db::Transaction& tx, const std::string& key) {
    if (is_uuid(key)) {
        auto user = identity::users::find_by_id(tx, key);
        if (user) return user->id;
        return std::nullopt;
    }
    if (key.find('@') == std::string::npos) return std::nullopt;
    auto email = identity::normalize_email(key);
    if (!email) return std::nullopt;
    auto user = identity::users::find_by_email(tx, *email);
    if (user) return user->id;
    return std::nullopt;
}

void record(db::Transaction& tx, const Caller& caller, const std::string& action, const std::string& org_id,
            const std::string& target_type, const std::string& target_id, nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = caller.actor.type;
    e.actor_id = caller.actor.id;
    e.organization_id = org_id;
    e.target_type = target_type;
    e.target_id = target_id;
    e.ip_address = caller.actor.ip;
    e.request_id = caller.actor.request_id;
    if (caller.api_key_id && caller.user_id) details["on_behalf_of"] = *caller.user_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

Result<NewOrganization> new_organization_from_json(const nlohmann::json& body) {
    NewOrganization spec;
    for (const auto& [key, value] : body.items())
        if (key != "slug" && key != "name" && key != "settings" && key != "metadata" && key != "owner")
            return invalid(key, "unknown", "is not a member of an organization");
    if (!body.contains("slug") || !body["slug"].is_string()) return invalid("slug", "required", "is required (a string)");
    if (!body.contains("name") || !body["name"].is_string()) return invalid("name", "required", "is required (a string)");
    spec.slug = body["slug"].get<std::string>();
    spec.name = body["name"].get<std::string>();
    if (body.contains("settings")) spec.settings = body["settings"];
    if (body.contains("metadata")) spec.metadata = body["metadata"];
    if (body.contains("owner") && !body["owner"].is_null()) {
        if (!body["owner"].is_string()) return invalid("owner", "type", "must be a user id or email");
        spec.owner = body["owner"].get<std::string>();
    }
    return spec;
}

Result<RoleChange> role_change_from_json(const nlohmann::json& body, bool creating) {
    RoleChange change;
    for (const auto& [key, value] : body.items())
        if (key != "description" && key != "permissions" && !(creating && key == "name"))
            return invalid(key, "unknown", "is not a member of a role");
    if (body.contains("description") && !body["description"].is_null()) {
        if (!body["description"].is_string() || body["description"].get<std::string>().size() > 500)
            return invalid("description", "type", "must be a string of at most 500 characters");
        change.description = body["description"].get<std::string>();
    }
    if (body.contains("permissions")) {
        const auto& p = body["permissions"];
        if (!p.is_array() || !std::all_of(p.begin(), p.end(), [](const auto& v) { return v.is_string(); }))
            return invalid("permissions", "type", "must be an array of strings");
        change.permissions = p.get<std::vector<std::string>>();
    } else if (creating) {
        return invalid("permissions", "required", "is required (an array of permission names)");
    }
    return change;
}

Result<Organization> OrgService::create(const Caller& caller, const NewOrganization& spec) {
    if (!is_valid_slug(spec.slug))
        return invalid("slug", "format", "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit");
    if (auto e = check_name(spec.name)) return *e;
    if (auto e = check_json_object(spec.settings, "settings")) return *e;
    if (auto e = check_json_object(spec.metadata, "metadata")) return *e;
    if (spec.owner && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "only platform administrators may create an organization for someone else");
    if (caller.api_key_id && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "API keys cannot create organizations; sign in as a user");
    return m_pool.transact([&](db::Transaction& tx) -> Result<Organization> {
        std::optional<std::string> owner = caller.user_id;
        if (spec.owner) {
            owner = resolve_user_id(tx, *spec.owner);
            if (!owner) return make_error(ErrorCode::not_found, "cannot find user '" + *spec.owner + "'");
        }
        if (!owner) return invalid("owner", "required", "is required when no user is signed in (a user id or email)");
        if (repo::count_owned(tx, *owner) >= m_settings.max_organizations_per_identity)
            return make_error(ErrorCode::conflict, "the owner already owns " +
                                                       std::to_string(m_settings.max_organizations_per_identity) +
                                                       " organizations (MAX_ORGANIZATIONS_PER_IDENTITY)");
        Organization org;
        org.slug = spec.slug;
        org.name = spec.name;
        org.owner_id = owner;
        org.settings = spec.settings;
        org.metadata = spec.metadata;
        auto created = repo::insert(tx, org);
        if (!created) return created.error();
        auto owner_role = repo::find_role(tx, created->id, k_owner_role);
        (void)repo::insert_member(tx, created->id, *owner, owner_role->id);
        record(tx, caller, "org.created", created->id, "organization", created->id,
               {{"slug", created->slug}, {"owner_id", *owner}});
        return created;
    });
}

Result<repo::Page> OrgService::list(const Caller& caller, bool all, int limit, const std::optional<std::string>& cursor) {
    if (limit < 1 || limit > 200) return invalid("limit", "range", "must be from 1 to 200");
    if (all && !caller.platform_admin)
        return make_error(ErrorCode::authorization, "listing every organization needs a platform administrator");
    if (!all && !caller.user_id) return repo::Page{};
    return m_pool.transact([&](db::Transaction& tx) -> Result<repo::Page> {
        auto page = repo::list(tx, all ? std::nullopt : caller.user_id, limit, cursor);
        // A key bound to one organization lists only that one.
        if (page && caller.key_organization_id && !caller.platform_admin)
            page->items.erase(std::remove_if(page->items.begin(), page->items.end(),
                                             [&](const Organization& o) { return o.id != *caller.key_organization_id; }),
                              page->items.end());
        return page;
    });
}

Result<Organization> OrgService::get(const std::string& ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Organization> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        return *org;
    });
}

Result<Organization> OrgService::update(const Caller& caller, const std::string& ref, const nlohmann::json& patch) {
    for (const auto& [key, value] : patch.items())
        if (key != "slug" && key != "name" && key != "settings" && key != "metadata")
            return invalid(key, "unknown", "cannot be changed (slug, name, settings, metadata can)");
    return m_pool.transact([&](db::Transaction& tx) -> Result<Organization> {
        auto found = repo::find(tx, ref);
        if (!found) return organization_not_found();
        auto org = *repo::lock(tx, found->id);
        if (patch.contains("slug")) {
            if (!patch["slug"].is_string() || !is_valid_slug(patch["slug"].get<std::string>()))
                return invalid("slug", "format", "must be 1-63 lower-case letters, digits or '-'");
            org.slug = patch["slug"].get<std::string>();
        }
        if (patch.contains("name")) {
            if (!patch["name"].is_string()) return invalid("name", "type", "must be a string");
            org.name = patch["name"].get<std::string>();
            if (auto e = check_name(org.name)) return *e;
        }
        if (patch.contains("settings")) {
            if (auto e = check_json_object(patch["settings"], "settings")) return *e;
            org.settings = patch["settings"];
        }
        if (patch.contains("metadata")) {
            if (auto e = check_json_object(patch["metadata"], "metadata")) return *e;
            org.metadata = patch["metadata"];
        }
        auto updated = repo::update(tx, org);
        if (!updated) return updated.error();
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& [key, value] : patch.items()) fields.push_back(key);
        record(tx, caller, "org.updated", org.id, "organization", org.id, {{"fields", fields}});
        return updated;
    });
}

Status OrgService::remove(const Caller& caller, const std::string& ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        repo::remove(tx, org->id);
        record(tx, caller, "org.deleted", org->id, "organization", org->id, {{"slug", org->slug}, {"name", org->name}});
        return Ok{};
    });
}

Result<std::vector<Member>> OrgService::members(const std::string& ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<Member>> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        return repo::list_members(tx, org->id);
    });
}

Result<repo::MemberPage> OrgService::members_page(const std::string& ref, int limit,
                                                  const std::optional<std::string>& cursor) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<repo::MemberPage> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        return repo::list_members_page(tx, org->id, limit, cursor);
    });
}

Result<Member> OrgService::add_member(const Caller& caller, const std::string& ref, const std::string& user,
                                      const std::string& role_name) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Member> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        auto grant = grant_or_404(tx, caller, org->id);
        if (!grant) return grant.error();
        auto role = repo::find_role(tx, org->id, role_name);
        if (!role) return role_not_found(role_name);
        if (auto e = may_assign(*grant, *role)) return *e;
        auto user_id = resolve_user_id(tx, user);
        if (!user_id) return make_error(ErrorCode::not_found, "cannot find user '" + user + "'; invite them instead");
        auto member = repo::insert_member(tx, org->id, *user_id, role->id);
        if (!member) return member.error();
        record(tx, caller, "org.member_added", org->id, "user", *user_id, {{"role", role->name}});
        return member;
    });
}

Result<Member> OrgService::set_member_role(const Caller& caller, const std::string& ref, const std::string& user,
                                           const std::string& role_name) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Member> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        repo::lock(tx, org->id);  // serializes owner-count checks
        auto grant = grant_or_404(tx, caller, org->id);
        if (!grant) return grant.error();
        auto user_id = resolve_user_id(tx, user);
        auto member = user_id ? repo::find_member(tx, org->id, *user_id) : std::nullopt;
        if (!member) return member_not_found();
        auto role = repo::find_role(tx, org->id, role_name);
        if (!role) return role_not_found(role_name);
        if (auto e = may_assign(*grant, *role)) return *e;
        // Changing someone's role also takes their old role away: the caller must hold that one too.
        if (auto old_role = repo::find_role(tx, org->id, member->role))
            if (auto e = may_assign(*grant, *old_role)) return *e;
        if (member->role == k_owner_role && role->name != k_owner_role && repo::count_owners(tx, org->id) <= 1)
            return make_error(ErrorCode::conflict, "the last owner cannot be demoted; transfer ownership first");
        repo::set_member_role(tx, org->id, *user_id, role->id);
        record(tx, caller, "org.member_role_changed", org->id, "user", *user_id,
               {{"from", member->role}, {"to", role->name}});
        return *repo::find_member(tx, org->id, *user_id);
    });
}

Status OrgService::remove_member(const Caller& caller, const std::string& ref, const std::string& user) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        repo::lock(tx, org->id);
        auto grant = grant_or_404(tx, caller, org->id);
        if (!grant) return grant.error();
        auto user_id = resolve_user_id(tx, user);
        auto member = user_id ? repo::find_member(tx, org->id, *user_id) : std::nullopt;
        if (!member) return member_not_found();
        if (auto role = repo::find_role(tx, org->id, member->role))
            if (auto e = may_assign(*grant, *role)) return *e;
        if (member->role == k_owner_role && repo::count_owners(tx, org->id) <= 1)
            return make_error(ErrorCode::conflict, "the last owner cannot be removed; transfer ownership first");
        repo::remove_member(tx, org->id, *user_id);
        record(tx, caller, "org.member_removed", org->id, "user", *user_id, {{"role", member->role}});
        return Ok{};
    });
}

Status OrgService::leave(const Caller& caller, const std::string& ref) {
    if (!caller.user_id) return make_error(ErrorCode::validation, "only users can leave an organization");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        repo::lock(tx, org->id);
        auto member = repo::find_member(tx, org->id, *caller.user_id);
        if (!member) return organization_not_found();
        if (member->role == k_owner_role && repo::count_owners(tx, org->id) <= 1)
            return make_error(ErrorCode::conflict, "the last owner cannot leave; transfer ownership or delete the organization");
        repo::remove_member(tx, org->id, *caller.user_id);
        record(tx, caller, "org.member_left", org->id, "user", *caller.user_id, {{"role", member->role}});
        return Ok{};
    });
}

Result<Organization> OrgService::transfer_ownership(const Caller& caller, const std::string& ref,
                                                    const std::string& user) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Organization> {
        auto found = repo::find(tx, ref);
        if (!found) return organization_not_found();
        auto org = *repo::lock(tx, found->id);
        auto user_id = resolve_user_id(tx, user);
        auto member = user_id ? repo::find_member(tx, org.id, *user_id) : std::nullopt;
        if (!member) return make_error(ErrorCode::not_found, "the new owner must be a member of the organization");
        const auto owner_role = repo::find_role(tx, org.id, k_owner_role);
        const auto admin_role = repo::find_role(tx, org.id, k_admin_role);
        repo::set_member_role(tx, org.id, *user_id, owner_role->id);
        // The recorded owner (whoever calls: a platform admin, or a member granted org:transfer)
        // stays on as an admin, as on Auth0 and GitHub, so there is never a second owner.
        const auto previous = org.owner_id;
        if (previous && *previous != *user_id) {
            if (auto prev = repo::find_member(tx, org.id, *previous); prev && prev->role == k_owner_role)
                repo::set_member_role(tx, org.id, *previous, admin_role->id);
        }
        repo::set_owner(tx, org.id, *user_id);
        record(tx, caller, "org.ownership_transferred", org.id, "user", *user_id,
               {{"previous_owner_id", previous ? nlohmann::json(*previous) : nlohmann::json(nullptr)}});
        return *repo::find(tx, org.id);
    });
}

Result<std::string> OrgService::membership_of(const Caller& caller, const std::string& ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::string> {
        auto org = repo::find(tx, ref);
        if (!org || !caller.user_id || !repo::grant_of(tx, org->id, *caller.user_id)) return organization_not_found();
        return org->id;
    });
}

Result<std::vector<Role>> OrgService::roles(const std::string& ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<Role>> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        return repo::list_roles(tx, org->id);
    });
}

Result<Role> OrgService::create_role(const Caller& caller, const std::string& ref, const std::string& name,
                                     const RoleChange& change) {
    if (!is_valid_role_name(name))
        return invalid("name", "format", "must be 1-63 of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
    const auto permissions = change.permissions.value_or(std::vector<std::string>{});
    if (auto e = check_permissions(permissions)) return *e;
    return m_pool.transact([&](db::Transaction& tx) -> Result<Role> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        auto grant = grant_or_404(tx, caller, org->id);
        if (!grant) return grant.error();
        if (auto e = refuse_escalation(*grant, permissions)) return *e;
        if (auto existing = repo::find_role(tx, org->id, name))
            return make_error(ErrorCode::conflict, "a role named '" + name + "' already exists" +
                                                       (existing->is_system ? " (a built-in role)" : ""));
        auto role = repo::insert_role(tx, org->id, name, change.description, permissions);
        if (!role) return role.error();
        record(tx, caller, "role.created", org->id, "role", role->id, {{"name", name}, {"permissions", permissions}});
        return role;
    });
}

Result<Role> OrgService::update_role(const Caller& caller, const std::string& ref, const std::string& name,
                                     const RoleChange& change) {
    if (change.permissions)
        if (auto e = check_permissions(*change.permissions)) return *e;
    return m_pool.transact([&](db::Transaction& tx) -> Result<Role> {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        auto grant = grant_or_404(tx, caller, org->id);
        if (!grant) return grant.error();
        auto role = repo::find_role(tx, org->id, name);
        if (!role) return role_not_found(name);
        if (role->is_system) return make_error(ErrorCode::conflict, "built-in roles cannot be changed; create a custom role");
        const auto permissions = change.permissions.value_or(role->permissions);
        if (auto e = refuse_escalation(*grant, permissions)) return *e;
        // Changing a role changes what its holders may do: the caller must hold what it grants now too.
        if (auto e = refuse_escalation(*grant, role->permissions)) return *e;
        auto updated = repo::update_role(tx, role->id, change.description ? change.description : role->description,
                                         permissions);
        record(tx, caller, "role.updated", org->id, "role", role->id,
               {{"name", name}, {"from", role->permissions}, {"to", permissions}});
        return updated;
    });
}

Status OrgService::delete_role(const Caller& caller, const std::string& ref, const std::string& name) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto org = repo::find(tx, ref);
        if (!org) return organization_not_found();
        auto role = repo::find_role(tx, org->id, name);
        if (!role) return role_not_found(name);
        if (role->is_system) return make_error(ErrorCode::conflict, "built-in roles cannot be deleted");
        if (const int holders = repo::count_role_members(tx, role->id); holders > 0)
            return make_error(ErrorCode::conflict, "role '" + name + "' is held by " + std::to_string(holders) +
                                                       " member(s); give them another role first");
        repo::remove_role(tx, role->id);
        record(tx, caller, "role.deleted", org->id, "role", role->id, {{"name", name}});
        return Ok{};
    });
}

}  // namespace janua::orgs
