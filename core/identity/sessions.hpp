#pragma once
// A session per sign-in: device, IP, authentication methods, and the family of refresh tokens
// it owns. Revoking a session revokes every refresh token in it.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::identity::sessions {

struct Session {
    std::string id;
    std::string user_id;
    std::optional<std::string> organization_id;
    std::string user_agent;
    std::string ip_address;
    std::vector<std::string> amr;
    std::string auth_time;
    std::string created_at;
    std::string last_used_at;
    std::string expires_at;
    std::string revoked_at;
};

nlohmann::json to_json(const Session& session, const std::string& current_session_id = {});

struct NewSession {
    std::string user_id;
    std::string user_agent;
    std::string ip_address;
    std::vector<std::string> amr;
    int lifetime_days = 7;
    std::optional<std::string> organization_id;
    std::optional<std::string> client_id;  // set for sessions created by an OAuth code exchange
    std::optional<std::string> auth_time;  // RFC 3339; default now (a code exchange keeps the login's time)
};

// Create a session; the user's oldest active sessions beyond `max_sessions` are revoked.
Session create(db::Transaction& tx, const NewSession& session, int max_sessions);

std::optional<Session> find(db::Transaction& tx, const std::string& id);

// Give a session a browser cookie (hosted login pages); returns the cookie value, stored hashed.
std::string attach_browser_token(db::Transaction& tx, const std::string& session_id);
// The active session (of an ACTIVE user) a browser cookie belongs to.
std::optional<Session> find_by_browser_token(db::Transaction& tx, const std::string& token);
// For an active session (not revoked, not expired, of an ACTIVE user): whether its user is a
// platform admin. nullopt when the session is not active.
std::optional<bool> active_owner_is_admin(db::Transaction& tx, const std::string& session_id, const std::string& user_id);
std::vector<Session> list_active(db::Transaction& tx, const std::string& user_id);
void touch(db::Transaction& tx, const std::string& id);

// Returns false when the session does not exist, is not the user's, or was already revoked.
bool revoke(db::Transaction& tx, const std::string& id, const std::string& user_id, const std::string& reason);
// Revoke all of a user's sessions except `keep_id` (may be empty); returns how many.
int revoke_all(db::Transaction& tx, const std::string& user_id, const std::string& keep_id, const std::string& reason);

}  // namespace janua::identity::sessions
