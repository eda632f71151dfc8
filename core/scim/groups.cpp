#include "core/scim/groups.hpp"

#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"
#include "core/scim/common.hpp"
#include "core/rbac/access.hpp"
#include "core/scim/filter.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>

namespace janua::scim {
namespace {

using db::Statement;

constexpr std::size_t k_max_members = 100000;  // members in one PUT/POST body

// As in users.cpp: the organization is element 0 of the jsonb parameter $1, filter values follow.
constexpr const char* k_org = "(($1::jsonb->>0)::uuid)";

std::string from_clause() {
    const std::string org = k_org;
    return " FROM roles r LEFT JOIN scim_groups g ON g.role_id = r.id AND g.organization_id = " + org +
           " WHERE (r.organization_id IS NULL OR r.organization_id = " + org + ") ";
}

// The holders of role r in the organization, as the element rows of `members` for filters.
std::string members_source() {
    const std::string org = k_org;
    return "(SELECT jsonb_build_object('value', mm.user_id::text, 'display', mu.email, 'type', 'User') FROM memberships mm "
           "JOIN users mu ON mu.id = mm.user_id WHERE mm.organization_id = " + org + " AND mm.role_id = r.id) AS e(v)";
}

std::string columns() {
    const std::string org = k_org;
    return "SELECT r.id::text, coalesce(g.display_name, r.name), g.external_id, r.is_system, r.name, r.created_at, "
           "greatest(r.updated_at, g.updated_at, (SELECT max(updated_at) FROM memberships WHERE organization_id = " + org +
           " AND role_id = r.id)), (SELECT md5(coalesce(string_agg(user_id::text, ',' ORDER BY user_id), '')) FROM memberships "
           "WHERE organization_id = " + org + " AND role_id = r.id), count(*) OVER () ";
}

std::optional<Column> resolve(const AttrPath& p) {
    auto str = [](std::string sql, bool exact = false) { return Column{std::move(sql), AttrType::string, exact, false, {}}; };
    if (!p.schema.empty() && p.schema != lower(k_group_schema)) return std::nullopt;
    if (p.attr == "members" && p.sub.empty()) return Column{"", AttrType::string, false, true, members_source()};
    if (p.attr == "meta") {
        if (p.sub == "created") return Column{"r.created_at", AttrType::datetime, false, false, {}};
        if (p.sub == "lastmodified")
            return Column{"greatest(r.updated_at, g.updated_at, (SELECT max(updated_at) FROM memberships WHERE organization_id = " +
                              std::string(k_org) + " AND role_id = r.id))",
                          AttrType::datetime, false, false, {}};
        if (p.sub == "resourcetype") return str("'Group'", true);
        return std::nullopt;
    }
    if (!p.sub.empty()) return std::nullopt;
    if (p.attr == "id") return str("r.id::text", true);
    if (p.attr == "externalid") return str("g.external_id", true);
    if (p.attr == "displayname") return str("coalesce(g.display_name, r.name)");
    return std::nullopt;
}

std::optional<Column> resolve_sub(const std::string& attr, const std::string& sub) {
    if (attr != "members") return std::nullopt;
    if (sub == "value") return Column{"(e.v->>'value')", AttrType::string, true, false, {}};
    if (sub == "display" || sub == "type") return Column{"(e.v->>'" + sub + "')", AttrType::string, false, false, {}};
    return std::nullopt;
}

constexpr Statement k_members{
    "scim_group_members",
    "SELECT m.user_id::text, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 "
    "AND m.role_id = $2 ORDER BY m.created_at, m.user_id"};

// A row of columns() as a Group (members filled in by the caller when wanted). The ETag covers
// the holders through their digest, so it is the same with or without `members`.
Resource render(const pqxx::row& r, const std::string& base_url) {
    const std::string id = r[0].as<std::string>();
    nlohmann::json g = {{"schemas", {k_group_schema}}, {"id", id}, {"displayName", r[1].as<std::string>()}};
    if (!r[2].is_null()) g["externalId"] = r[2].as<std::string>();
    g["meta"] = {{"resourceType", "Group"},
                 {"created", db::timestamp(r[5])},
                 {"lastModified", db::timestamp(r[6])},
                 {"location", base_url + "/scim/v2/Groups/" + id}};
    nlohmann::json versioned = g;
    versioned["members_digest"] = r[7].as<std::string>();
    Resource out;
    out.etag = "W/\"" + crypto::hex_encode(crypto::sha256(versioned.dump())).substr(0, 32) + "\"";
    g["meta"]["version"] = out.etag;
    out.body = std::move(g);
    return out;
}

void add_members(db::Transaction& tx, Resource& res, const std::string& org_id, const std::string& base_url) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : tx.exec(k_members, org_id, res.body["id"].get<std::string>()))
        members.push_back({{"value", m[0].as<std::string>()},
                           {"display", m[1].as<std::string>()},
                           {"type", "User"},
                           {"$ref", base_url + "/scim/v2/Users/" + m[0].as<std::string>()}});
    res.body["members"] = members;
}

