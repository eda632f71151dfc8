#include "core/orgs/org_repository.hpp"

#include "core/billing/limits.hpp"
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/crypto/encoding.hpp"

#include <algorithm>

namespace janua::orgs::repo {
namespace {

using db::Statement;

#define JANUA_ORG_COLUMNS "o.id, o.slug, o.name, o.owner_id, o.settings::text, o.metadata::text, o.created_at, o.updated_at"
#define JANUA_ROLE_COLUMNS \
    "id, organization_id, name, description, array_to_json(permissions)::text, is_system, created_at, updated_at"
#define JANUA_TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"
#define JANUA_MEMBER_COLUMNS \
    "m.user_id, u.email, u.first_name, u.last_name, r.name, r.id, m.created_at, m.updated_at"

constexpr Statement k_find_by_id{"orgs_find_by_id", "SELECT " JANUA_ORG_COLUMNS " FROM organizations o WHERE o.id = $1"};
constexpr Statement k_find_by_slug{"orgs_find_by_slug",
                                   "SELECT " JANUA_ORG_COLUMNS " FROM organizations o WHERE o.slug = $1"};
constexpr Statement k_lock{"orgs_lock", "SELECT " JANUA_ORG_COLUMNS " FROM organizations o WHERE o.id = $1 FOR UPDATE"};
constexpr Statement k_insert{
    "orgs_insert",
    "INSERT INTO organizations AS o (slug, name, owner_id, settings, metadata) VALUES ($1, $2, $3::uuid, $4::jsonb, "
    "$5::jsonb) ON CONFLICT (slug) DO NOTHING RETURNING " JANUA_ORG_COLUMNS};
constexpr Statement k_slug_taken{"orgs_slug_taken", "SELECT 1 FROM organizations WHERE slug = $1 AND id <> $2"};
constexpr Statement k_update{"orgs_update",
                             "UPDATE organizations AS o SET slug = $2, name = $3, settings = $4::jsonb, metadata = "
                             "$5::jsonb, updated_at = now() WHERE o.id = $1 RETURNING " JANUA_ORG_COLUMNS};
constexpr Statement k_set_owner{"orgs_set_owner",
                                "UPDATE organizations SET owner_id = $2, updated_at = now() WHERE id = $1"};
constexpr Statement k_delete_members{"orgs_delete_members", "DELETE FROM memberships WHERE organization_id = $1"};
constexpr Statement k_delete{"orgs_delete", "DELETE FROM organizations WHERE id = $1"};
constexpr Statement k_count_owned{"orgs_count_owned", "SELECT count(*) FROM organizations WHERE owner_id = $1"};
constexpr Statement k_list_all{
    "orgs_list_all",
    "SELECT " JANUA_ORG_COLUMNS ", NULL::text FROM organizations o WHERE ($1::timestamptz IS NULL OR "
    "(o.created_at, o.id) > ($1::timestamptz, $2::uuid)) ORDER BY o.created_at, o.id LIMIT $3"};
constexpr Statement k_list_mine{
    "orgs_list_mine",
    "SELECT " JANUA_ORG_COLUMNS ", r.name FROM organizations o JOIN memberships m ON m.organization_id = o.id "
    "JOIN roles r ON r.id = m.role_id WHERE m.user_id = $4 AND ($1::timestamptz IS NULL OR "
    "(o.created_at, o.id) > ($1::timestamptz, $2::uuid)) ORDER BY o.created_at, o.id LIMIT $3"};

constexpr Statement k_find_role{
    "roles_find",
    "SELECT " JANUA_ROLE_COLUMNS " FROM roles WHERE name = $2 AND (organization_id = $1 OR organization_id IS NULL) "
    "ORDER BY organization_id NULLS FIRST LIMIT 1"};
constexpr Statement k_list_roles{"roles_list",
                                 "SELECT " JANUA_ROLE_COLUMNS " FROM roles WHERE organization_id = $1 OR organization_id "
                                 "IS NULL ORDER BY is_system DESC, CASE name WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 "
                                 "WHEN 'member' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END, name"};
constexpr Statement k_insert_role{
    "roles_insert",
    "INSERT INTO roles (organization_id, name, description, permissions, is_system) VALUES ($1, $2, $3, "
    JANUA_TEXT_ARRAY("$4") ", false) ON CONFLICT DO NOTHING RETURNING " JANUA_ROLE_COLUMNS};
constexpr Statement k_update_role{"roles_update",
                                  "UPDATE roles SET description = $2, permissions = " JANUA_TEXT_ARRAY("$3") ", "
                                  "updated_at = now() WHERE id = $1 RETURNING " JANUA_ROLE_COLUMNS};
constexpr Statement k_delete_role{"roles_delete", "DELETE FROM roles WHERE id = $1 AND NOT is_system"};
constexpr Statement k_count_role_members{"roles_count_members", "SELECT count(*) FROM memberships WHERE role_id = $1"};

constexpr Statement k_list_members{
    "members_list", "SELECT " JANUA_MEMBER_COLUMNS " FROM memberships m JOIN users u ON u.id = m.user_id "
                    "JOIN roles r ON r.id = m.role_id WHERE m.organization_id = $1 ORDER BY m.created_at, m.user_id"};
constexpr Statement k_list_members_page{
    "members_list_page", "SELECT " JANUA_MEMBER_COLUMNS " FROM memberships m JOIN users u ON u.id = m.user_id "
                         "JOIN roles r ON r.id = m.role_id WHERE m.organization_id = $1 AND ($2::timestamptz IS NULL "
                         "OR (m.created_at, m.user_id) > ($2::timestamptz, $3::uuid)) ORDER BY m.created_at, m.user_id LIMIT $4"};
constexpr Statement k_find_member{
    "members_find", "SELECT " JANUA_MEMBER_COLUMNS " FROM memberships m JOIN users u ON u.id = m.user_id "
                    "JOIN roles r ON r.id = m.role_id WHERE m.organization_id = $1 AND m.user_id = $2"};
constexpr Statement k_insert_member{"members_insert",
                                    "INSERT INTO memberships (organization_id, user_id, role_id) VALUES ($1, $2, $3) "
                                    "ON CONFLICT DO NOTHING"};
constexpr Statement k_set_member_role{"members_set_role",
                                      "UPDATE memberships SET role_id = $3, updated_at = now() WHERE organization_id = "
                                      "$1 AND user_id = $2"};
constexpr Statement k_delete_member{"members_delete",
                                    "DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2"};
constexpr Statement k_count_owners{"members_count_owners",
                                   "SELECT count(*) FROM memberships m JOIN roles r ON r.id = m.role_id WHERE "
                                   "m.organization_id = $1 AND r.name = 'owner' AND r.is_system"};
constexpr Statement k_grant{"members_grant",
                            "SELECT r.name, array_to_json(r.permissions)::text FROM memberships m JOIN roles r ON "
                            "r.id = m.role_id WHERE m.organization_id = $1 AND m.user_id = $2"};

std::vector<std::string> text_array(const pqxx::field& field) {
    return nlohmann::json::parse(field.as<std::string>()).get<std::vector<std::string>>();
}

Organization org_from(const pqxx::row& r) {
    Organization o;
    o.id = r[0].as<std::string>();
    o.slug = r[1].as<std::string>();
    o.name = r[2].as<std::string>();
    o.owner_id = db::optional_field<std::string>(r[3]);
    o.settings = nlohmann::json::parse(r[4].as<std::string>());
    o.metadata = nlohmann::json::parse(r[5].as<std::string>());
    o.created_at = db::timestamp(r[6]);
    o.updated_at = db::timestamp(r[7]);
    if (r.size() > 8) o.role = db::optional_field<std::string>(r[8]);
    return o;
}

Role role_from(const pqxx::row& r) {
    Role role;
    role.id = r[0].as<std::string>();
    role.organization_id = db::optional_field<std::string>(r[1]);
    role.name = r[2].as<std::string>();
    role.description = db::optional_field<std::string>(r[3]);
    role.permissions = text_array(r[4]);
    role.is_system = r[5].as<bool>();
    role.created_at = db::timestamp(r[6]);
    role.updated_at = db::timestamp(r[7]);
    return role;
}

Member member_from(const pqxx::row& r) {
    Member m;
    m.user_id = r[0].as<std::string>();
    m.email = r[1].as<std::string>();
    m.first_name = db::optional_field<std::string>(r[2]);
    m.last_name = db::optional_field<std::string>(r[3]);
    m.role = r[4].as<std::string>();
    m.role_id = r[5].as<std::string>();
    m.created_at = db::timestamp(r[6]);
    m.updated_at = db::timestamp(r[7]);
    return m;
}

std::optional<Organization> first_org(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return org_from(result[0]);
}

Error slug_taken(const std::string& slug) {
    return make_error(ErrorCode::conflict, "an organization with slug '" + slug + "' already exists");
}

}  // namespace

std::optional<Organization> find(db::Transaction& tx, const std::string& ref) {
    if (is_uuid(ref)) return first_org(tx.exec(k_find_by_id, ref));
    if (!is_valid_slug(ref)) return std::nullopt;
    return first_org(tx.exec(k_find_by_slug, ref));
}

std::optional<Organization> lock(db::Transaction& tx, const std::string& id) { return first_org(tx.exec(k_lock, id)); }

Result<Organization> insert(db::Transaction& tx, const Organization& org) {
    auto row = first_org(tx.exec(k_insert, org.slug, org.name, org.owner_id, org.settings.dump(), org.metadata.dump()));
    if (!row) return slug_taken(org.slug);
    return *row;
}

Result<Organization> update(db::Transaction& tx, const Organization& org) {
    if (!tx.exec(k_slug_taken, org.slug, org.id).empty()) return slug_taken(org.slug);
    auto row = first_org(tx.exec(k_update, org.id, org.slug, org.name, org.settings.dump(), org.metadata.dump()));
    if (!row) return make_error(ErrorCode::not_found, "organization not found");
    return *row;
}

void set_owner(db::Transaction& tx, const std::string& org_id, const std::string& user_id) {
    tx.exec(k_set_owner, org_id, user_id);
}

void remove(db::Transaction& tx, const std::string& org_id) {
    tx.exec(k_delete_members, org_id);
    tx.exec(k_delete, org_id);
}

int count_owned(db::Transaction& tx, const std::string& user_id) {
    return tx.exec(k_count_owned, user_id)[0][0].as<int>();
}

Result<Page> list(db::Transaction& tx, const std::optional<std::string>& user_id, int limit,
                  const std::optional<std::string>& cursor) {
    std::optional<std::string> after_time, after_id;
    if (cursor) {
        auto raw = crypto::base64url_decode(*cursor);
        const auto bar = raw ? raw->find('|') : std::string::npos;
        if (bar == std::string::npos || !is_uuid(raw->substr(bar + 1)) || bar < 20 || bar > 40 ||
            raw->substr(0, bar).find_first_not_of("0123456789-:.TZ") != std::string::npos)
            return make_error(ErrorCode::validation, "invalid cursor");
        after_time = raw->substr(0, bar);
        after_id = raw->substr(bar + 1);
    }
    limit = std::clamp(limit, 1, 200);
    auto rows = user_id ? tx.exec(k_list_mine, after_time, after_id, limit + 1, *user_id)
                        : tx.exec(k_list_all, after_time, after_id, limit + 1);
    Page page;
    for (const auto& row : rows) {
        if (static_cast<int>(page.items.size()) == limit) {
            const auto& last = page.items.back();
            page.next_cursor = crypto::base64url_encode(last.created_at + "|" + last.id);
            break;
        }
        page.items.push_back(org_from(row));
    }
    return page;
}

std::optional<Role> find_role(db::Transaction& tx, const std::string& org_id, const std::string& name) {
    auto rows = tx.exec(k_find_role, org_id, name);
    if (rows.empty()) return std::nullopt;
    return role_from(rows[0]);
}

std::vector<Role> list_roles(db::Transaction& tx, const std::string& org_id) {
    std::vector<Role> out;
    for (const auto& row : tx.exec(k_list_roles, org_id)) out.push_back(role_from(row));
    return out;
}

Result<Role> insert_role(db::Transaction& tx, const std::string& org_id, const std::string& name,
                         const std::optional<std::string>& description, const std::vector<std::string>& permissions) {
    auto rows = tx.exec(k_insert_role, org_id, name, description, nlohmann::json(permissions).dump());
    if (rows.empty()) return make_error(ErrorCode::conflict, "a role named '" + name + "' already exists");
    return role_from(rows[0]);
}

Role update_role(db::Transaction& tx, const std::string& role_id, const std::optional<std::string>& description,
                 const std::vector<std::string>& permissions) {
    return role_from(tx.exec(k_update_role, role_id, description, nlohmann::json(permissions).dump())[0]);
}

void remove_role(db::Transaction& tx, const std::string& role_id) { tx.exec(k_delete_role, role_id); }

int count_role_members(db::Transaction& tx, const std::string& role_id) {
    return tx.exec(k_count_role_members, role_id)[0][0].as<int>();
}

std::vector<Member> list_members(db::Transaction& tx, const std::string& org_id) {
    std::vector<Member> out;
    for (const auto& row : tx.exec(k_list_members, org_id)) out.push_back(member_from(row));
    return out;
}

Result<MemberPage> list_members_page(db::Transaction& tx, const std::string& org_id, int limit,
                                     const std::optional<std::string>& cursor) {
    auto after = paging::decode_cursor(cursor);
    if (!after) return after.error();
    limit = std::clamp(limit, 1, 200);
    MemberPage page;
    for (const auto& row : tx.exec(k_list_members_page, org_id, after->created_at, after->id, limit + 1)) {
        if (static_cast<int>(page.items.size()) == limit) {
            page.next_cursor = paging::encode_cursor(page.items.back().created_at, page.items.back().user_id);
            break;
        }
        page.items.push_back(member_from(row));
    }
    return page;
}

std::optional<Member> find_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id) {
    if (!is_uuid(user_id)) return std::nullopt;
    auto rows = tx.exec(k_find_member, org_id, user_id);
    if (rows.empty()) return std::nullopt;
    return member_from(rows[0]);
}

