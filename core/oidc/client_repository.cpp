#include "core/oidc/client_repository.hpp"

#include "core/common/page_cursor.hpp"
#include "core/crypto/encoding.hpp"

#include <algorithm>

namespace janua::oidc::clients {
namespace {

using db::Statement;

#define JANUA_CLIENT_COLUMNS                                                                                      \
    "id, client_id, name, organization_id, is_public, secret_hash, previous_secret_hash, "                       \
    "previous_secret_expires_at, token_endpoint_auth_method, array_to_json(redirect_uris)::text, "                \
    "array_to_json(post_logout_redirect_uris)::text, array_to_json(grant_types)::text, "                          \
    "array_to_json(response_types)::text, array_to_json(scopes)::text, jwks::text, jwks_uri, "                    \
    "access_token_ttl_seconds, refresh_token_ttl_seconds, require_consent, enabled, created_by, created_at, "     \
    "updated_at, (previous_secret_expires_at IS NOT NULL AND previous_secret_expires_at > now()), "            \
    "require_pushed_authorization_requests"

// Lists travel as JSON arrays of strings and become text[] in their original order.
#define JANUA_TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"

constexpr Statement k_find{"oauth_clients_find", "SELECT " JANUA_CLIENT_COLUMNS " FROM oauth_clients WHERE client_id = $1"};
constexpr Statement k_lock{"oauth_clients_lock",
                           "SELECT " JANUA_CLIENT_COLUMNS " FROM oauth_clients WHERE client_id = $1 FOR UPDATE"};
constexpr Statement k_insert{
    "oauth_clients_insert",
    "INSERT INTO oauth_clients (client_id, name, is_public, secret_hash, token_endpoint_auth_method, redirect_uris, "
    "post_logout_redirect_uris, grant_types, response_types, scopes, jwks, jwks_uri, access_token_ttl_seconds, "
    "refresh_token_ttl_seconds, require_consent, enabled, created_by, require_pushed_authorization_requests, "
    "organization_id) "
    "VALUES ($1, $2, $3, $4, $5, " JANUA_TEXT_ARRAY("$6") ", " JANUA_TEXT_ARRAY("$7") ", " JANUA_TEXT_ARRAY("$8") ", "
    JANUA_TEXT_ARRAY("$9") ", " JANUA_TEXT_ARRAY("$10") ", $11::jsonb, $12, $13, $14, $15, $16, $17::uuid, $18, $19::uuid) "
    "ON CONFLICT (client_id) DO NOTHING RETURNING " JANUA_CLIENT_COLUMNS};
constexpr Statement k_update{
    "oauth_clients_update",
    "UPDATE oauth_clients SET name = $2, token_endpoint_auth_method = $3, redirect_uris = " JANUA_TEXT_ARRAY("$4") ", "
    "post_logout_redirect_uris = " JANUA_TEXT_ARRAY("$5") ", grant_types = " JANUA_TEXT_ARRAY("$6") ", "
    "response_types = " JANUA_TEXT_ARRAY("$7") ", scopes = " JANUA_TEXT_ARRAY("$8") ", jwks = $9::jsonb, "
    "jwks_uri = $10, access_token_ttl_seconds = $11, refresh_token_ttl_seconds = $12, require_consent = $13, "
    "enabled = $14, require_pushed_authorization_requests = $15, updated_at = now() WHERE client_id = $1 RETURNING " JANUA_CLIENT_COLUMNS};
// The right-hand sides see the row as it was, so the old current secret becomes the previous one.
constexpr Statement k_replace_secret{
    "oauth_clients_replace_secret",
    "UPDATE oauth_clients SET "
    "previous_secret_hash = CASE WHEN $3::integer > 0 THEN secret_hash END, "
    "previous_secret_expires_at = CASE WHEN $3::integer > 0 AND secret_hash IS NOT NULL "
    "  THEN now() + make_interval(secs => $3::integer) END, "
    "secret_hash = $2, updated_at = now() WHERE client_id = $1 RETURNING " JANUA_CLIENT_COLUMNS};
constexpr Statement k_delete{"oauth_clients_delete", "DELETE FROM oauth_clients WHERE client_id = $1"};
constexpr Statement k_list{
    "oauth_clients_list",
    "SELECT " JANUA_CLIENT_COLUMNS " FROM oauth_clients WHERE "
    "($1::text IS NULL OR client_id ILIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%') "
    "AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid)) "
    "ORDER BY created_at, id LIMIT $4"};

std::vector<std::string> text_array(const pqxx::field& field) {
    return nlohmann::json::parse(field.as<std::string>()).get<std::vector<std::string>>();
}

OAuthClient from_row(const pqxx::row& r) {
    OAuthClient c;
    c.id = r[0].as<std::string>();
    c.client_id = r[1].as<std::string>();
    c.name = r[2].as<std::string>();
    c.organization_id = db::optional_field<std::string>(r[3]);
    c.is_public = r[4].as<bool>();
    c.secret_hash = db::optional_field<std::string>(r[5]);
    c.previous_secret_hash = db::optional_field<std::string>(r[6]);
    c.previous_secret_expires_at = db::timestamp(r[7]);
    c.token_endpoint_auth_method = r[8].as<std::string>();
    c.redirect_uris = text_array(r[9]);
    c.post_logout_redirect_uris = text_array(r[10]);
    c.grant_types = text_array(r[11]);
    c.response_types = text_array(r[12]);
    c.scopes = text_array(r[13]);
    c.jwks = r[14].is_null() ? nlohmann::json(nullptr) : nlohmann::json::parse(r[14].as<std::string>());
    c.jwks_uri = db::optional_field<std::string>(r[15]);
    c.access_token_ttl_seconds = db::optional_field<int>(r[16]);
    c.refresh_token_ttl_seconds = db::optional_field<int>(r[17]);
    c.require_consent = r[18].as<bool>();
    c.enabled = r[19].as<bool>();
    c.created_by = db::optional_field<std::string>(r[20]);
    c.created_at = db::timestamp(r[21]);
    c.updated_at = db::timestamp(r[22]);
    c.require_pushed_authorization_requests = r[24].as<bool>();
    return c;
}

std::optional<OAuthClient> first(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return from_row(result[0]);
}

std::string json_list(const std::vector<std::string>& list) { return nlohmann::json(list).dump(); }

std::optional<std::string> jwks_text(const nlohmann::json& jwks) {
    if (jwks.is_null()) return std::nullopt;
    return jwks.dump();
}


}  // namespace

std::optional<OAuthClient> find(db::Transaction& tx, const std::string& client_id) {
    return first(tx.exec(k_find, client_id));
}

std::optional<OAuthClient> lock(db::Transaction& tx, const std::string& client_id) {
    return first(tx.exec(k_lock, client_id));
}

std::optional<SecretState> find_secret_state(db::Transaction& tx, const std::string& client_id) {
    auto rows = tx.exec(k_find, client_id);
    if (rows.empty()) return std::nullopt;
    return SecretState{from_row(rows[0]), rows[0][23].as<bool>()};
}

Result<OAuthClient> insert(db::Transaction& tx, const ClientSpec& spec, const std::optional<std::string>& secret_hash,
                           const std::optional<std::string>& created_by) {
    const std::string client_id = spec.client_id.value_or("");
    auto inserted = first(tx.exec(k_insert, client_id, spec.name, spec.is_public, secret_hash,
                                  spec.token_endpoint_auth_method, json_list(spec.redirect_uris),
                                  json_list(spec.post_logout_redirect_uris), json_list(spec.grant_types),
                                  json_list(spec.response_types.value_or(std::vector<std::string>{})),
                                  json_list(spec.scopes), jwks_text(spec.jwks), spec.jwks_uri,
                                  spec.access_token_ttl_seconds, spec.refresh_token_ttl_seconds, spec.require_consent,
                                  spec.enabled, created_by, spec.require_pushed_authorization_requests,
                                  spec.organization_id));
    if (!inserted) return make_error(ErrorCode::conflict, "a client with client_id '" + client_id + "' already exists");
    return *inserted;
}

std::optional<OAuthClient> update(db::Transaction& tx, const std::string& client_id, const ClientSpec& spec) {
    return first(tx.exec(k_update, client_id, spec.name, spec.token_endpoint_auth_method, json_list(spec.redirect_uris),
                         json_list(spec.post_logout_redirect_uris), json_list(spec.grant_types),
                         json_list(spec.response_types.value_or(std::vector<std::string>{})), json_list(spec.scopes),
                         jwks_text(spec.jwks), spec.jwks_uri, spec.access_token_ttl_seconds,
                         spec.refresh_token_ttl_seconds, spec.require_consent, spec.enabled,
                         spec.require_pushed_authorization_requests));
}

std::optional<OAuthClient> replace_secret(db::Transaction& tx, const std::string& client_id,
                                          const std::string& secret_hash, int grace_seconds) {
    return first(tx.exec(k_replace_secret, client_id, secret_hash, grace_seconds));
}

bool remove(db::Transaction& tx, const std::string& client_id) { return tx.exec(k_delete, client_id).affected_rows() > 0; }

Result<ClientPage> list(db::Transaction& tx, const ListFilter& filter) {
    auto position = paging::decode_cursor(filter.cursor);
    if (!position) return position.error();
    const std::optional<std::string> after_time = position->created_at, after_id = position->id;
    const int limit = std::clamp(filter.limit, 1, 200);
    auto rows = tx.exec(k_list, filter.query, after_time, after_id, limit + 1);
    ClientPage page;
    for (const auto& row : rows) {
        if (static_cast<int>(page.clients.size()) == limit) {
            const auto& last = page.clients.back();
            page.next_cursor = paging::encode_cursor(last.created_at, last.id);
            break;
        }
        page.clients.push_back(from_row(row));
    }
    return page;
}

}  // namespace janua::oidc::clients
