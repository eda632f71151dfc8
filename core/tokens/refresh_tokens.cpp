#include "core/tokens/refresh_tokens.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace janua::tokens::refresh {
namespace {

using db::Statement;

constexpr Statement k_insert{
    "refresh_insert",
    "INSERT INTO refresh_tokens (session_id, token_hash, parent_id, expires_at, client_id, scope) "
    "VALUES ($1, $2, $3, now() + make_interval(days => $4), nullif($5, ''), nullif($6, '')) RETURNING id"};
constexpr Statement k_spend{
    "refresh_spend",
    "UPDATE refresh_tokens rt SET used_at = now() FROM sessions s, users u "
    "WHERE rt.token_hash = $1 AND rt.used_at IS NULL AND rt.revoked_at IS NULL AND rt.expires_at > now() "
    "AND s.id = rt.session_id AND s.revoked_at IS NULL AND u.id = s.user_id AND u.status = 'ACTIVE' "
    "RETURNING rt.id, rt.session_id, s.user_id, coalesce(rt.client_id, ''), coalesce(rt.scope, '')"};
constexpr Statement k_lookup{
    "refresh_lookup",
    "SELECT session_id, used_at IS NOT NULL FROM refresh_tokens WHERE token_hash = $1"};
constexpr Statement k_owner{
    "refresh_owner",
    "SELECT rt.session_id, coalesce(rt.client_id, ''), s.user_id, coalesce(rt.scope, ''), "
    "rt.used_at IS NULL AND rt.revoked_at IS NULL AND rt.expires_at > now() AND s.revoked_at IS NULL, "
    "extract(epoch from rt.expires_at)::bigint "
    "FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE rt.token_hash = $1"};
constexpr Statement k_extend_session{
    "refresh_extend_session",
    "UPDATE sessions SET last_used_at = now(), expires_at = greatest(expires_at, now() + make_interval(days => $2)) "
    "WHERE id = $1"};
constexpr Statement k_revoke_session{
    "refresh_revoke_session",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh_token_reuse' WHERE id = $1 AND revoked_at IS NULL"};
constexpr Statement k_revoke_tokens{
    "refresh_revoke_tokens",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL"};

pqxx::binarystring hash_of(const std::string& token) { return pqxx::binarystring(crypto::sha256(token)); }

}  // namespace

Issued issue(db::Transaction& tx, const std::string& session_id, const std::optional<std::string>& parent_id,
             int lifetime_days, const std::string& client_id, const std::string& scope) {
    Issued issued;
    issued.token = crypto::random_token(32);
    issued.id = tx.exec(k_insert, session_id, hash_of(issued.token), parent_id, lifetime_days, client_id, scope)[0][0]
                    .as<std::string>();
    return issued;
}

Rotation rotate(db::Transaction& tx, const std::string& presented, int lifetime_days) {
    Rotation rotation;
    if (presented.empty() || presented.size() > 256) return rotation;
    auto spent = tx.exec(k_spend, hash_of(presented));
    if (!spent.empty()) {
        const auto& row = spent[0];
        rotation.outcome = Outcome::rotated;
        rotation.session_id = row[1].as<std::string>();
        rotation.user_id = row[2].as<std::string>();
        rotation.client_id = row[3].as<std::string>();
        rotation.scope = row[4].as<std::string>();
        rotation.next = issue(tx, rotation.session_id, row[0].as<std::string>(), lifetime_days, rotation.client_id,
                              rotation.scope);
        tx.exec(k_extend_session, rotation.session_id, lifetime_days);
        return rotation;
    }
    auto known = tx.exec(k_lookup, hash_of(presented));
    if (!known.empty() && known[0][1].as<bool>()) {
        rotation.outcome = Outcome::reused;
        rotation.session_id = known[0][0].as<std::string>();
        revoke_session_tokens(tx, rotation.session_id);
        tx.exec(k_revoke_session, rotation.session_id);
    }
    return rotation;
}

std::optional<std::string> session_of(db::Transaction& tx, const std::string& presented) {
    if (presented.empty() || presented.size() > 256) return std::nullopt;
    auto known = tx.exec(k_lookup, hash_of(presented));
    if (known.empty()) return std::nullopt;
    return known[0][0].as<std::string>();
}

std::optional<Owner> owner_of(db::Transaction& tx, const std::string& presented) {
    if (presented.empty() || presented.size() > 256) return std::nullopt;
    auto r = tx.exec(k_owner, hash_of(presented));
    if (r.empty()) return std::nullopt;
    return Owner{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                 r[0][3].as<std::string>(), r[0][4].as<bool>(), r[0][5].as<std::int64_t>()};
}

void revoke_session_tokens(db::Transaction& tx, const std::string& session_id) {
    tx.exec(k_revoke_tokens, session_id);
}

}  // namespace janua::tokens::refresh
