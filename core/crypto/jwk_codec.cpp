#include "core/crypto/jwk_codec.hpp"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include <array>
#include <string>
#include <vector>

#include "core/crypto/encoding.hpp"

namespace janua::crypto::detail {
namespace {

constexpr std::size_t k_p256_coordinate_bytes = 32;
constexpr std::size_t k_ed25519_key_bytes = 32;
constexpr int k_rsa_min_bits = 2048;
constexpr int k_rsa_max_bits = 8192;
// Real keys use 65537; a bound keeps a hostile JWKS from handing OpenSSL a giant exponent.
constexpr std::size_t k_rsa_max_exponent_bytes = 8;

Error jwk_error(const std::string& reason) {
    return make_error(ErrorCode::validation, "invalid JWK: " + reason);
}

const std::string* string_member(const nlohmann::json& jwk, const char* name) {
    const auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

Result<std::string> bytes_member(const nlohmann::json& jwk, const char* name) {
    const std::string* text = string_member(jwk, name);
    if (text == nullptr) return jwk_error(std::string("missing \"") + name + "\"");
    auto bytes = base64url_decode(*text);
    if (!bytes || bytes->empty()) {
        return jwk_error(std::string("\"") + name + "\" is not base64url");
    }
    return std::move(*bytes);
}

const unsigned char* as_bytes(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// Builds OSSL_PARAMs from big-endian integers, keeping each BIGNUM alive until the params exist.
class KeyParams {
  public:
    KeyParams() : m_builder(checked(OSSL_PARAM_BLD_new(), "OSSL_PARAM_BLD_new")) {}

    void push_integer(const char* name, const std::string& big_endian) {
        BIGNUM* number =
            checked(BN_bin2bn(as_bytes(big_endian), static_cast<int>(big_endian.size()), nullptr),
                    "BN_bin2bn");
        m_numbers.emplace_back(number);
        if (OSSL_PARAM_BLD_push_BN(m_builder.get(), name, number) != 1) {
            throw_openssl("OSSL_PARAM_BLD_push_BN");
        }
    }

    void push_text(const char* name, const char* value) {
        if (OSSL_PARAM_BLD_push_utf8_string(m_builder.get(), name, value, 0) != 1) {
            throw_openssl("OSSL_PARAM_BLD_push_utf8_string");
        }
    }

    void push_octets(const char* name, const std::string& value) {
        if (OSSL_PARAM_BLD_push_octet_string(m_builder.get(), name, value.data(), value.size()) !=
            1) {
            throw_openssl("OSSL_PARAM_BLD_push_octet_string");
        }
    }

    Result<SharedPkey> build(const char* type, int selection) {
        ParamPtr params(
            checked(OSSL_PARAM_BLD_to_param(m_builder.get()), "OSSL_PARAM_BLD_to_param"));
        PkeyCtxPtr ctx(checked(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr),
                               "EVP_PKEY_CTX_new_from_name"));
        if (EVP_PKEY_fromdata_init(ctx.get()) != 1) throw_openssl("EVP_PKEY_fromdata_init");
        EVP_PKEY* key = nullptr;
        if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) {
            ERR_clear_error();
            return jwk_error("OpenSSL rejects the key values");
        }
        return share_pkey(key);
    }

  private:
    ParamBldPtr m_builder;
    std::vector<BignumPtr> m_numbers;
};

// Ask OpenSSL to validate the key: on-curve points, sane RSA values, and for private keys that
// the private part belongs to the public one.
Status validate(EVP_PKEY* key, JwkPart part) {
    PkeyCtxPtr ctx(
        checked(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), "EVP_PKEY_CTX_new_from_pkey"));
    const int ok =
        part == JwkPart::private_key ? EVP_PKEY_check(ctx.get()) : EVP_PKEY_public_check(ctx.get());
    if (ok != 1) {
        ERR_clear_error();
        return jwk_error(part == JwkPart::private_key ? "private and public parts do not match"
                                                      : "not a valid public key");
    }
    return Ok{};
}

Result<SharedPkey> rsa_from_jwk(const nlohmann::json& jwk, JwkPart part) {
    auto n = bytes_member(jwk, "n");
    if (!n) return n.error();
    auto e = bytes_member(jwk, "e");
    if (!e) return e.error();
    if (e->size() > k_rsa_max_exponent_bytes) return jwk_error("RSA exponent too large");
    if (n->size() > static_cast<std::size_t>(k_rsa_max_bits / 8 + 1)) {
        return jwk_error("RSA modulus too large");
    }

    KeyParams params;
    params.push_integer(OSSL_PKEY_PARAM_RSA_N, *n);
    params.push_integer(OSSL_PKEY_PARAM_RSA_E, *e);
    if (part == JwkPart::private_key) {
        if (jwk.contains("oth")) return jwk_error("multi-prime RSA keys are not supported");
        static constexpr std::array<std::pair<const char*, const char*>, 6> private_members{{
            {"d", OSSL_PKEY_PARAM_RSA_D},
            {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
            {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
            {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
            {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
            {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
        }};
        for (const auto& [member, param] : private_members) {
            auto value = bytes_member(jwk, member);
            if (!value) return value.error();
            // No private value of a genuine key is longer than the modulus.
            if (value->size() > n->size()) return jwk_error("RSA private value too large");
            params.push_integer(param, *value);
        }
    }
    return params.build("RSA",
                        part == JwkPart::private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

Result<SharedPkey> p256_from_jwk(const nlohmann::json& jwk, JwkPart part) {
    auto x = bytes_member(jwk, "x");
    if (!x) return x.error();
    auto y = bytes_member(jwk, "y");
    if (!y) return y.error();
    // RFC 7518 section 6.2.1.2: coordinates are always the full field size.
    if (x->size() != k_p256_coordinate_bytes || y->size() != k_p256_coordinate_bytes) {
        return jwk_error("P-256 coordinates must be 32 bytes");
    }
    const std::string point = '\x04' + *x + *y;  // SEC 1 uncompressed point

    KeyParams params;
    params.push_text(OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1);
    params.push_octets(OSSL_PKEY_PARAM_PUB_KEY, point);
    if (part == JwkPart::private_key) {
        auto d = bytes_member(jwk, "d");
        if (!d) return d.error();
        if (d->size() != k_p256_coordinate_bytes) return jwk_error("P-256 \"d\" must be 32 bytes");
        params.push_integer(OSSL_PKEY_PARAM_PRIV_KEY, *d);
    }
    return params.build("EC",
                        part == JwkPart::private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

Result<SharedPkey> ed25519_from_jwk(const nlohmann::json& jwk, JwkPart part) {
    auto x = bytes_member(jwk, "x");
    if (!x) return x.error();
    if (x->size() != k_ed25519_key_bytes) return jwk_error("Ed25519 \"x\" must be 32 bytes");
    if (part == JwkPart::public_key) {
        EVP_PKEY* key =
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, as_bytes(*x), x->size());
        if (key == nullptr) {
            ERR_clear_error();
            return jwk_error("OpenSSL rejects the Ed25519 public key");
        }
        return share_pkey(key);
    }

    auto d = bytes_member(jwk, "d");
    if (!d) return d.error();
    if (d->size() != k_ed25519_key_bytes) return jwk_error("Ed25519 \"d\" must be 32 bytes");
    EVP_PKEY* raw =
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, as_bytes(*d), d->size());
    if (raw == nullptr) {
        ERR_clear_error();
        return jwk_error("OpenSSL rejects the Ed25519 private key");
    }
    SharedPkey key = share_pkey(raw);
    std::string derived(k_ed25519_key_bytes, '\0');
    std::size_t length = derived.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(derived.data()),
                                    &length) != 1) {
        throw_openssl("EVP_PKEY_get_raw_public_key");
    }
    if (derived != *x) return jwk_error("private and public parts do not match");
    return key;
}

std::string bignum_bytes(const BIGNUM* number, int padded_length = 0) {
    const int length = padded_length > 0 ? padded_length : BN_num_bytes(number);
    std::string out(static_cast<std::size_t>(length), '\0');
    const int written =
        padded_length > 0
            ? BN_bn2binpad(number, reinterpret_cast<unsigned char*>(out.data()), padded_length)
            : BN_bn2bin(number, reinterpret_cast<unsigned char*>(out.data()));
    if (written != length) throw_openssl("BN_bn2bin");
    return out;
}

BignumPtr bignum_param(EVP_PKEY* key, const char* name) {
    BIGNUM* number = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &number) != 1) throw_openssl("EVP_PKEY_get_bn_param");
    return BignumPtr(number);
}

}  // namespace

Result<JwkKey> key_from_jwk(const nlohmann::json& jwk, JwkPart part) {
    if (!jwk.is_object()) return jwk_error("not a JSON object");
    const std::string* kty = string_member(jwk, "kty");
    if (kty == nullptr) return jwk_error("missing \"kty\"");
    const std::string* crv = string_member(jwk, "crv");

    JwsAlgorithm alg;
    if (*kty == "RSA") {
        alg = JwsAlgorithm::rs256;
    } else if (*kty == "EC" && crv != nullptr && *crv == "P-256") {
        alg = JwsAlgorithm::es256;
    } else if (*kty == "OKP" && crv != nullptr && *crv == "Ed25519") {
        alg = JwsAlgorithm::eddsa;
    } else {
        return jwk_error("unsupported key type or curve");
    }

    if (jwk.contains("alg")) {
        const std::string* named = string_member(jwk, "alg");
        if (named == nullptr || *named != jws_algorithm_name(alg)) {
            return jwk_error("\"alg\" does not match the key type");
        }
    }
    if (jwk.contains("use")) {
        const std::string* use = string_member(jwk, "use");
        if (use == nullptr || *use != "sig") return jwk_error("\"use\" is not \"sig\"");
    }

    Result<SharedPkey> key = alg == JwsAlgorithm::rs256   ? rsa_from_jwk(jwk, part)
                             : alg == JwsAlgorithm::es256 ? p256_from_jwk(jwk, part)
                                                          : ed25519_from_jwk(jwk, part);
    if (!key) return key.error();
    if (auto suits = check_key_suits(key->get(), alg); !suits) return suits.error();
    if (auto valid = validate(key->get(), part); !valid) return valid.error();
    return JwkKey{alg, std::move(*key)};
}

nlohmann::json public_jwk_members(EVP_PKEY* key, JwsAlgorithm alg) {
    switch (alg) {
        case JwsAlgorithm::rs256: {
            const auto n = bignum_param(key, OSSL_PKEY_PARAM_RSA_N);
            const auto e = bignum_param(key, OSSL_PKEY_PARAM_RSA_E);
            return {{"kty", "RSA"},
                    {"n", base64url_encode(bignum_bytes(n.get()))},
                    {"e", base64url_encode(bignum_bytes(e.get()))}};
        }
        case JwsAlgorithm::es256: {
            const auto x = bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_X);
            const auto y = bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_Y);
            constexpr int width = static_cast<int>(k_p256_coordinate_bytes);
            return {{"kty", "EC"},
                    {"crv", "P-256"},
                    {"x", base64url_encode(bignum_bytes(x.get(), width))},
                    {"y", base64url_encode(bignum_bytes(y.get(), width))}};
        }
        case JwsAlgorithm::eddsa: {
            std::string x(k_ed25519_key_bytes, '\0');
            std::size_t length = x.size();
            if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(x.data()),
                                            &length) != 1 ||
                length != x.size()) {
                throw_openssl("EVP_PKEY_get_raw_public_key");
            }
            return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(x)}};
        }
    }
    throw std::invalid_argument("unknown JWS algorithm");
}

