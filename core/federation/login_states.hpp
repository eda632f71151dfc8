#pragma once
// The server-side half of an authorization request sent upstream: which provider, the nonce,
// the PKCE code verifier (encrypted), where to go afterwards. Keyed by the SHA-256 of `state`;
// taking a state deletes it, so a callback can spend it once, and an expired one is refused.

#include "core/db/pool.hpp"

#include <optional>
#include <string>

namespace janua::federation::login_states {

struct LoginState {
    std::string provider_id;
    std::string purpose = "login";  // login | link
    std::optional<std::string> link_user_id;
    std::string nonce;
    std::string code_verifier_encrypted;
    std::string redirect_uri;
    std::optional<std::string> return_to;
    std::string response_mode = "json";  // json | redirect
    std::optional<std::string> browser_binding_hash;  // crypto/browser_binding.hpp
    bool expired = false;                // set by take()
};

void put(db::Transaction& tx, const std::string& state, const LoginState& row, int ttl_seconds);
// Delete and return the row of `state` (expired ones too, marked), or nullopt when there is none.
std::optional<LoginState> take(db::Transaction& tx, const std::string& state);
// Delete states that expired more than an hour ago; returns how many.
long long purge_expired(db::Transaction& tx);

}  // namespace janua::federation::login_states
