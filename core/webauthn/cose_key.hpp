#pragma once
// COSE_Key (RFC 9052/9053) public keys as authenticators send them, turned into OpenSSL keys
// through core/crypto's JWK codec, and WebAuthn signature checks: ES256 (DER ECDSA over P-256),
// RS256 (RSASSA-PKCS1-v1_5 SHA-256) and EdDSA (Ed25519).

#include "core/common/result.hpp"
#include "core/crypto/openssl_ptr.hpp"
#include "core/webauthn/cbor.hpp"

#include <string>
#include <string_view>

namespace janua::webauthn {

constexpr int k_cose_es256 = -7;
constexpr int k_cose_eddsa = -8;
constexpr int k_cose_rs256 = -257;

struct PublicKey {
    int algorithm = 0;  // COSE alg
    crypto::detail::SharedPkey key;
};

// The key a COSE_Key map describes; an error (validation) for an unsupported algorithm, a key
// type that does not fit it, or a point not on the curve.
Result<PublicKey> public_key_from_cose(const cbor::Value& cose_key);
Result<PublicKey> public_key_from_cose_bytes(std::string_view cose_key);

// Whether `signature` (the WebAuthn spelling: DER for ECDSA) over `data` verifies.
bool verify_signature(const PublicKey& key, std::string_view data, std::string_view signature);
// The same with an OpenSSL key and a COSE algorithm (attestation certificates).
bool verify_signature(int algorithm, EVP_PKEY* key, std::string_view data, std::string_view signature);

}  // namespace janua::webauthn
