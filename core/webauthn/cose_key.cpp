#include "core/webauthn/cose_key.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/jwk_codec.hpp"

#include <openssl/evp.h>

namespace janua::webauthn {
namespace {

Error key_error(const std::string& message) { return make_error(ErrorCode::validation, "credential public key: " + message); }

const std::string* bytes_member(const cbor::Value& map, std::int64_t label) {
    const auto* v = map.find(label);
    return v && v->type == cbor::Value::Type::bytes ? &v->string : nullptr;
}

}  // namespace

Result<PublicKey> public_key_from_cose(const cbor::Value& cose) {
    if (cose.type != cbor::Value::Type::map) return key_error("not a COSE_Key map");
    const auto* kty = cose.find(1);
    const auto* alg = cose.find(3);
    if (!kty || !kty->is_int() || !alg || !alg->is_int()) return key_error("kty and alg are required");
    nlohmann::json jwk;
    switch (alg->integer) {
        case k_cose_es256: {
            const auto* crv = cose.find(-1);
            const auto* x = bytes_member(cose, -2);
            const auto* y = bytes_member(cose, -3);
            if (kty->integer != 2 || !crv || !crv->is_int() || crv->integer != 1 || !x || !y)
                return key_error("ES256 needs an EC2 key on P-256 with x and y");
            jwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", crypto::base64url_encode(*x)}, {"y", crypto::base64url_encode(*y)}};
            break;
        }
        case k_cose_rs256: {
            const auto* n = bytes_member(cose, -1);
            const auto* e = bytes_member(cose, -2);
            if (kty->integer != 3 || !n || !e) return key_error("RS256 needs an RSA key with n and e");
            jwk = {{"kty", "RSA"}, {"n", crypto::base64url_encode(*n)}, {"e", crypto::base64url_encode(*e)}};
            break;
        }
        case k_cose_eddsa: {
            const auto* crv = cose.find(-1);
            const auto* x = bytes_member(cose, -2);
            if (kty->integer != 1 || !crv || !crv->is_int() || crv->integer != 6 || !x)
                return key_error("EdDSA needs an OKP key on Ed25519");
            jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", crypto::base64url_encode(*x)}};
            break;
        }
        default: return key_error("algorithm " + std::to_string(alg->integer) + " is not supported (ES256, RS256, EdDSA)");
    }
    auto key = crypto::detail::key_from_jwk(jwk, crypto::detail::JwkPart::public_key);
    if (!key) return key_error(key.error().message);
    return PublicKey{static_cast<int>(alg->integer), key->key};
}

Result<PublicKey> public_key_from_cose_bytes(std::string_view bytes) {
    std::string why;
    auto value = cbor::decode(bytes, &why);
    if (!value) return key_error("malformed CBOR (" + why + ")");
    return public_key_from_cose(*value);
}

bool verify_signature(int algorithm, EVP_PKEY* key, std::string_view data, std::string_view signature) {
    if (!key || signature.empty()) return false;
    const EVP_MD* md = nullptr;
    switch (algorithm) {
        case k_cose_es256:
            if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
            md = EVP_sha256();
            break;
        case k_cose_rs256:
            if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return false;
            md = EVP_sha256();
            break;
        case k_cose_eddsa:
            if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) return false;
            break;
        default: return false;
    }
    crypto::detail::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

bool verify_signature(const PublicKey& key, std::string_view data, std::string_view signature) {
    return verify_signature(key.algorithm, key.key.get(), data, signature);
}

}  // namespace janua::webauthn
