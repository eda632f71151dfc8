#pragma once
// Sign in with Apple's client secret: not a fixed string but an ES256 JWT that the client signs
// with a private key from Apple's developer portal (the .p8 file), naming the key (kid), the
// team (iss), the Services ID (sub) and Apple (aud); Apple refuses one that lives over 6 months.
// januad keeps the key (encrypted like any client secret) and mints a short-lived JWT for each
// token request, so no secret has to be renewed by hand.

#include "core/common/result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace janua::federation {

struct AppleSigningKey {
    std::string team_id;      // 10 characters, Apple's Team ID: the JWT's iss
    std::string key_id;       // 10 characters, the key's ID: the JWT header's kid
    std::string private_key;  // the .p8 file: PKCS#8 PEM of a P-256 key
};

constexpr const char* k_apple_audience = "https://appleid.apple.com";
constexpr std::int64_t k_apple_max_lifetime_seconds = 15777000;  // 6 months, Apple's limit

// Check the parts an administrator gives (the field named in the error).
Status check_apple_signing_key(const AppleSigningKey& key);

// The client secret for `client_id` (the Services ID): iat = now, exp = now + lifetime (at most
// k_apple_max_lifetime_seconds).
Result<std::string> apple_client_secret(const AppleSigningKey& key, const std::string& client_id, std::int64_t now,
                                        std::int64_t lifetime_seconds = 300);

// How the key is stored in the provider's encrypted client-secret field, and read back: a JSON
// object {"apple_signing_key": {...}}; nullopt when `stored` is a plain client secret.
std::string serialize_apple_signing_key(const AppleSigningKey& key);
std::optional<AppleSigningKey> parse_apple_signing_key(const std::string& stored);

}  // namespace janua::federation
