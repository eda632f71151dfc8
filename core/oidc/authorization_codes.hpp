#pragma once
// Authorization codes: single-use, short-lived, stored as SHA-256. A code presented twice
// revokes what its first exchange issued (RFC 6749 4.1.2).

#include "core/db/pool.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::oidc::codes {

struct CodeGrant {
    std::string client_id;
    std::string user_id;
    std::optional<std::string> browser_session_id;
    std::string redirect_uri;
    std::string scope;
    std::optional<std::string> nonce;
    std::optional<std::string> code_challenge;  // S256 only
    std::string auth_time;                      // RFC 3339
    std::vector<std::string> amr;
    std::optional<std::string> dpop_jkt;  // RFC 9449 10: the token request must prove this key
};

std::string issue(db::Transaction& tx, const CodeGrant& grant, int lifetime_seconds);

enum class Outcome { valid, reused, invalid };

struct Redemption {
    Outcome outcome = Outcome::invalid;
    CodeGrant grant;
    std::optional<std::string> issued_session_id;  // for reused codes
};

// Spend the code; exactly one of concurrent redemptions is valid.
Redemption redeem(db::Transaction& tx, const std::string& code);
void record_issued_session(db::Transaction& tx, const std::string& code, const std::string& session_id);

}  // namespace janua::oidc::codes

namespace janua::oidc::consents {

bool covers(db::Transaction& tx, const std::string& user_id, const std::string& client_id,
            const std::vector<std::string>& scopes);
void grant(db::Transaction& tx, const std::string& user_id, const std::string& client_id,
           const std::vector<std::string>& scopes);

// What a user agreed to, per client (the account console's "Applications").
struct Granted {
    std::string client_id;
    std::string client_name;
    std::vector<std::string> scopes;
    std::string granted_at;
};
std::vector<Granted> list_for_user(db::Transaction& tx, const std::string& user_id);
// Forget the consent and revoke the refresh tokens the client holds for the user (its access
// tokens run out by themselves); false when there was no consent.
bool revoke(db::Transaction& tx, const std::string& user_id, const std::string& client_id);

}  // namespace janua::oidc::consents
