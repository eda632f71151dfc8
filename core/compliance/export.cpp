// The export of everything held on one person (GDPR art. 15 and 20): one JSON document with a
// section per category, built from one REPEATABLE READ snapshot. Secrets never appear: no
// password hash, TOTP secret, backup-code, token or key hashes, no passkey public keys.
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

#include <cctype>
#include <utility>

namespace janua::compliance {
namespace {

// Each statement returns one JSON text: an object, or an array ('[]' when empty).
#define JSON_ARRAY(inner) "SELECT coalesce(json_agg(x), '[]'::json)::text FROM (" inner ") x"

constexpr db::Statement k_profile{
    "export_profile",
    "SELECT row_to_json(x)::text FROM (SELECT id, email, username, first_name, last_name, display_name, avatar_url, "
    "phone, status, email_verified, email_verified_at, is_platform_admin, mfa_enabled, metadata, locale, timezone, "
    "failed_login_attempts, last_failed_login_at, locked_until, last_login_at, password_changed_at, created_at, "
    "updated_at FROM users WHERE id = $1) x"};
constexpr db::Statement k_identities{
    "export_identities",
    JSON_ARRAY("SELECT 'password' AS type, NULL::uuid AS organization_id, NULL::text AS external_id, "
               "password_algorithm AS algorithm, password_changed_at AS updated_at, NULL::jsonb AS attributes, "
               "NULL::boolean AS active FROM users WHERE id = $1 AND password_hash IS NOT NULL "
               "UNION ALL SELECT 'scim', organization_id, external_id, NULL, updated_at, attributes, active "
               "FROM scim_users WHERE user_id = $1")};
// Accounts at upstream providers: linked at sign-in or carried over by an import. Tokens are never
// kept; the profile the source sent is shown without anything named like a credential.
constexpr db::Statement k_linked{
    "export_linked_accounts",
    JSON_ARRAY("SELECT i.id, coalesce(p.slug, i.provider_key) AS provider, p.display_name AS provider_name, "
               "p.organization_id, i.connection, i.subject, i.email, i.source, i.is_social, i.created_at AS linked_at, "
               "i.last_login_at, i.profile FROM user_identities i LEFT JOIN identity_providers p ON p.id = i.provider_id "
               "WHERE i.user_id = $1 ORDER BY i.created_at, i.id")};
// Where the data came from when not from the person (art. 15(1)(g)): the systems it was imported from.
constexpr db::Statement k_sources{
    "export_sources",
    JSON_ARRAY("SELECT source, external_id, created_at AS imported_at FROM user_external_ids WHERE user_id = $1 "
               "ORDER BY created_at")};
constexpr db::Statement k_sessions{
    "export_sessions",
    JSON_ARRAY("SELECT id, organization_id, client_id, user_agent, ip_address, amr, auth_time, created_at, "
               "last_used_at, expires_at, revoked_at, revoked_reason, dpop_jkt IS NOT NULL AS dpop_bound "
               "FROM sessions WHERE user_id = $1 ORDER BY created_at")};
constexpr db::Statement k_memberships{
    "export_memberships",
    JSON_ARRAY("SELECT m.organization_id, o.slug AS organization_slug, o.name AS organization_name, "
               "(o.owner_id = m.user_id) AS is_recorded_owner, r.name AS role, m.created_at AS joined_at, "
               "m.updated_at FROM memberships m JOIN organizations o ON o.id = m.organization_id "
               "JOIN roles r ON r.id = m.role_id WHERE m.user_id = $1 ORDER BY m.created_at")};
constexpr db::Statement k_roles{
    "export_roles",
    JSON_ARRAY("SELECT r.id, r.name, r.organization_id AS defined_by_organization_id, m.organization_id, "
               "r.is_system, r.permissions FROM memberships m JOIN roles r ON r.id = m.role_id "
               "WHERE m.user_id = $1 ORDER BY m.created_at")};
constexpr db::Statement k_policies{
    "export_policies",
    JSON_ARRAY("SELECT p.id, p.name, p.organization_id, p.effect, p.actions, p.resources FROM policy_subjects s "
               "JOIN policies p ON p.id = s.policy_id WHERE s.user_id = $1 ORDER BY p.created_at")};
constexpr db::Statement k_consents{
    "export_consents",
    JSON_ARRAY("SELECT id, purpose, version, status, source, ip_address, user_agent, given_at, withdrawn_at, "
               "withdrawn_source FROM consent_records WHERE user_id = $1 ORDER BY given_at")};
constexpr db::Statement k_oauth_consents{
    "export_oauth_consents",
    JSON_ARRAY("SELECT c.client_id, k.name AS client_name, c.scopes, c.granted_at FROM oauth_consents c "
               "LEFT JOIN oauth_clients k ON k.client_id = c.client_id WHERE c.user_id = $1 ORDER BY c.granted_at")};
constexpr db::Statement k_privacy{
    "export_privacy",
    "SELECT coalesce((SELECT row_to_json(x) FROM (SELECT marketing_emails, analytics, third_party_sharing, "
    "profile_visibility, updated_at FROM privacy_settings WHERE user_id = $1) x), 'null'::json)::text"};
constexpr db::Statement k_mfa{
    "export_mfa",
    "SELECT json_build_object('enabled', u.mfa_enabled, 'totp', (SELECT json_build_object('enrolled_at', t.created_at, "
    "'confirmed_at', t.confirmed_at) FROM mfa_totp t WHERE t.user_id = u.id), 'backup_codes', json_build_object("
    "'total', (SELECT count(*) FROM mfa_backup_codes b WHERE b.user_id = u.id), 'unused', (SELECT count(*) FROM "
    "mfa_backup_codes b WHERE b.user_id = u.id AND b.used_at IS NULL)))::text FROM users u WHERE u.id = $1"};
constexpr db::Statement k_passkeys{
    "export_passkeys",
    JSON_ARRAY("SELECT id, name, encode(credential_id, 'base64') AS credential_id, algorithm, transports, "
               "encode(aaguid, 'hex') AS aaguid, attestation_format, user_verified, backup_eligible, backup_state, "
               "sign_count, flagged_at, flagged_reason, created_at, last_used_at FROM webauthn_credentials "
               "WHERE user_id = $1 ORDER BY created_at")};
constexpr db::Statement k_api_keys{
    "export_api_keys",
    JSON_ARRAY("SELECT id, name, prefix, organization_id, permissions, expires_at, last_used_at, revoked_at, "
               "created_at, updated_at FROM api_keys WHERE user_id = $1 ORDER BY created_at")};
constexpr db::Statement k_links{
    "export_links",
    JSON_ARRAY("SELECT purpose, created_at, expires_at, used_at FROM user_tokens WHERE user_id = $1 ORDER BY created_at")};
constexpr db::Statement k_invitations{
    "export_invitations",
    JSON_ARRAY("SELECT i.id, i.organization_id, o.slug AS organization_slug, i.email, r.name AS role, i.status, "
               "i.expires_at, i.accepted_at, i.created_at FROM invitations i JOIN organizations o ON "
               "o.id = i.organization_id JOIN roles r ON r.id = i.role_id WHERE lower(i.email) = "
               "(SELECT lower(email) FROM users WHERE id = $1) OR i.accepted_by = $1 ORDER BY i.created_at")};
constexpr db::Statement k_requests{
    "export_requests",
    JSON_ARRAY("SELECT id, type, regulation, status, details, resolution, received_at, deadline_at, closed_at "
               "FROM data_subject_requests WHERE user_id = $1 ORDER BY received_at")};
constexpr db::Statement k_audit{
    "export_audit",
    JSON_ARRAY("SELECT seq, id, occurred_at, action, outcome, actor_type, actor_id, organization_id, target_type, "
               "target_id, ip_address, user_agent, request_id, details FROM audit_events "
               "WHERE (actor_id = $1::text OR target_id = $1::text) AND hash IS NOT NULL ORDER BY seq")};

nlohmann::json fetch(db::Transaction& tx, const db::Statement& statement, const std::string& user_id) {
    return nlohmann::json::parse(tx.exec(statement, user_id)[0][0].as<std::string>());
}

// Drop members named like credentials (access_token, refresh_token, id_token, secret...) at any depth.
void strip_credentials(nlohmann::json& value) {
    if (value.is_array())
        for (auto& item : value) strip_credentials(item);
    if (!value.is_object()) return;
    for (auto it = value.begin(); it != value.end();) {
        std::string key = it.key();
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key.find("token") != std::string::npos || key.find("secret") != std::string::npos ||
            key.find("password") != std::string::npos) {
            it = value.erase(it);
            continue;
        }
        strip_credentials(it.value());
        ++it;
    }
}

// Flatten `value` into CSV rows under `category` and `record` (a JSON-pointer-like path).
void flatten(std::string& out, const std::string& category, const std::string& record, const std::string& field,
             const nlohmann::json& value);

std::string csv_cell(const std::string& text) {
    std::string cell = text;
    // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' ||
                          cell[0] == '\r'))
        cell = "'" + cell;
    if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void flatten(std::string& out, const std::string& category, const std::string& record, const std::string& field,
             const nlohmann::json& value) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, item] : value.items())
            flatten(out, category, record, field.empty() ? key : field + "." + key, item);
        return;
    }
    if (value.is_array() && !value.empty() && value[0].is_object()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            const auto& item = value[i];
            std::string id = item.contains("id") && item["id"].is_string() ? item["id"].get<std::string>()
                                                                           : std::to_string(i);
            flatten(out, field.empty() ? category : category + "." + field, id, "", item);
        }
        return;
    }
    std::string text = value.is_string() ? value.get<std::string>()
                       : value.is_null() ? std::string()
                                         : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += csv_cell(category) + "," + csv_cell(record) + "," + csv_cell(field) + "," + csv_cell(text) + "\r\n";
}

}  // namespace

