#include "core/identity/mfa_challenges.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

#include <nlohmann/json.hpp>

namespace janua::identity::mfa_challenges {
namespace {

using db::Statement;

constexpr Statement k_insert{
    "mfa_challenges_insert",
    "INSERT INTO mfa_challenges (token_hash, user_id, first_factor, channel, ip_address, user_agent, expires_at, "
    "organization_id) VALUES ($1, $2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), $4, $5, $6, "
    "now() + make_interval(mins => $7), $8::uuid)"};
// Expired challenges are swept by whoever issues a new one.
constexpr Statement k_sweep{"mfa_challenges_sweep",
                            "DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 hour'"};
constexpr Statement k_find{
    "mfa_challenges_find",
    "SELECT id, user_id, array_to_json(first_factor)::text, attempts, organization_id::text FROM mfa_challenges "
    "WHERE token_hash = $1 AND channel = $2 AND used_at IS NULL AND expires_at > now() FOR UPDATE"};
constexpr Statement k_fail{
    "mfa_challenges_fail",
    "UPDATE mfa_challenges SET attempts = attempts + 1, "
    "used_at = CASE WHEN attempts + 1 >= $2 THEN now() ELSE used_at END WHERE id = $1 RETURNING attempts"};
constexpr Statement k_spend{"mfa_challenges_spend", "UPDATE mfa_challenges SET used_at = now() WHERE id = $1"};

}  // namespace

std::string issue(db::Transaction& tx, const std::string& user_id, const std::vector<std::string>& first_factor,
                  const std::string& channel, const std::string& ip, const std::string& user_agent,
                  const std::optional<std::string>& organization_id) {
    tx.exec(k_sweep);
    std::string token = crypto::random_token(32);
    tx.exec(k_insert, pqxx::binarystring(crypto::sha256(token)), user_id, nlohmann::json(first_factor).dump(), channel, ip,
            user_agent, k_lifetime_minutes, organization_id);
    return token;
}

std::optional<Challenge> find_live(db::Transaction& tx, const std::string& token, const std::string& channel) {
    if (token.empty() || token.size() > 256) return std::nullopt;
    auto r = tx.exec(k_find, pqxx::binarystring(crypto::sha256(token)), channel);
    if (r.empty()) return std::nullopt;
    Challenge c;
    c.id = r[0][0].as<std::string>();
    c.user_id = r[0][1].as<std::string>();
    c.first_factor = nlohmann::json::parse(r[0][2].as<std::string>()).get<std::vector<std::string>>();
    c.attempts = r[0][3].as<int>();
    c.organization_id = db::optional_field<std::string>(r[0][4]);
    return c;
}

int record_failure(db::Transaction& tx, const std::string& challenge_id) {
    return tx.exec(k_fail, challenge_id, k_max_attempts)[0][0].as<int>();
}

void spend(db::Transaction& tx, const std::string& challenge_id) { tx.exec(k_spend, challenge_id); }

}  // namespace janua::identity::mfa_challenges
