// The export of an organization's members, streamed: keyset pages over the membership key,
// each read in a short transaction of its own and written to the sink before the next is read,
// so memory stays flat however large the organization and no connection is held while a slow
// reader drains the stream. Members who join or leave during the export may or may not appear;
// the closing "member_count" (JSON) tells a reader the stream is complete.
#include "core/common/ids.hpp"
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

namespace janua::compliance {
namespace {

constexpr db::Statement k_org{
    "org_export_org",
    "SELECT row_to_json(x)::text FROM (SELECT id, slug, name, owner_id, metadata, created_at, updated_at "
    "FROM organizations WHERE id = $1) x"};
// What the organization holds on each member: the profile, the role it gave them, its SCIM
// link, the API keys bound to it, the accounts linked through its own SSO connections, the
// sessions opened in it, their consents and their MFA factors (kinds and dates, no secrets).
// Not their other organizations, their social logins or sessions elsewhere.
// The page of memberships is chosen first, in a materialized CTE: an index range scan of the
// membership key (organization_id, user_id) whatever plan the prepared statement settles on, so
// the 200th page of a large organization costs what the first does. Only then are the page's
// rows joined and turned into JSON.
#define PAGE_THEN_JSON(page_filter)                                                                             \
    "WITH m AS MATERIALIZED (SELECT organization_id, user_id, role_id, created_at FROM memberships "           \
    "WHERE " page_filter " ORDER BY user_id LIMIT $2) "                                                         \
    "SELECT m.user_id, json_build_object('id', u.id, 'email', u.email, 'username', u.username, "               \
    "'first_name', u.first_name, 'last_name', u.last_name, 'display_name', u.display_name, 'phone', u.phone, "  \
    "'locale', u.locale, 'timezone', u.timezone, 'status', u.status, 'email_verified', u.email_verified, "      \
    "'mfa_enabled', u.mfa_enabled, 'created_at', u.created_at, 'last_login_at', u.last_login_at, "             \
    "'role', r.name, 'permissions', r.permissions, 'joined_at', m.created_at, "                                 \
    "'scim', (SELECT json_build_object('external_id', s.external_id, 'active', s.active, 'attributes', "        \
    "s.attributes) FROM scim_users s WHERE s.organization_id = m.organization_id AND s.user_id = m.user_id), "  \
    "'api_keys', (SELECT coalesce(json_agg(json_build_object('id', k.id, 'name', k.name, 'prefix', k.prefix, "  \
    "'permissions', k.permissions, 'expires_at', k.expires_at, 'revoked_at', k.revoked_at, "                    \
    "'created_at', k.created_at)), '[]'::json) FROM api_keys k WHERE k.user_id = m.user_id AND "                \
    "k.organization_id = m.organization_id), "                                                                  \
    "'linked_accounts', (SELECT coalesce(json_agg(json_build_object('provider', p.slug, 'subject', i.subject, "  \
    "'email', i.email, 'linked_at', i.created_at) ORDER BY i.created_at), '[]'::json) FROM user_identities i "  \
    "JOIN identity_providers p ON p.id = i.provider_id WHERE i.user_id = m.user_id AND "                         \
    "p.organization_id = m.organization_id), "                                                                  \
    "'sessions', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'ip_address', x.ip_address, "          \
    "'user_agent', x.user_agent, 'amr', x.amr, 'created_at', x.created_at, 'last_used_at', x.last_used_at, "    \
    "'expires_at', x.expires_at, 'revoked_at', x.revoked_at) ORDER BY x.created_at), '[]'::json) "              \
    "FROM sessions x WHERE x.user_id = m.user_id AND x.organization_id = m.organization_id), "                   \
    "'consents', (SELECT coalesce(json_agg(json_build_object('purpose', c.purpose, 'version', c.version, "       \
    "'status', c.status, 'given_at', c.given_at, 'withdrawn_at', c.withdrawn_at) ORDER BY c.given_at), "        \
    "'[]'::json) FROM consent_records c WHERE c.user_id = m.user_id), "                                         \
    "'mfa', json_build_object('totp_enrolled_at', (SELECT t.confirmed_at FROM mfa_totp t WHERE "                 \
    "t.user_id = m.user_id), 'passkeys', (SELECT count(*) FROM webauthn_credentials w WHERE "                    \
    "w.user_id = m.user_id), 'backup_codes_unused', (SELECT count(*) FROM mfa_backup_codes b WHERE "            \
    "b.user_id = m.user_id AND b.used_at IS NULL)))::text "                                                     \
    "FROM m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id ORDER BY m.user_id"
constexpr db::Statement k_first_page{"org_export_first_page", PAGE_THEN_JSON("organization_id = $1")};
constexpr db::Statement k_next_page{"org_export_next_page",
                                    PAGE_THEN_JSON("organization_id = $1 AND user_id > $3::uuid")};

const char* k_csv_header =
    "user_id,email,username,first_name,last_name,display_name,status,email_verified,mfa_enabled,role,joined_at,"
    "created_at,last_login_at,scim_external_id,scim_active,api_keys,linked_accounts,sessions,consents,totp_enrolled_at,"
    "passkeys\r\n";

std::string cell(const nlohmann::json& v) {
    std::string text = v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                          text[0] == '\r'))
        text = "'" + text;
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string csv_row(const std::string& member_json) {
    const auto m = nlohmann::json::parse(member_json);
    const auto& scim = m["scim"];
    std::string row;
    for (const char* key : {"id", "email", "username", "first_name", "last_name", "display_name", "status",
                            "email_verified", "mfa_enabled", "role", "joined_at", "created_at", "last_login_at"})
        row += cell(m[key]) + ",";
    row += cell(scim.is_object() ? scim["external_id"] : nlohmann::json()) + ",";
    row += cell(scim.is_object() ? scim["active"] : nlohmann::json()) + ",";
    row += cell(m["api_keys"].size()) + ",";
    // Lists in one cell, space-separated: provider:subject and purpose@version (status).
    std::string linked, consents;
    for (const auto& a : m["linked_accounts"])
        linked += (linked.empty() ? "" : " ") + a["provider"].get<std::string>() + ":" + a["subject"].get<std::string>();
    for (const auto& c : m["consents"])
        consents += (consents.empty() ? "" : " ") + c["purpose"].get<std::string>() + "@" + c["version"].get<std::string>() +
                    "(" + c["status"].get<std::string>() + ")";
    row += cell(linked) + "," + cell(m["sessions"].size()) + "," + cell(consents) + ",";
    row += cell(m["mfa"]["totp_enrolled_at"]) + "," + cell(m["mfa"]["passkeys"]);
    return row + "\r\n";
}

}  // namespace