struct Loaded {
    Resource resource;
    bool is_system = false;
    std::string role_name;
};

std::optional<Loaded> load(db::Transaction& tx, const std::string& org_id, const std::string& id, const std::string& base_url,
                           bool with_members) {
    if (!is_uuid(id)) return std::nullopt;
    const std::string sql = columns() + from_clause() + "AND r.id = ($1::jsonb->>1)::uuid";
    auto rows = tx.raw().exec_params(sql, nlohmann::json::array({org_id, id}).dump());
    if (rows.empty()) return std::nullopt;
    Loaded out{render(rows[0], base_url), rows[0][3].as<bool>(), rows[0][4].as<std::string>()};
    if (with_members) add_members(tx, out.resource, org_id, base_url);
    return out;
}

Error not_found() { return scim_error(404, "", "no such Group in this organization"); }

void audit_change(db::Transaction& tx, const TokenPrincipal& who, const std::string& action, const std::string& role_id,
                  nlohmann::json details) {
    record_change(tx, who, action, "role", role_id, std::move(details));
}

constexpr Statement k_token_creator{"scim_token_creator", "SELECT created_by::text FROM scim_tokens WHERE id = $1"};
constexpr Statement k_role{"scim_group_role",
                           "SELECT name, permissions::text[], is_system FROM roles WHERE id = $1 AND (organization_id IS NULL OR "
                           "organization_id = $2)"};
constexpr Statement k_member_role{"scim_group_member_role",
                                  "SELECT role_id::text FROM memberships WHERE organization_id = $1 AND user_id = $2::uuid"};
constexpr Statement k_deactivated{"scim_group_deactivated",
                                  "SELECT 1 FROM scim_users WHERE organization_id = $1 AND user_id = $2::uuid AND NOT active"};
constexpr Statement k_set_role{"scim_group_set_role",
                               "UPDATE memberships SET role_id = $3, updated_at = now() WHERE organization_id = $1 AND user_id = $2"};
constexpr Statement k_remember{"scim_group_remember",
                               "UPDATE scim_users SET role_id = $3, updated_at = now() WHERE organization_id = $1 AND user_id = $2"};
constexpr Statement k_member_role_id{"scim_group_member_role_id",
                                     "SELECT id::text FROM roles WHERE name = 'member' AND organization_id IS NULL"};
constexpr Statement k_display_taken{
    "scim_group_display_taken",
    "SELECT 1 FROM roles r LEFT JOIN scim_groups g ON g.role_id = r.id AND g.organization_id = $1 WHERE (r.organization_id IS "
    "NULL OR r.organization_id = $1) AND r.id <> $2::uuid AND lower(coalesce(g.display_name, r.name)) = lower($3)"};
constexpr Statement k_external_taken{
    "scim_group_external_taken",
    "SELECT 1 FROM scim_groups WHERE organization_id = $1 AND external_id = $2 AND role_id <> $3::uuid"};
constexpr Statement k_upsert_group{
    "scim_group_upsert",
    "INSERT INTO scim_groups (organization_id, role_id, display_name, external_id, created_role) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (organization_id, role_id) DO UPDATE SET display_name = EXCLUDED.display_name, "
    "external_id = EXCLUDED.external_id, updated_at = now()"};
constexpr Statement k_name_taken{"scim_group_name_taken",
                                 "SELECT 1 FROM roles WHERE name = $2 AND (organization_id IS NULL OR organization_id = $1)"};
constexpr Statement k_insert_role{
    "scim_group_insert_role",
    "INSERT INTO roles (organization_id, name, description, permissions, is_system) VALUES ($1, $2, $3, '{}', false) "
    "RETURNING id::text"};
