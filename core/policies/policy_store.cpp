#include "core/policies/policy_store.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"

#include <algorithm>

namespace janua::policies {
namespace {

using json = nlohmann::json;

#define POLICY_COLUMNS                                                                                   \
    "p.id, p.organization_id, p.name, p.description, p.effect, array_to_json(p.actions)::text, "       \
    "array_to_json(p.resources)::text, p.conditions::text, p.enabled, p.created_at, p.updated_at"
#define TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"

// $1 NULL: global policies only; otherwise that organization's only.
const db::Statement k_list{"policies_list", "SELECT " POLICY_COLUMNS " FROM policies p WHERE "
                                            "p.organization_id IS NOT DISTINCT FROM $1::uuid ORDER BY p.created_at, p.id"};
const db::Statement k_get{"policies_get", "SELECT " POLICY_COLUMNS " FROM policies p WHERE p.id = $1::uuid AND "
                                          "p.organization_id IS NOT DISTINCT FROM $2::uuid"};
const db::Statement k_for_resource{"policies_for_resource",
                                   "SELECT " POLICY_COLUMNS " FROM policies p WHERE p.organization_id IS NULL "
                                   "OR p.organization_id = $1::uuid ORDER BY p.created_at, p.id LIMIT 1000"};
const db::Statement k_subjects{"policies_subjects",
                               "SELECT ps.policy_id, ps.user_id, ps.role_id, ps.everyone, u.email, r.name "
                               "FROM policy_subjects ps LEFT JOIN users u ON u.id = ps.user_id "
                               "LEFT JOIN roles r ON r.id = ps.role_id WHERE ps.policy_id = ANY($1::uuid[]) "
                               "ORDER BY ps.everyone DESC, r.name, u.email"};
const db::Statement k_count{"policies_count",
                            "SELECT count(*) FROM policies WHERE organization_id IS NOT DISTINCT FROM $1::uuid"};
const db::Statement k_name_taken{"policies_name_taken",
                                 "SELECT 1 FROM policies WHERE organization_id IS NOT DISTINCT FROM $1::uuid "
                                 "AND lower(name) = lower($2) AND id IS DISTINCT FROM $3::uuid"};
const db::Statement k_insert{"policies_insert",
                             "INSERT INTO policies (organization_id, name, description, effect, actions, resources, "
                             "conditions, enabled, created_by) VALUES ($1::uuid, $2, $3, $4, " TEXT_ARRAY("$5") ", "
                             TEXT_ARRAY("$6") ", $7::jsonb, $8, $9::uuid) RETURNING id"};
const db::Statement k_update{"policies_update",
                             "UPDATE policies SET name = $2, description = $3, effect = $4, actions = " TEXT_ARRAY("$5")
                             ", resources = " TEXT_ARRAY("$6") ", conditions = $7::jsonb, enabled = $8, "
                             "updated_at = now() WHERE id = $1::uuid"};
const db::Statement k_delete{"policies_delete", "DELETE FROM policies WHERE id = $1::uuid"};
const db::Statement k_clear_subjects{"policies_clear_subjects", "DELETE FROM policy_subjects WHERE policy_id = $1::uuid"};
const db::Statement k_add_subject{"policies_add_subject",
                                  "INSERT INTO policy_subjects (policy_id, user_id, role_id, everyone) "
                                  "VALUES ($1::uuid, $2::uuid, $3::uuid, $4)"};
const db::Statement k_org_exists{"policies_org_exists", "SELECT 1 FROM organizations WHERE id = $1::uuid"};
// A user by id or email; in an organization scope only its members.
const db::Statement k_find_user{"policies_find_user",
                                "SELECT u.id, u.email FROM users u WHERE (u.id::text = $1 OR lower(u.email) = lower($2)) "
                                "AND u.status <> 'DELETED' AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM memberships m "
                                "WHERE m.user_id = u.id AND m.organization_id = $3::uuid))"};
// A role by id or name: system roles everywhere; in an organization scope also its own roles
// (preferred over a system role of the same name); a global policy may name any role by id.
const db::Statement k_find_role{"policies_find_role",
                                "SELECT r.id, r.name FROM roles r WHERE (r.id::text = $1 OR ($1 = '' AND r.name = $2)) "
                                "AND (r.organization_id IS NULL OR r.organization_id = $3::uuid "
                                "OR ($3::uuid IS NULL AND $1 <> '')) "
                                "ORDER BY r.organization_id IS NULL LIMIT 1"};
const db::Statement k_subject_user{"policies_subject_user",
                                   "SELECT email, is_platform_admin FROM users WHERE id = $1::uuid AND status <> 'DELETED'"};
const db::Statement k_subject_roles{"policies_subject_roles",
                                    "SELECT r.id, r.name FROM memberships m JOIN roles r ON r.id = m.role_id "
                                    "WHERE m.user_id = $1::uuid AND m.organization_id = $2::uuid"};

std::vector<std::string> text_array(const pqxx::field& field) {
    std::vector<std::string> out;
    if (field.is_null()) return out;
    for (const auto& v : json::parse(field.as<std::string>())) out.push_back(v.get<std::string>());
    return out;
}

Policy policy_from_row(const pqxx::row& r) {
    Policy p;
    p.id = r[0].as<std::string>();
    p.organization_id = db::optional_field<std::string>(r[1]);
    p.name = r[2].as<std::string>();
    p.description = r[3].as<std::string>();
    p.effect = r[4].as<std::string>() == "deny" ? Effect::deny : Effect::allow;
    p.actions = text_array(r[5]);
    p.resources = text_array(r[6]);
    p.conditions_source = json::parse(r[7].as<std::string>());
    auto conditions = parse_conditions(p.conditions_source);
    // Stored documents were validated on the way in; one that no longer parses matches nothing.
    if (conditions) p.conditions = std::move(conditions).value();
    else p.enabled = false;
    if (conditions) p.enabled = r[8].as<bool>();
    p.created_at = db::timestamp(r[9]);
    p.updated_at = db::timestamp(r[10]);
    return p;
}

std::vector<Policy> with_subjects(db::Transaction& tx, std::vector<Policy> policies) {
    if (policies.empty()) return policies;
    std::string ids = "{";
    for (const auto& p : policies) ids += (ids.size() > 1 ? "," : "") + p.id;
    ids += "}";
    for (const auto& row : tx.exec(k_subjects, ids)) {
        const auto id = row[0].as<std::string>();
        auto it = std::find_if(policies.begin(), policies.end(), [&](const Policy& p) { return p.id == id; });
        if (it == policies.end()) continue;
        SubjectRef s;
        if (row[3].as<bool>()) s.type = "everyone";
        else if (!row[1].is_null()) {
            s.type = "user";
            s.id = row[1].as<std::string>();
            s.name = row[4].is_null() ? "" : row[4].as<std::string>();
        } else {
            s.type = "role";
            s.id = row[2].as<std::string>();
            s.name = row[5].is_null() ? "" : row[5].as<std::string>();
        }
        it->subjects.push_back(s);
    }
    return policies;
}

std::vector<Policy> read(db::Transaction& tx, const pqxx::result& rows) {
    std::vector<Policy> out;
    for (const auto& r : rows) out.push_back(policy_from_row(r));
    return with_subjects(tx, std::move(out));
}

Error not_found() { return make_error(ErrorCode::not_found, "policy not found"); }

Error invalid(const std::string& field, const std::string& rule, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = json::array({{{"field", field}, {"rule", rule}, {"message", field + " " + message}}});
    return e;
}

// Turn the document's subject references into ids that exist in the scope.
Result<std::vector<SubjectRef>> resolve_subjects(db::Transaction& tx, const std::optional<std::string>& org,
                                                 const std::vector<SubjectRef>& refs) {
    std::vector<SubjectRef> out;
    for (std::size_t i = 0; i < refs.size(); ++i) {
        const std::string field = "subjects[" + std::to_string(i) + "]";
        SubjectRef s = refs[i];
        if (s.type == "user") {
            if (!s.id.empty() && !is_uuid(s.id)) return invalid(field + ".id", "uuid", "must be a user id (a UUID)");
            auto rows = tx.exec(k_find_user, s.id, s.name, org);
            // The same answer for "no such user" and "not a member": no enumeration across tenants.
            if (rows.empty())
                return invalid(field, "unknown_user", org ? "is not a member of this organization" : "is not a user");
            s.id = rows[0][0].as<std::string>();
            s.name = rows[0][1].as<std::string>();
        } else if (s.type == "role") {
            if (!s.id.empty() && !is_uuid(s.id)) return invalid(field + ".id", "uuid", "must be a role id (a UUID)");
            auto rows = tx.exec(k_find_role, s.id, s.name, org);
            if (rows.empty()) return invalid(field, "unknown_role", "is not a role in this scope");
            s.id = rows[0][0].as<std::string>();
            s.name = rows[0][1].as<std::string>();
        }
        const bool duplicate = std::any_of(out.begin(), out.end(), [&](const SubjectRef& o) {
            return o.type == s.type && o.id == s.id;
        });
        if (!duplicate) out.push_back(s);
    }
    return out;
}

void store_subjects(db::Transaction& tx, const std::string& policy_id, const std::vector<SubjectRef>& subjects) {
    tx.exec(k_clear_subjects, policy_id);
    for (const auto& s : subjects)
        tx.exec(k_add_subject, policy_id, s.type == "user" ? std::optional<std::string>(s.id) : std::nullopt,
                s.type == "role" ? std::optional<std::string>(s.id) : std::nullopt, s.type == "everyone");
}

// Resources of an organization's policy must stay inside it: "org:<id>" or "org:<id>/...".
Status check_resources_in_scope(const std::optional<std::string>& org, const std::vector<std::string>& resources) {
    if (!org) return Ok{};
    const std::string own = "org:" + *org;
    for (std::size_t i = 0; i < resources.size(); ++i) {
        const auto& r = resources[i];
        if (r != own && r.rfind(own + "/", 0) != 0)
            return invalid("resources[" + std::to_string(i) + "]", "scope",
                           "must name this organization's resources: \"" + own + "\" or \"" + own + "/...\"");
    }
    return Ok{};
}

Status scope_exists(db::Transaction& tx, const std::optional<std::string>& org) {
    if (!org) return Ok{};
    if (!is_uuid(*org) || tx.exec(k_org_exists, *org).empty())
        return make_error(ErrorCode::not_found, "organization not found");
    return Ok{};
}

audit::Event policy_event(const std::string& action, const Policy& p, const Actor& actor) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = p.organization_id;
    e.target_type = "policy";
    e.target_id = p.id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = {{"name", p.name}, {"effect", effect_name(p.effect)}};
    return e;
}

}  // namespace

