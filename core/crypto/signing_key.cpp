#include <openssl/pem.h>

#include <climits>

#include "core/crypto/jwk_codec.hpp"
#include "core/crypto/jws.hpp"
#include "core/crypto/openssl_ptr.hpp"

namespace janua::crypto {

using detail::BioPtr;
using detail::checked;
using detail::EcdsaSigPtr;
using detail::MdCtxPtr;
using detail::PkeyCtxPtr;
using detail::throw_openssl;

namespace {

constexpr int k_rsa_generated_bits = 2048;
constexpr int k_p256_scalar_bytes = 32;

detail::SharedPkey generate_pkey(JwsAlgorithm alg) {
    const char* type = alg == JwsAlgorithm::rs256   ? "RSA"
                       : alg == JwsAlgorithm::es256 ? "EC"
                                                    : "ED25519";
    PkeyCtxPtr ctx(
        checked(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), "EVP_PKEY_CTX_new_from_name"));
    if (EVP_PKEY_keygen_init(ctx.get()) != 1) throw_openssl("EVP_PKEY_keygen_init");
    if (alg == JwsAlgorithm::rs256 &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), k_rsa_generated_bits) != 1) {
        throw_openssl("EVP_PKEY_CTX_set_rsa_keygen_bits");
    }
    if (alg == JwsAlgorithm::es256 && EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1) {
        throw_openssl("EVP_PKEY_CTX_set_group_name");
    }
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &key) != 1) throw_openssl("EVP_PKEY_generate");
    return detail::share_pkey(key);
}

// A PEM passphrase callback that refuses: keys are stored unencrypted inside Fernet, and the
// default callback would prompt on the terminal of a daemon.
int refuse_passphrase(char*, int, int, void*) {
    return -1;
}

// JOSE wants R||S with each half padded to the curve size (RFC 7518 section 3.4), not DER.
std::string der_to_jose(const std::string& der) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!sig) throw_openssl("d2i_ECDSA_SIG");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * k_p256_scalar_bytes, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, bytes, k_p256_scalar_bytes) != k_p256_scalar_bytes ||
        BN_bn2binpad(s, bytes + k_p256_scalar_bytes, k_p256_scalar_bytes) != k_p256_scalar_bytes) {
        throw_openssl("BN_bn2binpad");
    }
    return out;
}

}  // namespace

SigningKey SigningKey::generate(JwsAlgorithm alg) {
    return SigningKey(alg, generate_pkey(alg));
}

Result<SigningKey> SigningKey::from_private_pem(JwsAlgorithm alg, std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX)) {
        return make_error(ErrorCode::validation, "invalid private key PEM");
    }
    BioPtr bio(
        checked(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr);
    if (raw == nullptr) {
        ERR_clear_error();
        return make_error(ErrorCode::validation, "invalid private key PEM");
    }
    detail::SharedPkey key = detail::share_pkey(raw);
    if (auto suits = detail::check_key_suits(key.get(), alg); !suits) {
        return make_error(ErrorCode::validation,
                          "private key does not suit " + std::string(jws_algorithm_name(alg)));
    }
    return SigningKey(alg, std::move(key));
}

Result<SigningKey> SigningKey::from_jwk(const nlohmann::json& jwk) {
    auto parsed = detail::key_from_jwk(jwk, detail::JwkPart::private_key);
    if (!parsed) return parsed.error();
    return SigningKey(parsed->alg, std::move(parsed->key));
}

std::string SigningKey::private_pem() const {
    BioPtr bio(checked(BIO_new(BIO_s_mem()), "BIO_new"));
    if (PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        throw_openssl("PEM_write_bio_PrivateKey");
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

nlohmann::json SigningKey::public_jwk(std::string_view kid) const {
    nlohmann::json jwk = detail::public_jwk_members(m_key.get(), m_alg);
    jwk["alg"] = std::string(jws_algorithm_name(m_alg));
    jwk["use"] = "sig";
    if (!kid.empty()) jwk["kid"] = std::string(kid);
    return jwk;
}

std::string SigningKey::sign(std::string_view signing_input) const {
    MdCtxPtr ctx(checked(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
    // Ed25519 hashes internally and takes no digest; the others sign a SHA-256 digest.
    const EVP_MD* md = m_alg == JwsAlgorithm::eddsa ? nullptr : EVP_sha256();
    if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, m_key.get()) != 1) {
        throw_openssl("EVP_DigestSignInit");
    }
    std::size_t length = static_cast<std::size_t>(EVP_PKEY_get_size(m_key.get()));
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw_openssl("EVP_DigestSign");
    }
    signature.resize(length);
    return m_alg == JwsAlgorithm::es256 ? der_to_jose(signature) : signature;
}

}  // namespace janua::crypto
