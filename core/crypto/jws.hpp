#pragma once
// JOSE JSON Web Signatures (RFC 7515) in compact serialization, for the three algorithms Janua
// signs and accepts: RS256, ES256 and EdDSA over Ed25519 (RFC 8037). The set is closed on
// purpose: "none" and the HMAC algorithms are not representable, so they can never verify.

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace janua::crypto {

enum class JwsAlgorithm { rs256, es256, eddsa };

// Return the JOSE "alg" name: "RS256", "ES256" or "EdDSA".
std::string_view jws_algorithm_name(JwsAlgorithm alg);

// Return the algorithm with exactly this JOSE name (case-sensitive), or nullopt.
std::optional<JwsAlgorithm> jws_algorithm_from_name(std::string_view name);

// A public key bound to one algorithm, as found in a JWKS.
class VerificationKey {
  public:
    // Build from a public JWK: RSA (n, e; 2048 to 8192 bits), EC P-256 (x, y) or OKP Ed25519 (x).
    // Private members, if any, are ignored. Fail on an unknown kty or crv, a malformed or
    // off-curve value, an "alg" other than the key type's, or "use" other than "sig".
    static Result<VerificationKey> from_jwk(const nlohmann::json& jwk);

    JwsAlgorithm algorithm() const { return m_alg; }

    // Return whether `signature` (raw JWS form: for ES256 exactly 64 bytes R||S) is valid over
    // `signing_input` under this key. Any malformed signature is simply invalid.
    bool verify(std::string_view signing_input, std::string_view signature) const;

  private:
    friend class SigningKey;
    VerificationKey(JwsAlgorithm alg, std::shared_ptr<EVP_PKEY> key)
        : m_alg(alg), m_key(std::move(key)) {}

    JwsAlgorithm m_alg;
    std::shared_ptr<EVP_PKEY> m_key;
};

// A private key bound to one algorithm. Copies share the underlying key.
class SigningKey {
  public:
    // Return a new key: RSA 2048 for RS256, P-256 for ES256, Ed25519 for EdDSA.
    static SigningKey generate(JwsAlgorithm alg);

    // Read an unencrypted PEM private key (PKCS#8, or the traditional RSA/EC forms) and check it
    // suits `alg`. Fail on anything else, including an encrypted PEM (never prompts).
    static Result<SigningKey> from_private_pem(JwsAlgorithm alg, std::string_view pem);

    // Build from a private JWK (RSA with d, p, q, dp, dq, qi; EC P-256 with d; OKP Ed25519 with
    // d). The algorithm follows from kty/crv; an "alg" member must agree. Fail when the private
    // and public parts do not belong together.
    static Result<SigningKey> from_jwk(const nlohmann::json& jwk);

    JwsAlgorithm algorithm() const { return m_alg; }

    // Return the key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"); encrypt it before storing.
    std::string private_pem() const;

    // Return the public JWK with only public members: kty and n/e or crv/x/y, then "alg",
    // "use": "sig", and "kid" unless `kid` is empty.
    nlohmann::json public_jwk(std::string_view kid) const;

    VerificationKey verification_key() const { return VerificationKey(m_alg, m_key); }

    // Return the raw JWS signature over `signing_input` (ES256: 64-byte R||S, not DER).
    std::string sign(std::string_view signing_input) const;

  private:
    SigningKey(JwsAlgorithm alg, std::shared_ptr<EVP_PKEY> key)
        : m_alg(alg), m_key(std::move(key)) {}

    JwsAlgorithm m_alg;
    std::shared_ptr<EVP_PKEY> m_key;
};

struct ParsedJws {
    nlohmann::json header;      // the decoded protected header, always a JSON object
    std::string payload;        // decoded payload bytes
    std::string signing_input;  // ASCII(base64url(header) '.' base64url(payload)), as received
    std::string signature;      // decoded signature bytes
};

constexpr std::size_t jws_default_max_bytes = 16384;

// Return the compact JWS of `payload` under `key`. `header` must be a JSON object; its "alg" is
// set from the key, whatever it held.
std::string jws_sign(const nlohmann::json& header, const std::string& payload,
                     const SigningKey& key);

// Split and decode a compact JWS without verifying it. Fail (ErrorCode::token) when it is longer
// than `max_bytes`, has other than three segments, an empty header or signature, a segment that
// is not strict unpadded base64url, a header that is not a JSON object, or a "crit" header
// (no extensions are understood, so RFC 7515 section 4.1.11 requires rejection).
Result<ParsedJws> jws_parse(std::string_view compact,
                            std::size_t max_bytes = jws_default_max_bytes);

// Return whether `jws` carries a valid signature by `key`. The header's "alg" must be a string
// equal to the key's algorithm name: a token cannot choose how it is checked.
bool jws_verify(const ParsedJws& jws, const VerificationKey& key);

}  // namespace janua::crypto