Result<nlohmann::json> ComplianceService::export_user(const std::string& key, const identity::Actor& actor) {
    return db::atomically<nlohmann::json>(m_pool, [&](db::Transaction& tx) -> Result<nlohmann::json> {
        // One snapshot for every section; the audit row of this export is the only write.
        tx.exec_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        auto user_id = detail::find_user(tx, key);
        if (!user_id) return detail::user_not_found(key);
        const std::string& id = *user_id;
        nlohmann::json doc = nlohmann::json::object();
        doc["format"] = "janua.personal-data-export";
        doc["version"] = 1;
        doc["exported_at"] = tx.exec_sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")[0][0]
                                 .as<std::string>();
        doc["user_id"] = id;
        doc["profile"] = fetch(tx, k_profile, id);
        doc["identities"] = fetch(tx, k_identities, id);
        doc["linked_accounts"] = fetch(tx, k_linked, id);
        strip_credentials(doc["linked_accounts"]);
        doc["sources"] = fetch(tx, k_sources, id);
        doc["sessions"] = fetch(tx, k_sessions, id);
        doc["memberships"] = fetch(tx, k_memberships, id);
        doc["roles"] = fetch(tx, k_roles, id);
        doc["policies"] = fetch(tx, k_policies, id);
        doc["consents"] = fetch(tx, k_consents, id);
        doc["oauth_consents"] = fetch(tx, k_oauth_consents, id);
        doc["privacy_settings"] = fetch(tx, k_privacy, id);
        doc["mfa"] = fetch(tx, k_mfa, id);
        doc["passkeys"] = fetch(tx, k_passkeys, id);
        doc["api_keys"] = fetch(tx, k_api_keys, id);
        doc["email_links"] = fetch(tx, k_links, id);
        doc["invitations"] = fetch(tx, k_invitations, id);
        doc["data_subject_requests"] = fetch(tx, k_requests, id);
        doc["audit_events"] = fetch(tx, k_audit, id);
        detail::record(tx, actor, "compliance.export", "user", id,
                       {{"scope", "user"}, {"audit_events", doc["audit_events"].size()}});
        return doc;
    });
}

std::string ComplianceService::export_csv(const nlohmann::json& document) {
    std::string out = "category,record,field,value\r\n";
    for (const auto& [section, value] : document.items()) {
        if (value.is_object() || (value.is_array() && !value.empty())) {
            if (value.is_array() && !value[0].is_object()) flatten(out, "export", "", section, value);
            else if (value.is_array()) flatten(out, section, "", "", value);
            else flatten(out, section, document.value("user_id", ""), "", value);
        } else {
            flatten(out, "export", "", section, value);
        }
    }
    return out;
}

}  // namespace janua::compliance
