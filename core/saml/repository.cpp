#include "core/saml/repository.hpp"

#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"

namespace janua::saml::repo {
namespace {

using db::Statement;

#define JANUA_SAML_COLUMNS                                                                                    \
    "c.organization_id, o.slug, c.enabled, c.idp_entity_id, c.idp_sso_url, coalesce(c.idp_slo_url, ''), "     \
    "array_to_json(c.idp_certificates)::text, c.metadata_url, c.settings::text, c.sp_private_key, "            \
    "c.sp_certificate, c.created_at, c.updated_at"

constexpr Statement k_find{"saml_connection_find", "SELECT " JANUA_SAML_COLUMNS
                                                   " FROM saml_connections c JOIN organizations o ON o.id = c.organization_id "
                                                   "WHERE c.organization_id = $1"};
constexpr Statement k_list{"saml_connection_list", "SELECT " JANUA_SAML_COLUMNS
                                                   " FROM saml_connections c JOIN organizations o ON o.id = c.organization_id "
                                                   "ORDER BY o.slug LIMIT 1000"};
constexpr Statement k_by_idp{"saml_connection_by_idp",
                             "SELECT organization_id FROM saml_connections WHERE idp_entity_id = $1 AND enabled LIMIT 10"};
constexpr Statement k_by_domain{"saml_connection_by_domain",
                                "SELECT organization_id FROM saml_connections WHERE enabled AND "
                                "settings->'allowed_domains' ? $1 LIMIT 10"};
constexpr Statement k_upsert{
    "saml_connection_upsert",
    "INSERT INTO saml_connections AS c (organization_id, enabled, idp_entity_id, idp_sso_url, idp_slo_url, "
    "idp_certificates, metadata_url, settings, sp_private_key, sp_certificate, created_by) "
    "VALUES ($1, $2, $3, $4, nullif($5, ''), ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7, $8::jsonb, $9, $10, $11::uuid) "
    "ON CONFLICT (organization_id) DO UPDATE SET enabled = EXCLUDED.enabled, idp_entity_id = EXCLUDED.idp_entity_id, "
    "idp_sso_url = EXCLUDED.idp_sso_url, idp_slo_url = EXCLUDED.idp_slo_url, idp_certificates = EXCLUDED.idp_certificates, "
    "metadata_url = EXCLUDED.metadata_url, settings = EXCLUDED.settings, sp_private_key = EXCLUDED.sp_private_key, "
    "sp_certificate = EXCLUDED.sp_certificate, updated_at = now() RETURNING (xmax = 0)"};
constexpr Statement k_delete{"saml_connection_delete", "DELETE FROM saml_connections WHERE organization_id = $1"};

constexpr Statement k_any_enabled{"saml_any_enabled", "SELECT EXISTS (SELECT 1 FROM saml_connections WHERE enabled)"};
constexpr Statement k_insert_request{
    "saml_request_insert",
    "INSERT INTO saml_requests (id, organization_id, kind, relay_state, return_to, session_id, expires_at, "
    "browser_binding_hash) VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, '')::uuid, "
    "now() + make_interval(secs => $7::integer), decode(nullif($8, ''), 'hex'))"};
constexpr Statement k_lock_request{
    "saml_request_lock",
    "SELECT id, organization_id, relay_state, coalesce(return_to, ''), coalesce(session_id::text, ''), "
    "consumed_at IS NOT NULL, expires_at <= now(), browser_binding_hash FROM saml_requests "
    "WHERE id = $1 AND kind = $2 FOR UPDATE"};
constexpr Statement k_consume_request{"saml_request_consume", "UPDATE saml_requests SET consumed_at = now() WHERE id = $1"};
constexpr Statement k_consume_assertion{
    "saml_assertion_consume",
    "INSERT INTO saml_consumed_assertions (organization_id, assertion_id, expires_at) "
    "VALUES ($1, $2, to_timestamp($3::bigint)) ON CONFLICT DO NOTHING RETURNING 1"};
constexpr Statement k_purge_requests{"saml_request_purge",
                                     "DELETE FROM saml_requests WHERE expires_at < now() - interval '1 hour'"};
constexpr Statement k_purge_assertions{"saml_assertion_purge",
                                       "DELETE FROM saml_consumed_assertions WHERE expires_at < now() - interval '1 hour'"};

constexpr Statement k_subject{"saml_identity_find",
                              "SELECT user_id FROM saml_identities WHERE organization_id = $1 AND name_id = $2"};
constexpr Statement k_link{"saml_identity_link",
                           "INSERT INTO saml_identities (organization_id, name_id, user_id) VALUES ($1, $2, $3) "
                           "ON CONFLICT (organization_id, name_id) DO UPDATE SET last_login_at = now()"};
constexpr Statement k_member_role{"saml_member_role",
                                  "SELECT r.name FROM memberships m JOIN roles r ON r.id = m.role_id "
                                  "WHERE m.organization_id = $1 AND m.user_id = $2"};
constexpr Statement k_role_exists{"saml_role_exists",
                                  "SELECT count(*) FROM roles WHERE name = $2 AND (organization_id IS NULL OR organization_id = $1)"};
constexpr Statement k_add_member{
    "saml_add_member",
    "INSERT INTO memberships (organization_id, user_id, role_id) SELECT $1, $2, r.id FROM roles r WHERE r.name = $3 "
    "AND (r.organization_id IS NULL OR r.organization_id = $1) ORDER BY r.organization_id NULLS FIRST LIMIT 1 "
    "ON CONFLICT DO NOTHING"};
constexpr Statement k_set_role{
    "saml_set_member_role",
    "UPDATE memberships SET role_id = (SELECT r.id FROM roles r WHERE r.name = $3 AND (r.organization_id IS NULL OR "
    "r.organization_id = $1) ORDER BY r.organization_id NULLS FIRST LIMIT 1), updated_at = now() "
    "WHERE organization_id = $1 AND user_id = $2"};

constexpr Statement k_insert_session{
    "saml_session_insert",
    "INSERT INTO saml_sessions (session_id, organization_id, name_id, name_id_format, session_index) VALUES ($1, $2, $3, $4, $5)"};
constexpr Statement k_find_session{
    "saml_session_find",
    "SELECT s.session_id, x.user_id, s.organization_id, s.name_id, s.name_id_format, s.session_index "
    "FROM saml_sessions s JOIN sessions x ON x.id = s.session_id WHERE s.session_id = $1"};
constexpr Statement k_subject_sessions{
    "saml_session_subject",
    "SELECT s.session_id, x.user_id, s.organization_id, s.name_id, s.name_id_format, s.session_index "
    "FROM saml_sessions s JOIN sessions x ON x.id = s.session_id WHERE s.organization_id = $1 AND s.name_id = $2 "
    "AND ($3 = '' OR s.session_index = $3) AND x.revoked_at IS NULL"};

Connection from_row(const pqxx::row& r, const crypto::FernetKeyring& cipher) {
    Connection c;
    c.organization_id = r[0].as<std::string>();
    c.organization_slug = r[1].as<std::string>();
    c.enabled = r[2].as<bool>();
    c.idp_entity_id = r[3].as<std::string>();
    c.idp_sso_url = r[4].as<std::string>();
    c.idp_slo_url = r[5].as<std::string>();
    c.idp_certificates = nlohmann::json::parse(r[6].as<std::string>()).get<std::vector<std::string>>();
    c.metadata_url = db::optional_field<std::string>(r[7]);
    (void)apply_settings(nlohmann::json::parse(r[8].as<std::string>()), c.settings);
    auto key = cipher.decrypt(r[9].as<std::string>());
    if (!key) throw std::runtime_error("the SAML SP key of an organization cannot be decrypted (FIELD_ENCRYPTION_KEY changed?)");
    c.sp_private_key = *key;
    c.sp_certificate = r[10].as<std::string>();
    c.created_at = db::timestamp(r[11]);
    c.updated_at = db::timestamp(r[12]);
    return c;
}

SamlSession session_row(const pqxx::row& r) {
    return SamlSession{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>()};
}

}  // namespace

std::optional<Connection> find(db::Transaction& tx, const crypto::FernetKeyring& cipher, const std::string& organization_id) {
    auto rows = tx.exec(k_find, organization_id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0], cipher);
}