constexpr Statement k_created_role{"scim_group_created_role",
                                   "SELECT created_role FROM scim_groups WHERE organization_id = $1 AND role_id = $2"};
constexpr Statement k_delete_role{"scim_group_delete_role", "DELETE FROM roles WHERE id = $1 AND organization_id = $2"};
constexpr Statement k_holders{"scim_group_holders",
                              "SELECT user_id::text FROM memberships WHERE organization_id = $1 AND role_id = $2"};

struct RoleInfo {
    std::string name;
    std::vector<std::string> permissions;
    bool is_system = false;
};

std::optional<RoleInfo> role_info(db::Transaction& tx, const std::string& org_id, const std::string& role_id) {
    auto rows = tx.exec(k_role, role_id, org_id);
    if (rows.empty()) return std::nullopt;
    RoleInfo info{rows[0][0].as<std::string>(), {}, rows[0][2].as<bool>()};
    auto arr = rows[0][1].as_array();
    for (auto elem = arr.get_next(); elem.first != pqxx::array_parser::juncture::done; elem = arr.get_next())
        if (elem.first == pqxx::array_parser::juncture::string_value) info.permissions.push_back(elem.second);
    return info;
}

// What the token may hand out: its creator's live grant in the organization (as an API key acts
// for its creator). A token whose creator is gone or left grants nothing: it can still move
// people between roles that carry no permissions.
rbac::Grant token_grant(db::Transaction& tx, const TokenPrincipal& who) {
    auto rows = tx.exec(k_token_creator, who.token_id);
    if (rows.empty() || rows[0][0].is_null()) return rbac::Grant{};
    rbac::Caller creator;
    creator.user_id = rows[0][0].as<std::string>();
    return rbac::grant_in(tx, creator, who.organization_id).value_or(rbac::Grant{});
}

std::optional<Error> may_move(const rbac::Grant& grant, const RoleInfo& role, const std::string& user_id) {
    if (role.is_system && role.name == "owner")
        return scim_error(400, "mutability", "the owner role and its holders are not changed through SCIM (User " + user_id +
                                                 "); transfer ownership in Janua");
    if (grant.everything) return std::nullopt;
    for (const auto& p : role.permissions)
        if (!grant.allows(p))
            return scim_error(403, "", "this SCIM token cannot assign or take away role '" + role.name + "': it grants " + p +
                                           ", which the token's creator does not hold");
    return std::nullopt;
}

// Validate a Group body (POST/PUT) into a state; members resolved later.
Result<GroupState> state_from(const nlohmann::json& raw, const std::optional<std::string>& id) {
    if (!raw.is_object()) return scim_error(400, "invalidSyntax", "the body must be a JSON object");
    if (!raw.contains("schemas") || !raw["schemas"].is_array() ||
        std::find(raw["schemas"].begin(), raw["schemas"].end(), k_group_schema) == raw["schemas"].end())
        return scim_error(400, "invalidSyntax", std::string("schemas must list ") + k_group_schema);
    GroupState g;
    bool named = false;
    for (const auto& [k, v] : raw.items()) {
        const std::string key = lower(k);
        if (key == "id" && id && v != *id) return scim_error(400, "mutability", "id cannot be changed");
        if (key == "displayname") {
            if (!v.is_string() || v.get<std::string>().empty()) return scim_error(400, "invalidValue", "displayName must be a non-empty string");
            g.display_name = v.get<std::string>();
            named = true;
        } else if (key == "externalid" && !v.is_null()) {
            if (!v.is_string()) return scim_error(400, "invalidValue", "externalId must be a string");
            if (!v.get<std::string>().empty()) g.external_id = v.get<std::string>();
        } else if (key == "members" && !v.is_null()) {
            if (!v.is_array()) return scim_error(400, "invalidValue", "members must be an array");
            auto members = members_from(v, k_max_members);
            if (!members) return members.error();
            g.members = *members;
        }
    }
    if (!named) return scim_error(400, "invalidValue", "displayName is required");
    return g;
}

