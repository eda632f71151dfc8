#include "core/federation/login_states.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace janua::federation::login_states {
namespace {

using db::Statement;

constexpr Statement k_put{
    "upstream_state_put",
    "INSERT INTO upstream_login_states (state_hash, provider_id, purpose, link_user_id, nonce, code_verifier_encrypted, "
    "redirect_uri, return_to, response_mode, expires_at, browser_binding_hash) VALUES ($1, $2::uuid, $3, $4::uuid, $5, "
    "$6, $7, $8, $9, now() + make_interval(secs => $10), decode(nullif($11, ''), 'hex'))"};
constexpr Statement k_take{
    "upstream_state_take",
    "DELETE FROM upstream_login_states WHERE state_hash = $1 RETURNING provider_id::text, purpose, link_user_id::text, "
    "nonce, code_verifier_encrypted, redirect_uri, return_to, response_mode, expires_at <= now(), browser_binding_hash"};
constexpr Statement k_purge{"upstream_state_purge",
                            "DELETE FROM upstream_login_states WHERE expires_at < now() - interval '1 hour'"};

}  // namespace

void put(db::Transaction& tx, const std::string& state, const LoginState& row, int ttl_seconds) {
    tx.exec(k_put, pqxx::binarystring(crypto::sha256(state)), row.provider_id, row.purpose, row.link_user_id, row.nonce,
            row.code_verifier_encrypted, row.redirect_uri, row.return_to, row.response_mode, ttl_seconds,
            row.browser_binding_hash ? crypto::hex_encode(*row.browser_binding_hash) : std::string());
}

std::optional<LoginState> take(db::Transaction& tx, const std::string& state) {
    auto rows = tx.exec(k_take, pqxx::binarystring(crypto::sha256(state)));
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    LoginState s;
    s.provider_id = r[0].as<std::string>();
    s.purpose = r[1].as<std::string>();
    s.link_user_id = db::optional_field<std::string>(r[2]);
    s.nonce = r[3].as<std::string>();
    s.code_verifier_encrypted = r[4].as<std::string>();
    s.redirect_uri = r[5].as<std::string>();
    s.return_to = db::optional_field<std::string>(r[6]);
    s.response_mode = r[7].as<std::string>();
    s.expired = r[8].as<bool>();
    if (!r[9].is_null()) s.browser_binding_hash = pqxx::binarystring(r[9]).str();
    return s;
}

long long purge_expired(db::Transaction& tx) {
    return static_cast<long long>(tx.exec(k_purge).affected_rows());
}

}  // namespace janua::federation::login_states
