#include "core/identity/sessions.hpp"

#include "core/common/text.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace janua::identity::sessions {
namespace {

using db::Statement;

#define JANUA_SESSION_COLUMNS                                                                          \
    "id, user_id, organization_id, coalesce(user_agent, ''), coalesce(ip_address, ''), array_to_json(amr)::text, " \
    "auth_time, created_at, last_used_at, expires_at, revoked_at"

constexpr Statement k_insert{
    "sessions_insert",
    "INSERT INTO sessions (user_id, user_agent, ip_address, amr, expires_at, organization_id, client_id, auth_time) "
    "VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), now() + make_interval(days => $5), $6, $7, "
    "coalesce($8::timestamptz, now())) "
    "RETURNING " JANUA_SESSION_COLUMNS};
constexpr Statement k_attach_browser{"sessions_attach_browser",
                                     "UPDATE sessions SET browser_token_hash = $2 WHERE id = $1"};
constexpr Statement k_by_browser{
    "sessions_by_browser",
    "SELECT " JANUA_SESSION_COLUMNS " FROM sessions s WHERE browser_token_hash = $1 AND revoked_at IS NULL "
    "AND expires_at > now() AND EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.status = 'ACTIVE')"};
// Keep the newest `max` active sessions (the new one included).
constexpr Statement k_evict{
    "sessions_evict",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = 'evicted' WHERE id IN ("
    "  SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() "
    "  ORDER BY created_at DESC, id DESC OFFSET $2)"};
constexpr Statement k_find{"sessions_find", "SELECT " JANUA_SESSION_COLUMNS " FROM sessions WHERE id = $1"};
constexpr Statement k_active_owner{
    "sessions_active_owner",
    "SELECT u.is_platform_admin FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2 "
    "AND s.revoked_at IS NULL AND s.expires_at > now() AND u.status = 'ACTIVE'"};
constexpr Statement k_list_active{
    "sessions_list_active",
    "SELECT " JANUA_SESSION_COLUMNS " FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() "
    "ORDER BY created_at DESC"};
constexpr Statement k_touch{"sessions_touch", "UPDATE sessions SET last_used_at = now() WHERE id = $1"};
constexpr Statement k_revoke{
    "sessions_revoke",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"};
constexpr Statement k_revoke_all{
    "sessions_revoke_all",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = $3 "
    "WHERE user_id = $1 AND revoked_at IS NULL AND ($2::text = '' OR id::text <> $2)"};

Session from_row(const pqxx::row& r) {
    Session s;
    s.id = r[0].as<std::string>();
    s.user_id = r[1].as<std::string>();
    s.organization_id = db::optional_field<std::string>(r[2]);
    s.user_agent = r[3].as<std::string>();
    s.ip_address = r[4].as<std::string>();
    s.amr = nlohmann::json::parse(r[5].as<std::string>("[]")).get<std::vector<std::string>>();
    s.auth_time = db::timestamp(r[6]);
    s.created_at = db::timestamp(r[7]);
    s.last_used_at = db::timestamp(r[8]);
    s.expires_at = db::timestamp(r[9]);
    s.revoked_at = db::timestamp(r[10]);
    return s;
}

}  // namespace

nlohmann::json to_json(const Session& s, const std::string& current_session_id) {
    return {{"id", s.id},
            {"user_agent", s.user_agent},
            {"ip_address", s.ip_address},
            {"amr", s.amr},
            {"organization_id", s.organization_id ? nlohmann::json(*s.organization_id) : nlohmann::json(nullptr)},
            {"created_at", s.created_at},
            {"last_used_at", s.last_used_at},
            {"expires_at", s.expires_at},
            {"current", !current_session_id.empty() && s.id == current_session_id}};
}

Session create(db::Transaction& tx, const NewSession& session, int max_sessions) {
    auto row = tx.exec(k_insert, session.user_id, printable_ascii(session.user_agent, 512), session.ip_address,
                       nlohmann::json(session.amr).dump(), session.lifetime_days, session.organization_id,
                       session.client_id, session.auth_time)[0];
    tx.exec(k_evict, session.user_id, max_sessions);
    return from_row(row);
}

std::optional<Session> find(db::Transaction& tx, const std::string& id) {
    auto r = tx.exec(k_find, id);
    if (r.empty()) return std::nullopt;
    return from_row(r[0]);
}

std::optional<bool> active_owner_is_admin(db::Transaction& tx, const std::string& session_id, const std::string& user_id) {
    auto r = tx.exec(k_active_owner, session_id, user_id);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<bool>();
}

std::vector<Session> list_active(db::Transaction& tx, const std::string& user_id) {
    std::vector<Session> out;
    for (const auto& row : tx.exec(k_list_active, user_id)) out.push_back(from_row(row));
    return out;
}

std::string attach_browser_token(db::Transaction& tx, const std::string& session_id) {
    std::string token = crypto::random_token(32);
    tx.exec(k_attach_browser, session_id, pqxx::binarystring(crypto::sha256(token)));
    return token;
}

std::optional<Session> find_by_browser_token(db::Transaction& tx, const std::string& token) {
    if (token.empty() || token.size() > 256) return std::nullopt;
    auto r = tx.exec(k_by_browser, pqxx::binarystring(crypto::sha256(token)));
    if (r.empty()) return std::nullopt;
    return from_row(r[0]);
}

void touch(db::Transaction& tx, const std::string& id) { tx.exec(k_touch, id); }

bool revoke(db::Transaction& tx, const std::string& id, const std::string& user_id, const std::string& reason) {
    return tx.exec(k_revoke, id, user_id, reason).affected_rows() > 0;
}

int revoke_all(db::Transaction& tx, const std::string& user_id, const std::string& keep_id, const std::string& reason) {
    return static_cast<int>(tx.exec(k_revoke_all, user_id, keep_id, reason).affected_rows());
}

}  // namespace janua::identity::sessions
