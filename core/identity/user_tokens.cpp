#include "core/identity/user_tokens.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace janua::identity::user_tokens {
namespace {

using db::Statement;

constexpr Statement k_invalidate{
    "user_tokens_invalidate",
    "UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL"};
constexpr Statement k_insert{
    "user_tokens_insert",
    "INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) "
    "VALUES ($1, $2, $3, now() + make_interval(mins => $4))"};
constexpr Statement k_consume{
    "user_tokens_consume",
    "UPDATE user_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL "
    "AND expires_at > now() RETURNING user_id"};

constexpr Statement k_insert_email_change{
    "user_tokens_insert_email_change",
    "INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at, new_email) "
    "VALUES ($1, 'email_change', $2, now() + make_interval(mins => $3), $4)"};
constexpr Statement k_consume_email_change{
    "user_tokens_consume_email_change",
    "UPDATE user_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = 'email_change' AND used_at IS NULL "
    "AND expires_at > now() RETURNING user_id, new_email"};

bool plausible(const std::string& token) { return !token.empty() && token.size() <= 256; }

}  // namespace

std::string issue(db::Transaction& tx, const std::string& user_id, const std::string& purpose, int lifetime_minutes) {
    tx.exec(k_invalidate, user_id, purpose);
    std::string token = crypto::random_token(32);
    tx.exec(k_insert, user_id, purpose, pqxx::binarystring(crypto::sha256(token)), lifetime_minutes);
    return token;
}

std::optional<std::string> consume(db::Transaction& tx, const std::string& token, const std::string& purpose) {
    if (!plausible(token)) return std::nullopt;
    auto r = tx.exec(k_consume, pqxx::binarystring(crypto::sha256(token)), purpose);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

std::string issue_email_change(db::Transaction& tx, const std::string& user_id, const std::string& new_email,
                               int lifetime_minutes) {
    tx.exec(k_invalidate, user_id, "email_change");
    std::string token = crypto::random_token(32);
    tx.exec(k_insert_email_change, user_id, pqxx::binarystring(crypto::sha256(token)), lifetime_minutes, new_email);
    return token;
}

std::optional<EmailChange> consume_email_change(db::Transaction& tx, const std::string& token) {
    if (!plausible(token)) return std::nullopt;
    auto r = tx.exec(k_consume_email_change, pqxx::binarystring(crypto::sha256(token)));
    if (r.empty()) return std::nullopt;
    return EmailChange{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
}

}  // namespace janua::identity::user_tokens
