#include "core/federation/linked_accounts.hpp"

namespace janua::federation::linked_accounts {
namespace {

using db::Statement;

#define JANUA_LINK_COLUMNS                                                                                          \
    "i.id::text, i.provider_id::text, coalesce(p.slug, i.provider_key), coalesce(p.display_name, i.provider_key), " \
    "p.organization_id::text, i.subject, i.user_id::text, i.email, i.created_at, i.last_login_at, i.connection, i.source"
#define JANUA_LINK_FROM " FROM user_identities i LEFT JOIN identity_providers p ON p.id = i.provider_id "
// The rows (bound or not) that stand for upstream account $2 of the provider a source called $1.
#define JANUA_HELD_BY_KEY                                                                                   \
    "SELECT i.user_id FROM user_identities i LEFT JOIN identity_providers p ON p.id = i.provider_id "        \
    "WHERE i.subject = $2 AND (i.provider_key = $1 OR (p.id IS NOT NULL AND p.organization_id IS NULL AND " \
    "$1 = ANY (upstream_provider_keys(p))))"

constexpr Statement k_find{"links_find", "SELECT " JANUA_LINK_COLUMNS JANUA_LINK_FROM
                                         "WHERE i.provider_id = $1::uuid AND i.subject = $2"};
constexpr Statement k_find_user{"links_find_user", "SELECT " JANUA_LINK_COLUMNS JANUA_LINK_FROM
                                                   "WHERE i.user_id = $1::uuid AND i.provider_id = $2::uuid"};
constexpr Statement k_list{"links_list", "SELECT " JANUA_LINK_COLUMNS JANUA_LINK_FROM
                                         "WHERE i.user_id = $1::uuid ORDER BY i.created_at, i.id"};
constexpr Statement k_insert{"links_insert",
                             "INSERT INTO user_identities (provider_id, subject, user_id, email, last_login_at) "
                             "VALUES ($1::uuid, $2, $3::uuid, $4, now()) RETURNING id::text"};
constexpr Statement k_touch{"links_touch",
                            "UPDATE user_identities SET last_login_at = now(), email = coalesce($2, email) WHERE id = $1::uuid"};
constexpr Statement k_delete{"links_delete", "DELETE FROM user_identities WHERE id = $1::uuid"};
constexpr Statement k_find_id{"links_find_id", "SELECT " JANUA_LINK_COLUMNS JANUA_LINK_FROM "WHERE i.id = $1::uuid"};
// A social provider matches an imported row by the names other systems give it; an enterprise
// connection by its slug as the source's connection name.
constexpr Statement k_claim{
    "links_claim",
    "UPDATE user_identities i SET provider_id = p.id FROM identity_providers p "
    "WHERE p.id = $1::uuid AND i.id = (SELECT u.id FROM user_identities u WHERE u.provider_id IS NULL AND u.subject = $2 "
    "AND ((p.organization_id IS NULL AND u.provider_key = ANY (upstream_provider_keys(p))) OR "
    "(NOT u.is_social AND u.connection = p.slug)) ORDER BY u.created_at LIMIT 1) "
    "AND NOT EXISTS (SELECT 1 FROM user_identities o WHERE o.user_id = i.user_id AND o.provider_id = p.id) "
    "RETURNING i.id::text"};
constexpr Statement k_owner{"links_owner", JANUA_HELD_BY_KEY " LIMIT 1"};
constexpr Statement k_insert_imported{
    "links_insert_imported",
    "INSERT INTO user_identities (provider_key, connection, subject, user_id, email, is_social, profile, source) "
    "SELECT $1, $3, $2, $4::uuid, CASE WHEN jsonb_typeof($6::jsonb->'email') = 'string' THEN $6::jsonb->>'email' END, $5, "
    "$6::jsonb, $7 WHERE NOT EXISTS (" JANUA_HELD_BY_KEY ") ON CONFLICT DO NOTHING"};

LinkedAccount from_row(const pqxx::row& r) {
    LinkedAccount a;
    a.id = r[0].as<std::string>();
    a.provider_id = db::optional_field<std::string>(r[1]);
    a.provider_slug = r[2].as<std::string>();
    a.provider_name = r[3].as<std::string>();
    a.organization_id = db::optional_field<std::string>(r[4]);
    a.subject = r[5].as<std::string>();
    a.user_id = r[6].as<std::string>();
    a.email = db::optional_field<std::string>(r[7]);
    a.created_at = db::timestamp(r[8]);
    a.last_login_at = db::timestamp(r[9]);
    a.connection = db::optional_field<std::string>(r[10]);
    a.source = r[11].as<std::string>();
    return a;
}

std::optional<LinkedAccount> first(const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

nlohmann::json nullable(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json to_json(const LinkedAccount& a) {
    return {{"id", a.id},
            {"provider", a.provider_slug},
            {"provider_name", a.provider_name},
            {"provider_id", nullable(a.provider_id)},
            {"organization_id", nullable(a.organization_id)},
            {"subject", a.subject},
            {"email", nullable(a.email)},
            {"source", a.source},
            {"created_at", a.created_at},
            {"last_login_at", a.last_login_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.last_login_at)}};
}

std::optional<LinkedAccount> find(db::Transaction& tx, const std::string& provider_id, const std::string& subject) {
    return first(tx.exec(k_find, provider_id, subject));
}

std::optional<LinkedAccount> find_or_claim(db::Transaction& tx, const std::string& provider_id, const std::string& subject) {
    if (auto bound = find(tx, provider_id, subject)) return bound;
    auto claimed = tx.exec(k_claim, provider_id, subject);
    if (claimed.empty()) return std::nullopt;
    auto account = first(tx.exec(k_find_id, claimed[0][0].as<std::string>()));
    if (account) account->claimed = true;
    return account;
}

std::optional<LinkedAccount> find_for_user(db::Transaction& tx, const std::string& user_id, const std::string& provider_id) {
    return first(tx.exec(k_find_user, user_id, provider_id));
}

std::vector<LinkedAccount> list_for_user(db::Transaction& tx, const std::string& user_id) {
    std::vector<LinkedAccount> out;
    for (const auto& row : tx.exec(k_list, user_id)) out.push_back(from_row(row));
    return out;
}

LinkedAccount insert(db::Transaction& tx, const std::string& provider_id, const std::string& subject,
                     const std::string& user_id, const std::optional<std::string>& email) {
    const auto id = tx.exec(k_insert, provider_id, subject, user_id, email)[0][0].as<std::string>();
    return *first(tx.exec(k_find_id, id));
}

void touch_login(db::Transaction& tx, const std::string& id, const std::optional<std::string>& email) {
    tx.exec(k_touch, id, email);
}

bool remove(db::Transaction& tx, const std::string& id) {
    return tx.exec(k_delete, id).affected_rows() > 0;
}

std::optional<std::string> owner_of(db::Transaction& tx, const std::string& provider_key, const std::string& subject) {
    auto rows = tx.exec(k_owner, provider_key, subject);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

bool insert_imported(db::Transaction& tx, const std::string& user_id, const ImportedLink& link) {
    return tx.exec(k_insert_imported, link.provider_key, link.subject, link.connection, user_id, link.is_social,
                   link.profile.dump(), link.source)
               .affected_rows() == 1;
}

}  // namespace janua::federation::linked_accounts