Status check_key_suits(EVP_PKEY* key, JwsAlgorithm alg) {
    switch (alg) {
        case JwsAlgorithm::rs256: {
            if (EVP_PKEY_is_a(key, "RSA") != 1) return jwk_error("RS256 needs an RSA key");
            const int bits = EVP_PKEY_get_bits(key);
            if (bits < k_rsa_min_bits || bits > k_rsa_max_bits) {
                return jwk_error("RSA key must have 2048 to 8192 bits");
            }
            return Ok{};
        }
        case JwsAlgorithm::es256: {
            std::array<char, 64> name{};
            std::size_t length = 0;
            if (EVP_PKEY_is_a(key, "EC") != 1 ||
                EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) {
                ERR_clear_error();
                return jwk_error("ES256 needs an EC key on a named curve");
            }
            int nid = OBJ_sn2nid(name.data());
            if (nid == NID_undef) nid = EC_curve_nist2nid(name.data());
            if (nid != NID_X9_62_prime256v1) return jwk_error("ES256 needs a P-256 key");
            return Ok{};
        }
        case JwsAlgorithm::eddsa:
            if (EVP_PKEY_is_a(key, "ED25519") != 1) return jwk_error("EdDSA needs an Ed25519 key");
            return Ok{};
    }
    return jwk_error("unknown algorithm");
}

}  // namespace janua::crypto::detail
