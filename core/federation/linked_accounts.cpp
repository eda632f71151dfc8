#include "core/federation/linked_accounts.hpp"

namespace janua::federation::linked_accounts {
namespace {

using db::Statement;

#define JANUA_LINK_COLUMNS                                                                                           \
    "i.id::text, i.provider_id::text, p.slug, p.display_name, p.organization_id::text, i.subject, i.user_id::text, " \
    "i.email, i.created_at, i.last_login_at"
#define JANUA_LINK_FROM " FROM user_identities i JOIN identity_providers p ON p.id = i.provider_id "

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

LinkedAccount from_row(const pqxx::row& r) {
    LinkedAccount a;
    a.id = r[0].as<std::string>();
    a.provider_id = r[1].as<std::string>();
    a.provider_slug = r[2].as<std::string>();
    a.provider_name = r[3].as<std::string>();
    a.organization_id = db::optional_field<std::string>(r[4]);
    a.subject = r[5].as<std::string>();
    a.user_id = r[6].as<std::string>();
    a.email = db::optional_field<std::string>(r[7]);
    a.created_at = db::timestamp(r[8]);
    a.last_login_at = db::timestamp(r[9]);
    return a;
}

std::optional<LinkedAccount> first(const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

}  // namespace

nlohmann::json to_json(const LinkedAccount& a) {
    return {{"id", a.id},
            {"provider", a.provider_slug},
            {"provider_name", a.provider_name},
            {"provider_id", a.provider_id},
            {"organization_id", a.organization_id ? nlohmann::json(*a.organization_id) : nlohmann::json(nullptr)},
            {"subject", a.subject},
            {"email", a.email ? nlohmann::json(*a.email) : nlohmann::json(nullptr)},
            {"created_at", a.created_at},
            {"last_login_at", a.last_login_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.last_login_at)}};
}

std::optional<LinkedAccount> find(db::Transaction& tx, const std::string& provider_id, const std::string& subject) {
    return first(tx.exec(k_find, provider_id, subject));
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

}  // namespace janua::federation::linked_accounts