std::string slug_of(const std::string& display) {
    std::string out;
    for (unsigned char c : display) {
        const char l = static_cast<char>(std::tolower(c));
        const bool ok = std::isalnum(static_cast<unsigned char>(l)) || l == '_' || l == '.' || l == '-';
        if (ok && std::isalnum(static_cast<unsigned char>(l)) == 0 && out.empty()) continue;  // must start alphanumeric
        if (ok) out += l;
        else if (!out.empty() && out.back() != '-') out += '-';
        if (out.size() >= 56) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "group" : out;
}

// Bring the Group of `role_id` to `wanted`: displayName, externalId, then its holders.
// `current_members`: the user ids holding the role now.
Result<nlohmann::json> write_state(db::Transaction& tx, const TokenPrincipal& who, const std::string& role_id,
                                   const GroupState& wanted, const std::set<std::string>& current_members, bool created_role) {
    const std::string& org = who.organization_id;
    if (wanted.display_name.size() > 256) return scim_error(400, "invalidValue", "displayName is longer than 256 characters");
    if (wanted.external_id && wanted.external_id->size() > 512)
        return scim_error(400, "invalidValue", "externalId is longer than 512 characters");
    if (!tx.exec(k_display_taken, org, role_id, wanted.display_name).empty())
        return scim_error(409, "uniqueness", "another Group of this organization has this displayName");
    if (wanted.external_id && !tx.exec(k_external_taken, org, *wanted.external_id, role_id).empty())
        return scim_error(409, "uniqueness", "another Group of this organization has this externalId");
    tx.exec(k_upsert_group, org, role_id, wanted.display_name, wanted.external_id, created_role);

    std::set<std::string> target;
    for (const auto& m : wanted.members) target.insert(m["value"].get<std::string>());
    std::vector<std::string> added, removed;
    for (const auto& id : target)
        if (!current_members.count(id)) added.push_back(id);
    for (const auto& id : current_members)
        if (!target.count(id)) removed.push_back(id);
    if (added.empty() && removed.empty()) return nlohmann::json{{"added", nlohmann::json::array()}, {"removed", nlohmann::json::array()}};

    const auto role = role_info(tx, org, role_id);
    const rbac::Grant grant = token_grant(tx, who);
    std::map<std::string, std::optional<RoleInfo>> roles_by_id;
    auto info_of = [&](const std::string& id) -> const std::optional<RoleInfo>& {
        auto found = roles_by_id.find(id);
        if (found == roles_by_id.end()) found = roles_by_id.emplace(id, role_info(tx, org, id)).first;
        return found->second;
    };
    for (const auto& user : added) {
        if (!is_uuid(user)) return scim_error(400, "invalidValue", "members: '" + user + "' is not a User of this organization");
        if (auto e = may_move(grant, *role, user)) return *e;
        auto held = tx.exec(k_member_role, org, user);
        if (!held.empty()) {
            const auto& old_role = info_of(held[0][0].as<std::string>());
            if (old_role)
                if (auto e = may_move(grant, *old_role, user)) return *e;
            tx.exec(k_set_role, org, user, role_id);
        } else if (!tx.exec(k_deactivated, org, user).empty()) {
            tx.exec(k_remember, org, user, role_id);  // given back when the IdP reactivates them
        } else {
            return scim_error(400, "invalidValue", "members: '" + user + "' is not a User of this organization");
        }
    }
    if (!removed.empty()) {
        if (role->is_system && role->name == "member")
            return scim_error(400, "mutability",
                              "'member' is the role members fall back to and cannot be left; add them to another Group instead");
        const std::string fallback = tx.exec(k_member_role_id)[0][0].as<std::string>();
        const auto& member_role = info_of(fallback);
        for (const auto& user : removed) {
            if (auto e = may_move(grant, *role, user)) return *e;
            if (auto e = may_move(grant, *member_role, user)) return *e;
            tx.exec(k_set_role, org, user, fallback);
        }
    }
    return nlohmann::json{{"added", added}, {"removed", removed}};
}

std::set<std::string> holders(db::Transaction& tx, const std::string& org, const std::string& role_id) {
    std::set<std::string> out;
    for (const auto& r : tx.exec(k_holders, org, role_id)) out.insert(r[0].as<std::string>());
    return out;
}

GroupState state_of(const Resource& res) {
    GroupState g;
    g.id = res.body["id"].get<std::string>();
    g.display_name = res.body["displayName"].get<std::string>();
    if (res.body.contains("externalId")) g.external_id = res.body["externalId"].get<std::string>();
    g.members = res.body.value("members", nlohmann::json::array());
    return g;
}

// PUT and PATCH once the wanted state is known: write it, audit `action` if the Group changed.
Result<Resource> write_group(db::Transaction& tx, const TokenPrincipal& who, const std::string& id, const Resource& current,
                             const GroupState& wanted, const std::string& action, const std::string& base_url) {
    auto created = tx.exec(k_created_role, who.organization_id, id);
    auto changes = write_state(tx, who, id, wanted, holders(tx, who.organization_id, id), !created.empty() && created[0][0].as<bool>());
    if (!changes) return changes.error();
    auto after = load(tx, who.organization_id, id, base_url, true);
    if (after->resource.etag != current.etag) audit_change(tx, who, action, id, *changes);
    return after->resource;
}

template <class T, class F>
Result<T> group_atomically(db::Pool& pool, F&& work) {
    return scim_atomically<T>(pool, "displayName or externalId", std::forward<F>(work));
}

}  // namespace