std::vector<Connection> list(db::Transaction& tx, const crypto::FernetKeyring& cipher) {
    std::vector<Connection> out;
    for (const auto& row : tx.exec(k_list)) out.push_back(from_row(row, cipher));
    return out;
}

std::vector<std::string> organizations_for_idp(db::Transaction& tx, const std::string& entity_id) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec(k_by_idp, entity_id)) out.push_back(row[0].as<std::string>());
    return out;
}

std::vector<std::string> organizations_for_domain(db::Transaction& tx, const std::string& domain) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec(k_by_domain, domain)) out.push_back(row[0].as<std::string>());
    return out;
}

bool save(db::Transaction& tx, const crypto::FernetKeyring& cipher, const Connection& c, const std::optional<std::string>& actor) {
    return tx.exec(k_upsert, c.organization_id, c.enabled, c.idp_entity_id, c.idp_sso_url, c.idp_slo_url,
                   nlohmann::json(c.idp_certificates).dump(), c.metadata_url, to_json(c.settings).dump(),
                   cipher.encrypt(c.sp_private_key), c.sp_certificate, actor)[0][0]
        .as<bool>();
}

bool remove(db::Transaction& tx, const std::string& organization_id) {
    return tx.exec(k_delete, organization_id).affected_rows() > 0;
}

