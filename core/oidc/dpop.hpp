#pragma once
// DPoP proofs (RFC 9449 4.3): a JWT with typ "dpop+jwt", signed by the key in its own "jwk" header
// (RS256, ES256 or EdDSA), binding one HTTP request (htm, htu) at one time (iat) with a unique
// jti, and, towards a resource server, the access token's hash (ath). Pure checks; the replay
// cache of jtis lives in the database (Provider).

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace janua::oidc {

inline constexpr std::int64_t k_dpop_max_age_seconds = 300;  // how old a proof's iat may be
inline constexpr std::int64_t k_dpop_max_skew_seconds = 60;  // how far in the future

struct DpopProof {
    std::string jkt;  // RFC 7638 SHA-256 thumbprint of the proof's public key, base64url
    std::string jti;
    std::int64_t iat = 0;
};

// RFC 7638: the base64url SHA-256 of the key's required members in lexicographic order.
Result<std::string> jwk_thumbprint(const nlohmann::json& jwk);

// Check `proof` for a request `method` to `url` (compared without query and fragment, RFC 9449
// 4.3 item 9). With `access_token`, the proof must carry its ath. Fails with ErrorCode::token and
// a message fit for the error_description.
Result<DpopProof> verify_dpop_proof(const std::string& proof, const std::string& method, const std::string& url,
                                    std::int64_t now, const std::optional<std::string>& access_token = std::nullopt);

}  // namespace janua::oidc
