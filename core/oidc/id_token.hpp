#pragma once
// OpenID Connect ID tokens (Core 1.0 section 2), signed with the active key.

#include "core/common/result.hpp"
#include "core/tokens/signing_keys.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace janua::oidc {

// at_hash / c_hash: the left half of the hash of `value` with the hash of the signing
// algorithm (SHA-256 for RS256 and ES256; SHA-512 for EdDSA with Ed25519), base64url.
std::string half_hash(const std::string& value, crypto::JwsAlgorithm algorithm);

// Sign `claims` (which must hold iss, sub, aud, exp, iat and whatever else applies).
Result<std::string> sign_id_token(const tokens::KeySnapshot& keys, const nlohmann::json& claims);

// Check an id_token_hint: our signature and issuer; expiry is ignored (OIDC RP-Initiated
// Logout 1.0 allows expired hints). Returns the claims.
Result<nlohmann::json> verify_id_token_hint(const std::string& token, const tokens::KeySnapshot& keys,
                                            const std::string& issuer);

}  // namespace janua::oidc
