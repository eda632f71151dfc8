#pragma once
// Validation of an upstream ID token (OpenID Connect Core 1.0, 3.1.3.7) against the issuer's
// JWK Set. Pure: no network, no clock of its own, so every rule is unit-tested.
//
// Only RS256, ES256 and EdDSA signatures verify (core/crypto/jws.hpp cannot even represent
// "none" or the HMAC algorithms, so a token can never choose to be checked with a public key as
// an HMAC secret). The key is the JWK with the token's kid (or, without a kid, any key of the
// token's algorithm), and the token's alg must be the key's.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::federation {

struct IdTokenExpectations {
    std::string issuer;                       // exact; "{tenantid}" is filled from the tid claim
    std::vector<std::string> issuer_aliases;  // other accepted spellings (Google)
    std::string client_id;                    // must be in aud; azp, when present or aud has several, equals it
    std::string nonce;                        // must equal the nonce claim
    std::int64_t now = 0;                     // seconds since the epoch
    int skew_seconds = 120;                   // clock tolerance for exp and iat
    int max_age_seconds = 3600;               // iat older than this is refused (a stale token replayed)
};

// The kid of a compact JWS header, if it has one (for choosing which JWKS to fetch).
std::optional<std::string> id_token_kid(const std::string& token);

// The verified claims, or a login_failure whose reason names the first failed rule:
// malformed, alg_not_allowed, unknown_key, signature_invalid, issuer_mismatch, audience_mismatch,
// azp_mismatch, expired, issued_in_future, too_old, nonce_mismatch, subject_missing.
Result<nlohmann::json> validate_id_token(const std::string& token, const nlohmann::json& jwks,
                                         const IdTokenExpectations& expect);

}  // namespace janua::federation