Result<Member> insert_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id,
                             const std::string& role_id) {
    if (find_member(tx, org_id, user_id)) return make_error(ErrorCode::conflict, "the user is already a member of this organization");
    if (auto slot = billing::require_member_slot(tx, org_id); !slot) return slot.error();
    if (tx.exec(k_insert_member, org_id, user_id, role_id).affected_rows() == 0)
        return make_error(ErrorCode::conflict, "the user is already a member of this organization");
    return *find_member(tx, org_id, user_id);
}

void set_member_role(db::Transaction& tx, const std::string& org_id, const std::string& user_id,
                     const std::string& role_id) {
    tx.exec(k_set_member_role, org_id, user_id, role_id);
}

void remove_member(db::Transaction& tx, const std::string& org_id, const std::string& user_id) {
    tx.exec(k_delete_member, org_id, user_id);
}

int count_owners(db::Transaction& tx, const std::string& org_id) {
    return tx.exec(k_count_owners, org_id)[0][0].as<int>();
}

std::optional<Grant> grant_of(db::Transaction& tx, const std::string& org_id, const std::string& user_id) {
    if (!is_uuid(user_id)) return std::nullopt;
    auto rows = tx.exec(k_grant, org_id, user_id);
    if (rows.empty()) return std::nullopt;
    return Grant{rows[0][0].as<std::string>(), text_array(rows[0][1])};
}

}  // namespace janua::orgs::repo
