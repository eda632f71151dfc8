#include "core/oidc/authorization_codes.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

#include <nlohmann/json.hpp>

namespace janua::oidc {
namespace {

using db::Statement;

constexpr Statement k_insert{
    "codes_insert",
    "INSERT INTO authorization_codes (code_hash, client_id, user_id, browser_session_id, redirect_uri, scope, nonce, "
    "code_challenge, code_challenge_method, auth_time, amr, expires_at, dpop_jkt) "
    "VALUES ($1, $2, $3, $4::uuid, $5, $6, $7, $8::text, CASE WHEN $8::text IS NULL THEN NULL ELSE 'S256' END, "
    "$9::timestamptz, ARRAY(SELECT jsonb_array_elements_text($10::jsonb)), now() + make_interval(secs => $11), $12)"};
constexpr Statement k_redeem{
    "codes_redeem",
    "UPDATE authorization_codes SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() "
    "RETURNING client_id, user_id, browser_session_id, redirect_uri, scope, nonce, code_challenge, auth_time, "
    "array_to_json(amr)::text, dpop_jkt"};
constexpr Statement k_lookup{"codes_lookup",
                             "SELECT used_at IS NOT NULL, issued_session_id FROM authorization_codes WHERE code_hash = $1"};
constexpr Statement k_set_session{"codes_set_session",
                                  "UPDATE authorization_codes SET issued_session_id = $2 WHERE code_hash = $1"};
constexpr Statement k_covers{
    "consents_covers",
    "SELECT EXISTS (SELECT 1 FROM oauth_consents WHERE user_id = $1 AND client_id = $2 "
    "AND scopes @> ARRAY(SELECT jsonb_array_elements_text($3::jsonb)))"};
constexpr Statement k_grant{
    "consents_grant",
    "INSERT INTO oauth_consents (user_id, client_id, scopes) VALUES ($1, $2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb))) "
    "ON CONFLICT (user_id, client_id) DO UPDATE SET "
    "scopes = ARRAY(SELECT DISTINCT unnest(oauth_consents.scopes || EXCLUDED.scopes)), granted_at = now()"};

constexpr Statement k_list_consents{
    "consents_list_for_user",
    "SELECT c.client_id, coalesce(o.name, c.client_id), array_to_json(c.scopes)::text, c.granted_at "
    "FROM oauth_consents c LEFT JOIN oauth_clients o ON o.client_id = c.client_id "
    "WHERE c.user_id = $1 ORDER BY c.granted_at DESC, c.client_id"};
constexpr Statement k_revoke_consent{
    "consents_revoke",
    "WITH gone AS (DELETE FROM oauth_consents WHERE user_id = $1 AND client_id = $2 RETURNING 1), "
    "tokens AS (UPDATE refresh_tokens SET revoked_at = now() WHERE client_id = $2 AND revoked_at IS NULL "
    "  AND session_id IN (SELECT id FROM sessions WHERE user_id = $1) RETURNING 1) "
    "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM tokens)"};

pqxx::binarystring hash_of(const std::string& code) { return pqxx::binarystring(crypto::sha256(code)); }

}  // namespace

namespace codes {

std::string issue(db::Transaction& tx, const CodeGrant& g, int lifetime_seconds) {
    std::string code = crypto::random_token(32);
    tx.exec(k_insert, hash_of(code), g.client_id, g.user_id, g.browser_session_id, g.redirect_uri, g.scope, g.nonce,
            g.code_challenge, g.auth_time, nlohmann::json(g.amr).dump(), lifetime_seconds, g.dpop_jkt);
    return code;
}

Redemption redeem(db::Transaction& tx, const std::string& code) {
    Redemption r;
    if (code.empty() || code.size() > 256) return r;
    auto spent = tx.exec(k_redeem, hash_of(code));
    if (!spent.empty()) {
        const auto& row = spent[0];
        r.outcome = Outcome::valid;
        r.grant.client_id = row[0].as<std::string>();
        r.grant.user_id = row[1].as<std::string>();
        r.grant.browser_session_id = db::optional_field<std::string>(row[2]);
        r.grant.redirect_uri = row[3].as<std::string>();
        r.grant.scope = row[4].as<std::string>();
        r.grant.nonce = db::optional_field<std::string>(row[5]);
        r.grant.code_challenge = db::optional_field<std::string>(row[6]);
        r.grant.auth_time = db::timestamp(row[7]);
        r.grant.amr = nlohmann::json::parse(row[8].as<std::string>("[]")).get<std::vector<std::string>>();
        r.grant.dpop_jkt = db::optional_field<std::string>(row[9]);
        return r;
    }
    auto known = tx.exec(k_lookup, hash_of(code));
    if (!known.empty() && known[0][0].as<bool>()) {
        r.outcome = Outcome::reused;
        r.issued_session_id = db::optional_field<std::string>(known[0][1]);
    }
    return r;
}

void record_issued_session(db::Transaction& tx, const std::string& code, const std::string& session_id) {
    tx.exec(k_set_session, hash_of(code), session_id);
}

}  // namespace codes

namespace consents {

bool covers(db::Transaction& tx, const std::string& user_id, const std::string& client_id,
            const std::vector<std::string>& scopes) {
    return tx.exec(k_covers, user_id, client_id, nlohmann::json(scopes).dump())[0][0].as<bool>();
}

void grant(db::Transaction& tx, const std::string& user_id, const std::string& client_id,
           const std::vector<std::string>& scopes) {
    tx.exec(k_grant, user_id, client_id, nlohmann::json(scopes).dump());
}

std::vector<Granted> list_for_user(db::Transaction& tx, const std::string& user_id) {
    std::vector<Granted> out;
    for (const auto& row : tx.exec(k_list_consents, user_id))
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                       nlohmann::json::parse(row[2].as<std::string>()).get<std::vector<std::string>>(),
                       db::timestamp(row[3])});
    return out;
}

bool revoke(db::Transaction& tx, const std::string& user_id, const std::string& client_id) {
    return tx.exec(k_revoke_consent, user_id, client_id)[0][0].as<long long>() > 0;
}

}  // namespace consents

}  // namespace janua::oidc