Result<std::vector<Policy>> list_policies(db::Transaction& tx, const std::optional<std::string>& org) {
    if (auto ok = scope_exists(tx, org); !ok) return ok.error();
    return read(tx, tx.exec(k_list, org));
}

Result<Policy> get_policy(db::Transaction& tx, const std::optional<std::string>& org, const std::string& id) {
    if (auto ok = scope_exists(tx, org); !ok) return ok.error();
    if (!is_uuid(id)) return not_found();
    auto found = read(tx, tx.exec(k_get, id, org));
    if (found.empty()) return not_found();
    return found.front();
}

Result<Policy> create_policy(db::Transaction& tx, const std::optional<std::string>& org, const json& body,
                             const Actor& actor) {
    if (auto ok = scope_exists(tx, org); !ok) return ok.error();
    auto doc = parse_document(body, false);
    if (!doc) return doc.error();
    if (auto ok = check_resources_in_scope(org, *doc->resources); !ok) return ok.error();
    auto subjects = resolve_subjects(tx, org, *doc->subjects);
    if (!subjects) return subjects.error();
    if (tx.exec(k_count, org)[0][0].as<int>() >= k_max_policies_per_scope)
        return make_error(ErrorCode::conflict, "this scope already has the maximum of " +
                                                   std::to_string(k_max_policies_per_scope) + " policies; delete one first");
    if (!tx.exec(k_name_taken, org, *doc->name, std::optional<std::string>()).empty())
        return make_error(ErrorCode::conflict, "a policy named '" + *doc->name + "' already exists here");
    const json conditions = doc->conditions.value_or(json::object());
    auto row = tx.exec(k_insert, org, *doc->name, doc->description.value_or(""), effect_name(*doc->effect),
                       json(*doc->actions).dump(), json(*doc->resources).dump(), conditions.dump(),
                       doc->enabled.value_or(true), actor.type == "user" ? actor.id : std::nullopt);
    const std::string id = row[0][0].as<std::string>();
    store_subjects(tx, id, *subjects);
    auto created = get_policy(tx, org, id);
    audit::record(tx, policy_event("policy.created", *created, actor));
    return created;
}