bool any_enabled(db::Transaction& tx) { return tx.exec(k_any_enabled)[0][0].as<bool>(); }

void insert_request(db::Transaction& tx, const std::string& id, const std::string& organization_id, const std::string& kind,
                    const std::string& relay_state, const std::string& return_to, const std::string& session_id, int ttl_seconds,
                    const std::string& browser_binding_hash) {
    tx.exec(k_insert_request, id, organization_id, kind, relay_state, return_to, session_id, ttl_seconds,
            crypto::hex_encode(browser_binding_hash));
}

std::optional<StoredRequest> lock_request(db::Transaction& tx, const std::string& id, const std::string& kind) {
    auto rows = tx.exec(k_lock_request, id, kind);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    StoredRequest out{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                      r[4].as<std::string>(), r[5].as<bool>(), r[6].as<bool>(), std::nullopt};
    if (!r[7].is_null()) out.browser_binding_hash = pqxx::binarystring(r[7]).str();
    return out;
}

void consume_request(db::Transaction& tx, const std::string& id) { tx.exec(k_consume_request, id); }

bool consume_assertion(db::Transaction& tx, const std::string& organization_id, const std::string& assertion_id,
                       std::int64_t expires_at) {
    return !tx.exec(k_consume_assertion, organization_id, assertion_id, expires_at).empty();
}

void purge_expired(db::Transaction& tx) {
    tx.exec(k_purge_requests);
    tx.exec(k_purge_assertions);
}

std::optional<std::string> user_for_subject(db::Transaction& tx, const std::string& organization_id, const std::string& name_id) {
    auto rows = tx.exec(k_subject, organization_id, name_id);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

void link_subject(db::Transaction& tx, const std::string& organization_id, const std::string& name_id, const std::string& user_id) {
    tx.exec(k_link, organization_id, name_id, user_id);
}

std::optional<std::string> member_role(db::Transaction& tx, const std::string& organization_id, const std::string& user_id) {
    auto rows = tx.exec(k_member_role, organization_id, user_id);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
}

bool role_exists(db::Transaction& tx, const std::string& organization_id, const std::string& role) {
    return tx.exec(k_role_exists, organization_id, role)[0][0].as<long long>() > 0;
}

void add_member(db::Transaction& tx, const std::string& organization_id, const std::string& user_id, const std::string& role) {
    tx.exec(k_add_member, organization_id, user_id, role);
}

void set_member_role(db::Transaction& tx, const std::string& organization_id, const std::string& user_id, const std::string& role) {
    tx.exec(k_set_role, organization_id, user_id, role);
}

void insert_session(db::Transaction& tx, const SamlSession& s) {
    tx.exec(k_insert_session, s.session_id, s.organization_id, s.name_id, s.name_id_format, s.session_index);
}

std::optional<SamlSession> find_session(db::Transaction& tx, const std::string& session_id) {
    if (!is_uuid(session_id)) return std::nullopt;
    auto rows = tx.exec(k_find_session, session_id);
    if (rows.empty()) return std::nullopt;
    return session_row(rows[0]);
}

std::vector<SamlSession> sessions_of_subject(db::Transaction& tx, const std::string& organization_id,
                                             const std::string& name_id, const std::string& session_index) {
    std::vector<SamlSession> out;
    for (const auto& row : tx.exec(k_subject_sessions, organization_id, name_id, session_index)) out.push_back(session_row(row));
    return out;
}

}  // namespace janua::saml::repo
