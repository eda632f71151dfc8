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

constexpr db::Statement k_find_org{"org_export_find",
                                   "SELECT id FROM organizations WHERE id::text = $1 OR slug = lower($1)"};
constexpr db::Statement k_org{
    "org_export_org",
    "SELECT row_to_json(x)::text FROM (SELECT id, slug, name, owner_id, metadata, created_at, updated_at "
    "FROM organizations WHERE id = $1) x"};
// What the organization holds on each member: the profile, the role it gave them, its SCIM
// link and the API keys bound to it. Not their other organizations, sessions or consents.
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
    "k.organization_id = m.organization_id))::text "                                                            \
    "FROM m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id ORDER BY m.user_id"
constexpr db::Statement k_first_page{"org_export_first_page", PAGE_THEN_JSON("organization_id = $1")};
constexpr db::Statement k_next_page{"org_export_next_page",
                                    PAGE_THEN_JSON("organization_id = $1 AND user_id > $3::uuid")};

const char* k_csv_header =
    "user_id,email,username,first_name,last_name,display_name,status,email_verified,mfa_enabled,role,joined_at,"
    "created_at,last_login_at,scim_external_id,scim_active,api_keys\r\n";

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
    row += cell(m["api_keys"].size());
    return row + "\r\n";
}

}  // namespace

Result<std::string> ComplianceService::check_org_export(const std::string& org_ref, const identity::Actor& actor) {
    if (org_ref.empty() || org_ref.size() > 200) return make_error(ErrorCode::not_found, "organization not found");
    return db::atomically<std::string>(m_pool, [&](db::Transaction& tx) -> Result<std::string> {
        auto rows = tx.exec(k_find_org, org_ref);
        if (rows.empty()) return make_error(ErrorCode::not_found, "cannot find organization '" + org_ref + "'");
        const std::string id = rows[0][0].as<std::string>();
        audit::Event e;
        e.action = "compliance.export";
        e.actor_type = actor.type;
        e.actor_id = actor.id;
        e.organization_id = id;
        e.target_type = "organization";
        e.target_id = id;
        e.ip_address = actor.ip;
        e.request_id = actor.request_id;
        e.details = {{"scope", "organization"}};
        audit::record(tx, e);
        return id;
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