bool wants_members(const std::optional<std::string>& attributes, const std::optional<std::string>& excluded) {
    auto names = [](const std::string& text) {
        std::set<std::string> out;
        const std::string prefix = lower(k_group_schema) + ":";
        for (std::string item : split_list(lower(text))) {
            if (item.rfind(prefix, 0) == 0) item = item.substr(prefix.size());
            out.insert(item.substr(0, item.find('.')));
        }
        return out;
    };
    if (attributes) return names(*attributes).count("members") > 0;
    if (excluded) return names(*excluded).count("members") == 0;
    return true;
}

Result<ListPage> GroupService::list(const TokenPrincipal& who, const ListQuery& query, bool with_members) {
    nlohmann::json params = nlohmann::json::array({who.organization_id});
    SqlContext ctx;
    ctx.resolve = resolve;
    ctx.resolve_sub = resolve_sub;
    auto list = list_sql(query, ctx, params, "r.is_system DESC, r.created_at, r.id", resolve, "r.id");
    if (!list) return list.error();
    const std::string& where = list->where;
    const std::string& order = list->order;
    ListPage page;
    page.start_index = std::max<long long>(1, query.start_index);
    const long long count = std::clamp<long long>(query.count, 0, k_max_page);
    const std::string sql = columns() + from_clause() + "AND (" + where + ") ORDER BY " + order + " OFFSET " +
                            std::to_string(page.start_index - 1) + " LIMIT " + std::to_string(count);
    try {
        return m_pool.transact([&](db::Transaction& tx) -> Result<ListPage> {
            auto rows = tx.raw().exec_params(sql, params.dump());
            for (const auto& row : rows) {
                Resource res = render(row, m_base_url);
                if (with_members) add_members(tx, res, who.organization_id, m_base_url);
                page.resources.push_back(std::move(res));
            }
            if (!rows.empty()) page.total = rows[0][8].as<long long>();
            else page.total = tx.raw().exec_params("SELECT count(*)" + from_clause() + "AND (" + where + ")", params.dump())[0][0].as<long long>();
            return page;
        });
    } catch (const pqxx::data_exception&) {
        return filter_error("invalidFilter", 0, "a value in the filter is out of range for its attribute");
    }
}

Result<Resource> GroupService::get(const TokenPrincipal& who, const std::string& id, bool with_members) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Resource> {
        auto found = load(tx, who.organization_id, id, m_base_url, with_members);
        if (!found) return not_found();
        return found->resource;
    });
}

Result<Resource> GroupService::create(const TokenPrincipal& who, const nlohmann::json& body) {
    auto wanted = state_from(body, std::nullopt);
    if (!wanted) return wanted.error();
    return group_atomically<Resource>(m_pool, [&](db::Transaction& tx) -> Result<Resource> {
        const std::string& org = who.organization_id;
        if (!tx.exec(k_display_taken, org, "00000000-0000-0000-0000-000000000000", wanted->display_name).empty())
            return scim_error(409, "uniqueness", "a Group with this displayName already exists in this organization");
        // The role's name: a slug of displayName, made unique among the roles the organization sees.
        const std::string base = slug_of(wanted->display_name);
        std::string name = base;
        for (int n = 2; !tx.exec(k_name_taken, org, name).empty(); ++n) {
            if (n > 1000) return scim_error(409, "uniqueness", "too many roles are named like '" + base + "'");
            name = base + "-" + std::to_string(n);
        }
        const std::string role_id =
            tx.exec(k_insert_role, org, name, "Provisioned by SCIM as the Group \"" + wanted->display_name.substr(0, 200) + "\"")[0][0]
                .as<std::string>();
        auto changes = write_state(tx, who, role_id, *wanted, {}, true);
        if (!changes) return changes.error();
        audit_change(tx, who, "scim.group.created", role_id,
                     {{"role", name}, {"display_name", wanted->display_name}, {"members_added", (*changes)["added"]}});
        return load(tx, org, role_id, m_base_url, true)->resource;
    });
}

