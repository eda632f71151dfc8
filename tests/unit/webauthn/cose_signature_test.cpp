// COSE keys as authenticators encode them, built from OpenSSL keys, and the three signature
// algorithms Janua offers (the browser test only exercises ES256: Chromium's virtual
// authenticator makes P-256 keys).
#include "core/webauthn/cose_key.hpp"

#include <catch2/catch.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

using namespace janua::webauthn;

namespace {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string head(int major, std::size_t length) {
    std::string out;
    if (length < 24) {
        out += static_cast<char>((major << 5) | static_cast<int>(length));
    } else if (length < 256) {
        out += static_cast<char>((major << 5) | 24);
        out += static_cast<char>(length);
    } else {
        out += static_cast<char>((major << 5) | 25);
        out += static_cast<char>(length >> 8);
        out += static_cast<char>(length & 0xff);
    }
    return out;
}
std::string bstr(const std::string& bytes) { return head(2, bytes.size()) + bytes; }

std::string sign(EVP_PKEY* key, const EVP_MD* md, const std::string& data) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) == 1);
    std::size_t length = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &length, in, data.size()) == 1);
    std::string sig(length, '\0');
    REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &length, in, data.size()) == 1);
    sig.resize(length);
    return sig;
}

std::string bn_param(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}

void check_round_trip(EVP_PKEY* key, const EVP_MD* md, const std::string& cose, int algorithm) {
    auto parsed = public_key_from_cose_bytes(cose);
    INFO((parsed ? "" : parsed.error().message));
    REQUIRE(parsed);
    CHECK(parsed->algorithm == algorithm);
    const std::string data = "authenticator data || client data hash";
    std::string sig = sign(key, md, data);
    CHECK(verify_signature(*parsed, data, sig));
    CHECK_FALSE(verify_signature(*parsed, data + "x", sig));
    sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
    CHECK_FALSE(verify_signature(*parsed, data, sig));
}

}  // namespace

TEST_CASE("COSE ES256 keys verify DER ECDSA signatures", "[unit][webauthn]") {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
    REQUIRE(key);
    unsigned char point[65];
    std::size_t length = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) == 1);
    REQUIRE(length == 65);
    const std::string x(reinterpret_cast<char*>(point + 1), 32), y(reinterpret_cast<char*>(point + 33), 32);
    // {1: 2, 3: -7, -1: 1, -2: x, -3: y}
    const std::string cose = std::string("\xa5\x01\x02\x03\x26\x20\x01\x21", 8) + bstr(x) + "\x22" + bstr(y);
    check_round_trip(key.get(), EVP_sha256(), cose, k_cose_es256);
    // The same key announced as RS256 does not parse; a point off the curve is refused.
    CHECK_FALSE(public_key_from_cose_bytes(std::string("\xa5\x01\x02\x03\x39\x01\x00\x20\x01\x21", 10) + bstr(x) + "\x22" + bstr(y)));
    std::string bad_y = y;
    bad_y[0] = static_cast<char>(bad_y[0] ^ 0x01);
    CHECK_FALSE(public_key_from_cose_bytes(std::string("\xa5\x01\x02\x03\x26\x20\x01\x21", 8) + bstr(x) + "\x22" + bstr(bad_y)));
}

TEST_CASE("COSE RS256 keys verify PKCS#1 v1.5 SHA-256 signatures", "[unit][webauthn]") {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)), &EVP_PKEY_free);
    REQUIRE(key);
    // {1: 3, 3: -257, -1: n, -2: e}
    const std::string cose = std::string("\xa4\x01\x03\x03\x39\x01\x00\x20", 8) + bstr(bn_param(key.get(), "n")) + "\x21" +
                             bstr(bn_param(key.get(), "e"));
    check_round_trip(key.get(), EVP_sha256(), cose, k_cose_rs256);
}

TEST_CASE("COSE EdDSA keys verify Ed25519 signatures", "[unit][webauthn]") {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
    REQUIRE(key);
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    REQUIRE(EVP_PKEY_get_raw_public_key(key.get(), raw, &length) == 1);
    // {1: 1, 3: -8, -1: 6, -2: x}
    const std::string cose = std::string("\xa4\x01\x01\x03\x27\x20\x06\x21", 8) + bstr(std::string(reinterpret_cast<char*>(raw), 32));
    check_round_trip(key.get(), nullptr, cose, k_cose_eddsa);
}
