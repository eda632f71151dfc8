#pragma once
// JWT access tokens in the RFC 9068 profile: header typ "at+jwt" and kid; claims iss, sub, aud,
// exp, iat, jti, client_id, scope, sid, and org_id when an organization is active.

#include "core/common/result.hpp"
#include "core/tokens/signing_keys.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::tokens {

struct AccessTokenRequest {
    std::string subject;     // user id
    std::string session_id;  // sid
    std::string client_id;
    std::string scope;
    std::string audience;
    std::optional<std::string> organization_id;
    std::vector<std::string> amr;
    std::int64_t auth_time = 0;
    std::int64_t lifetime_seconds = 900;
    // Extension claims (e.g. cnf for DPoP, act for token exchange); never override the above.
    nlohmann::json extra_claims = nlohmann::json::object();
};

struct IssuedAccessToken {
    std::string token;
    std::string jti;
    std::int64_t expires_in = 0;
};

// Fails (unavailable) when no active key is loaded.
Result<IssuedAccessToken> issue_access_token(const KeySnapshot& keys, const std::string& issuer,
                                             const AccessTokenRequest& request, std::int64_t now);

struct VerifiedAccessToken {
    nlohmann::json claims;
    std::string subject;
    std::string session_id;
    std::string client_id;
    std::string scope;
    std::optional<std::string> organization_id;
    std::vector<std::string> amr;
    std::string kid;
};

struct VerifyOptions {
    std::string issuer;
    std::string audience;  // empty: any
    std::int64_t now = 0;
    std::int64_t leeway_seconds = 30;
};

// Every failure is a TOKEN_ERROR with a message safe for clients.
Result<VerifiedAccessToken> verify_access_token(std::string_view token, const KeySnapshot& keys,
                                                const VerifyOptions& options);

// The kid named in a token's header, without verifying anything (to trigger a key reload).
std::optional<std::string> peek_kid(std::string_view token);

std::int64_t unix_now();

}  // namespace janua::tokens