Result<Resource> GroupService::replace(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                                       const Precondition& if_match) {
    auto wanted = state_from(body, id);
    if (!wanted) return wanted.error();
    return group_atomically<Resource>(m_pool, [&](db::Transaction& tx) -> Result<Resource> {
        auto current = load(tx, who.organization_id, id, m_base_url, false);
        if (auto refused = refuse_write(current ? &current->resource : nullptr, if_match, "Group")) return *refused;
        return write_group(tx, who, id, current->resource, *wanted, "scim.group.replaced", m_base_url);
    });
}

Result<Resource> GroupService::patch(const TokenPrincipal& who, const std::string& id, const nlohmann::json& body,
                                     const Precondition& if_match) {
    return group_atomically<Resource>(m_pool, [&](db::Transaction& tx) -> Result<Resource> {
        auto current = load(tx, who.organization_id, id, m_base_url, true);
        if (auto refused = refuse_write(current ? &current->resource : nullptr, if_match, "Group")) return *refused;
        auto wanted = apply_group_patch(state_of(current->resource), body);
        if (!wanted) return wanted.error();
        return write_group(tx, who, id, current->resource, *wanted, "scim.group.patched", m_base_url);
    });
}

Status GroupService::remove(const TokenPrincipal& who, const std::string& id, const Precondition& if_match) {
    return group_atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto current = load(tx, who.organization_id, id, m_base_url, false);
        if (auto refused = refuse_write(current ? &current->resource : nullptr, if_match, "Group")) return *refused;
        if (current->is_system)
            return scim_error(400, "mutability", "'" + current->role_name + "' is a built-in role: it cannot be deleted");
        auto created = tx.exec(k_created_role, who.organization_id, id);
        if (created.empty() || !created[0][0].as<bool>())
            return scim_error(400, "mutability", "role '" + current->role_name +
                                                     "' was created in Janua, not by this organization's SCIM: delete it there");
        // Its holders fall back to `member` first (with the same escalation checks as a removal).
        GroupState empty = state_of(current->resource);
        empty.members = nlohmann::json::array();
        auto changes = write_state(tx, who, id, empty, holders(tx, who.organization_id, id), true);
        if (!changes) return changes.error();
        tx.exec(k_delete_role, id, who.organization_id);
        audit_change(tx, who, "scim.group.deleted", id, {{"role", current->role_name}, {"members_moved_to_member", (*changes)["removed"]}});
        return Ok{};
    });
}

Result<nlohmann::json> GroupService::overview(const std::string& org_ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<nlohmann::json> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        const std::string sql = columns() + from_clause() + "ORDER BY r.is_system DESC, r.created_at, r.id";
        nlohmann::json data = nlohmann::json::array();
        for (const auto& row : tx.raw().exec_params(sql, nlohmann::json::array({org->id}).dump())) {
            nlohmann::json members = nlohmann::json::array();
            for (const auto& m : tx.exec(k_members, org->id, row[0].as<std::string>()))
                members.push_back({{"user_id", m[0].as<std::string>()}, {"email", m[1].as<std::string>()}});
            data.push_back({{"id", row[0].as<std::string>()},
                            {"display_name", row[1].as<std::string>()},
                            {"role", row[4].as<std::string>()},
                            {"external_id", row[2].is_null() ? nlohmann::json(nullptr) : nlohmann::json(row[2].as<std::string>())},
                            {"member_count", members.size()},
                            {"members", members}});
        }
        return nlohmann::json{{"data", data}, {"next_cursor", nullptr}};
    });
}

}  // namespace janua::scim
