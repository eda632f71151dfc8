#include "core/federation/upstream_tokens.hpp"

namespace janua::federation::upstream_tokens {
namespace {

using db::Statement;

#define JANUA_UPSTREAM_TOKEN_COLUMNS                                                                              \
    "t.identity_id::text, t.user_id::text, p.id::text, p.slug, p.display_name, t.access_token_encrypted, "     \
    "t.refresh_token_encrypted, t.token_type, array_to_json(t.scopes)::text, t.expires_at, "                    \
    "(t.expires_at IS NOT NULL AND t.expires_at <= now() + interval '30 seconds'), t.created_at, t.updated_at, " \
    "t.last_used_at"
#define JANUA_UPSTREAM_TOKEN_FROM                                                          \
    " FROM upstream_tokens t JOIN user_identities i ON i.id = t.identity_id "              \
    "JOIN identity_providers p ON p.id = i.provider_id "

constexpr Statement k_put{
    "upstream_tokens_put",
    "INSERT INTO upstream_tokens (identity_id, user_id, access_token_encrypted, refresh_token_encrypted, token_type, "
    "scopes, expires_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, "
    "ARRAY(SELECT v FROM jsonb_array_elements_text($6::jsonb) WITH ORDINALITY AS s(v, i) ORDER BY i), "
    "CASE WHEN $7::bigint IS NULL THEN NULL ELSE now() + make_interval(secs => $7::bigint) END) "
    "ON CONFLICT (identity_id) DO UPDATE SET access_token_encrypted = EXCLUDED.access_token_encrypted, "
    "refresh_token_encrypted = coalesce(EXCLUDED.refresh_token_encrypted, upstream_tokens.refresh_token_encrypted), "
    "token_type = EXCLUDED.token_type, scopes = EXCLUDED.scopes, expires_at = EXCLUDED.expires_at, updated_at = now()"};
constexpr Statement k_list{"upstream_tokens_list", "SELECT " JANUA_UPSTREAM_TOKEN_COLUMNS JANUA_UPSTREAM_TOKEN_FROM
                                                   "WHERE t.user_id = $1::uuid ORDER BY p.slug"};
constexpr Statement k_lock{"upstream_tokens_lock", "SELECT " JANUA_UPSTREAM_TOKEN_COLUMNS JANUA_UPSTREAM_TOKEN_FROM
                                                   "WHERE t.user_id = $1::uuid AND p.organization_id IS NULL AND p.slug = $2 "
                                                   "FOR UPDATE OF t"};
constexpr Statement k_used{"upstream_tokens_used", "UPDATE upstream_tokens SET last_used_at = now() WHERE identity_id = $1::uuid"};
constexpr Statement k_delete_for_provider{
    "upstream_tokens_delete_for_provider",
    "DELETE FROM upstream_tokens t USING user_identities i WHERE i.id = t.identity_id AND i.provider_id = $1::uuid"};
constexpr Statement k_delete{"upstream_tokens_delete", "DELETE FROM upstream_tokens WHERE identity_id = $1::uuid"};

StoredToken from_row(const pqxx::row& r) {
    StoredToken t;
    t.identity_id = r[0].as<std::string>();
    t.user_id = r[1].as<std::string>();
    t.provider_id = r[2].as<std::string>();
    t.provider_slug = r[3].as<std::string>();
    t.provider_name = r[4].as<std::string>();
    t.access_token_encrypted = r[5].as<std::string>();
    t.refresh_token_encrypted = db::optional_field<std::string>(r[6]);
    t.token_type = r[7].as<std::string>();
    t.scopes = nlohmann::json::parse(r[8].as<std::string>()).get<std::vector<std::string>>();
    if (!r[9].is_null()) t.expires_at = db::timestamp(r[9]);
    t.expired = r[10].as<bool>();
    t.created_at = db::timestamp(r[11]);
    t.updated_at = db::timestamp(r[12]);
    if (!r[13].is_null()) t.last_used_at = db::timestamp(r[13]);
    return t;
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const StoredToken& t) {
    return {{"provider", t.provider_slug},
            {"provider_name", t.provider_name},
            {"scopes", t.scopes},
            {"token_type", t.token_type},
            {"expires_at", optional_json(t.expires_at)},
            {"expired", t.expired},
            {"refreshable", t.refresh_token_encrypted.has_value()},
            {"stored_at", t.updated_at},
            {"last_used_at", optional_json(t.last_used_at)}};
}

void put(db::Transaction& tx, const crypto::FernetKeyring& cipher, const std::string& identity_id,
         const std::string& user_id, const UpstreamGrant& grant) {
    std::optional<std::string> refresh;
    if (grant.refresh_token) refresh = cipher.encrypt(*grant.refresh_token);
    tx.exec(k_put, identity_id, user_id, cipher.encrypt(grant.access_token), refresh, grant.token_type,
            nlohmann::json(grant.scopes).dump(), grant.expires_in);
}

std::vector<StoredToken> list_for_user(db::Transaction& tx, const std::string& user_id) {
    std::vector<StoredToken> out;
    for (const auto& row : tx.exec(k_list, user_id)) out.push_back(from_row(row));
    return out;
}

std::optional<StoredToken> lock_for_user(db::Transaction& tx, const std::string& user_id, const std::string& provider_slug) {
    auto rows = tx.exec(k_lock, user_id, provider_slug);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

void mark_used(db::Transaction& tx, const std::string& identity_id) { tx.exec(k_used, identity_id); }

bool remove(db::Transaction& tx, const std::string& identity_id) { return tx.exec(k_delete, identity_id).affected_rows() > 0; }

long long remove_for_provider(db::Transaction& tx, const std::string& provider_id) {
    return static_cast<long long>(tx.exec(k_delete_for_provider, provider_id).affected_rows());
}

}  // namespace janua::federation::upstream_tokens