Result<Policy> update_policy(db::Transaction& tx, const std::optional<std::string>& org, const std::string& id,
                             const json& body, const Actor& actor) {
    auto current = get_policy(tx, org, id);
    if (!current) return current.error();
    auto doc = parse_document(body, true);
    if (!doc) return doc.error();
    Policy next = *current;
    json changed = json::array();
    for (const auto& [key, value] : body.items()) changed.push_back(key);
    if (doc->name) {
        if (!tx.exec(k_name_taken, org, *doc->name, id).empty())
            return make_error(ErrorCode::conflict, "a policy named '" + *doc->name + "' already exists here");
        next.name = *doc->name;
    }
    if (doc->description) next.description = *doc->description;
    if (doc->effect) next.effect = *doc->effect;
    if (doc->actions) next.actions = *doc->actions;
    if (doc->resources) {
        if (auto ok = check_resources_in_scope(org, *doc->resources); !ok) return ok.error();
        next.resources = *doc->resources;
    }
    if (doc->conditions) next.conditions_source = *doc->conditions;
    if (doc->enabled) next.enabled = *doc->enabled;
    if (doc->subjects) {
        auto subjects = resolve_subjects(tx, org, *doc->subjects);
        if (!subjects) return subjects.error();
        store_subjects(tx, id, *subjects);
    }
    tx.exec(k_update, id, next.name, next.description, effect_name(next.effect), json(next.actions).dump(),
            json(next.resources).dump(), next.conditions_source.dump(), next.enabled);
    auto updated = get_policy(tx, org, id);
    auto e = policy_event("policy.updated", *updated, actor);
    e.details["changed"] = changed;
    audit::record(tx, e);
    return updated;
}

