#pragma once
// Opaque refresh tokens: 256 random bits, stored only as SHA-256, rotated on every use. The
// tokens of one session form a family; presenting a spent token revokes the whole family.

#include "core/db/pool.hpp"

#include <optional>
#include <string>

namespace janua::tokens::refresh {

struct Issued {
    std::string token;  // shown to the client once
    std::string id;
};

Issued issue(db::Transaction& tx, const std::string& session_id, const std::optional<std::string>& parent_id,
             int lifetime_days, const std::string& client_id = {}, const std::string& scope = {});

enum class Outcome { rotated, reused, invalid };

struct Rotation {
    Outcome outcome = Outcome::invalid;
    std::string session_id;
    std::string user_id;
    std::string client_id;
    std::string scope;
    Issued next;  // set when rotated
};

// Spend `presented` and issue its successor in the same transaction. Exactly one of several
// concurrent rotations of one token succeeds (the row lock decides). On reuse the session
// and its tokens are revoked here: the caller must commit even though it answers an error.
Rotation rotate(db::Transaction& tx, const std::string& presented, int lifetime_days);

// The session a token belongs to, if the token is known (used for sign-out by token).
std::optional<std::string> session_of(db::Transaction& tx, const std::string& presented);

struct Owner {
    std::string session_id;
    std::string client_id;  // empty for first-party sessions
    std::string user_id;
    std::string scope;
    bool usable = false;    // unspent, unrevoked, unexpired, in an active session
    std::int64_t expires_at = 0;
};
// Who a refresh token was issued to, without spending it (client checks, introspection).
std::optional<Owner> owner_of(db::Transaction& tx, const std::string& presented);

void revoke_session_tokens(db::Transaction& tx, const std::string& session_id);

}  // namespace janua::tokens::refresh