Result<std::string> ComplianceService::check_org_export(const std::string& org_ref, const identity::Actor& actor) {
    return db::atomically<std::string>(m_pool, [&](db::Transaction& tx) -> Result<std::string> {
        auto id = detail::find_org(tx, org_ref);
        if (!id) return id.error();
        detail::record_in_org(tx, actor, *id, "compliance.export", "organization", *id, {{"scope", "organization"}});
        return *id;
    });
}

Status ComplianceService::stream_org_export(const std::string& org_id, ExportFormat format, const Sink& sink,
                                            int page_size) {
    if (!is_uuid(org_id)) return make_error(ErrorCode::not_found, "organization not found");
    const bool json = format == ExportFormat::json;
    auto head = m_pool.transact([&](db::Transaction& tx) {
        auto rows = tx.exec(k_org, org_id);
        return rows.empty() ? std::string() : rows[0][0].as<std::string>();
    });
    if (head.empty()) return make_error(ErrorCode::not_found, "organization not found");
    const auto gone = [] { return make_error(ErrorCode::unavailable, "the export was interrupted: its reader went away"); };
    if (!sink(json ? "{\"format\":\"janua.organization-export\",\"version\":1,\"organization\":" + head + ",\"members\":["
                   : std::string(k_csv_header)))
        return gone();
    std::optional<std::string> after;
    long long count = 0;
    std::string chunk;
    while (true) {
        auto rows = m_pool.transact([&](db::Transaction& tx) {
            return after ? tx.exec(k_next_page, org_id, page_size, *after) : tx.exec(k_first_page, org_id, page_size);
        });
        chunk.clear();
        for (const auto& row : rows) {
            const std::string member = row[1].as<std::string>();
            if (json) {
                if (count > 0) chunk += ",";
                chunk += "\n" + member;
            } else {
                chunk += csv_row(member);
            }
            ++count;
        }
        if (!rows.empty()) {
            after = rows[rows.size() - 1][0].as<std::string>();
            if (!sink(chunk)) return gone();
        }
        if (static_cast<int>(rows.size()) < page_size) break;
    }
    if (json && !sink("\n],\"member_count\":" + std::to_string(count) + "}\n")) return gone();
    return Ok{};
}

}  // namespace janua::compliance
