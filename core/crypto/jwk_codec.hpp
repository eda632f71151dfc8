#pragma once
// Conversions between JWKs (RFC 7517/7518/8037) and OpenSSL keys, private to core/crypto.

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"
#include "core/crypto/jws.hpp"
#include "core/crypto/openssl_ptr.hpp"

namespace janua::crypto::detail {

enum class JwkPart { public_key, private_key };

struct JwkKey {
    JwsAlgorithm alg;
    SharedPkey key;
};

// Build a key from `jwk`, validated by OpenSSL (point on curve, private part matching public).
// With JwkPart::public_key, private members are ignored.
Result<JwkKey> key_from_jwk(const nlohmann::json& jwk, JwkPart part);

// Return the public JWK members (kty and n/e or crv/x/y) of `key`.
nlohmann::json public_jwk_members(EVP_PKEY* key, JwsAlgorithm alg);

// Check that `key` is of the type `alg` needs: RSA of 2048 to 8192 bits, EC on P-256, Ed25519.
Status check_key_suits(EVP_PKEY* key, JwsAlgorithm alg);

}  // namespace janua::crypto::detail