Status delete_policy(db::Transaction& tx, const std::optional<std::string>& org, const std::string& id,
                     const Actor& actor) {
    auto current = get_policy(tx, org, id);
    if (!current) return current.error();
    tx.exec(k_delete, id);
    audit::record(tx, policy_event("policy.deleted", *current, actor));
    return Ok{};
}

std::vector<Policy> load_policies_for(db::Transaction& tx, const std::string& resource) {
    auto org = resource_organization(resource);
    if (org && !is_uuid(*org)) org.reset();
    return read(tx, tx.exec(k_for_resource, org));
}

Result<Subject> subject_for_user(db::Transaction& tx, const std::string& user_id,
                                 const std::optional<std::string>& organization_id) {
    if (!is_uuid(user_id)) return make_error(ErrorCode::not_found, "user not found");
    auto rows = tx.exec(k_subject_user, user_id);
    if (rows.empty()) return make_error(ErrorCode::not_found, "user not found");
    Subject s;
    s.user_id = user_id;
    s.email = rows[0][0].as<std::string>();
    s.is_platform_admin = rows[0][1].as<bool>();
    if (organization_id && is_uuid(*organization_id))
        for (const auto& r : tx.exec(k_subject_roles, user_id, *organization_id))
            s.roles.push_back({r[0].as<std::string>(), r[1].as<std::string>()});
    return s;
}

Decision decide(db::Transaction& tx, const Subject& subject, std::string_view action, std::string_view resource,
                const Context& context) {
    const std::string r(resource);
    return evaluate(load_policies_for(tx, r), subject, std::string(action), r, context);
}

}  // namespace janua::policies
