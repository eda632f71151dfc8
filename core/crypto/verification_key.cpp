#include "core/crypto/jwk_codec.hpp"
#include "core/crypto/jws.hpp"
#include "core/crypto/openssl_ptr.hpp"

namespace janua::crypto {

using detail::BignumPtr;
using detail::checked;
using detail::EcdsaSigPtr;
using detail::MdCtxPtr;

namespace {

constexpr std::size_t k_es256_signature_bytes = 64;
constexpr std::size_t k_ed25519_signature_bytes = 64;

// Rebuild the DER form OpenSSL verifies from JOSE's fixed-width R||S; nullopt if impossible.
std::optional<std::string> jose_to_der(std::string_view signature) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
    constexpr int half = static_cast<int>(k_es256_signature_bytes / 2);
    BignumPtr r(checked(BN_bin2bn(bytes, half, nullptr), "BN_bin2bn"));
    BignumPtr s(checked(BN_bin2bn(bytes + half, half, nullptr), "BN_bin2bn"));
    EcdsaSigPtr sig(checked(ECDSA_SIG_new(), "ECDSA_SIG_new"));
    if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    // ECDSA_SIG_set0 took ownership of both numbers.
    (void)r.release();
    (void)s.release();
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig.get(), &der);
    if (length <= 0) {
        ERR_clear_error();
        return std::nullopt;
    }
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

}  // namespace

Result<VerificationKey> VerificationKey::from_jwk(const nlohmann::json& jwk) {
    auto parsed = detail::key_from_jwk(jwk, detail::JwkPart::public_key);
    if (!parsed) return parsed.error();
    return VerificationKey(parsed->alg, std::move(parsed->key));
}

bool VerificationKey::verify(std::string_view signing_input, std::string_view signature) const {
    std::string der;
    std::string_view checked_signature = signature;
    switch (m_alg) {
        case JwsAlgorithm::rs256:
            // RFC 8017 section 8.2.2: the signature is exactly as long as the modulus.
            if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(m_key.get()))) {
                return false;
            }
            break;
        case JwsAlgorithm::es256: {
            if (signature.size() != k_es256_signature_bytes) return false;
            auto converted = jose_to_der(signature);
            if (!converted) return false;
            der = std::move(*converted);
            checked_signature = der;
            break;
        }
        case JwsAlgorithm::eddsa:
            if (signature.size() != k_ed25519_signature_bytes) return false;
            break;
    }

    MdCtxPtr ctx(checked(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
    const EVP_MD* md = m_alg == JwsAlgorithm::eddsa ? nullptr : EVP_sha256();
    const bool valid =
        EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, m_key.get()) == 1 &&
        EVP_DigestVerify(
            ctx.get(), reinterpret_cast<const unsigned char*>(checked_signature.data()),
            checked_signature.size(), reinterpret_cast<const unsigned char*>(signing_input.data()),
            signing_input.size()) == 1;
    // A bad signature leaves reasons on the thread's error queue; they are not errors here.
    ERR_clear_error();
    return valid;
}

}  // namespace janua::crypto
