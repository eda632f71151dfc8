// DPoP proof checks (RFC 9449 4.3) and RFC 7638 thumbprints, with proofs signed by Janua's own
// crypto (the integration tests use jose and openid-client as the independent signers).
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/jws.hpp"
#include "core/oidc/dpop.hpp"

#include <catch2/catch.hpp>

using janua::crypto::JwsAlgorithm;
using janua::crypto::SigningKey;
using nlohmann::json;
using namespace janua::oidc;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;
const std::string k_url = "https://id.example.com/oauth/token";

std::string proof(const SigningKey& key, json claims, json header_extra = json::object()) {
    json header = {{"typ", "dpop+jwt"}, {"jwk", key.public_jwk("")}};
    header["jwk"].erase("alg");
    header["jwk"].erase("use");
    header.update(header_extra);
    return janua::crypto::jws_sign(header, claims.dump(), key);
}

json claims(const std::string& jti = "j-1") { return {{"htm", "POST"}, {"htu", k_url}, {"iat", k_now}, {"jti", jti}}; }

}  // namespace

TEST_CASE("RFC 7638 thumbprint of the RFC 7517 example RSA key", "[oidc][dpop]") {
    const json jwk = {
        {"kty", "RSA"},
        {"n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
              "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5"
              "hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
        {"e", "AQAB"},
        {"alg", "RS256"},
        {"kid", "2011-04-29"}};
    auto thumbprint = jwk_thumbprint(jwk);
    REQUIRE(thumbprint);
    CHECK(*thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    CHECK_FALSE(jwk_thumbprint({{"kty", "oct"}, {"k", "c2VjcmV0"}}));
}

TEST_CASE("a DPoP proof binds method, URL, time, jti and key", "[oidc][dpop]") {
    const auto alg = GENERATE(JwsAlgorithm::es256, JwsAlgorithm::eddsa, JwsAlgorithm::rs256);
    const auto key = SigningKey::generate(alg);
    auto ok = verify_dpop_proof(proof(key, claims()), "POST", k_url + "?ignored=1", k_now);
    REQUIRE(ok);
    CHECK(ok->jti == "j-1");
    CHECK(ok->jkt == *jwk_thumbprint(key.public_jwk("")));

    CHECK_FALSE(verify_dpop_proof(proof(key, claims()), "GET", k_url, k_now));                              // htm
    CHECK_FALSE(verify_dpop_proof(proof(key, claims()), "POST", "https://id.example.com/oauth/par", k_now));  // htu
    CHECK_FALSE(verify_dpop_proof(proof(key, claims()), "POST", k_url, k_now + k_dpop_max_age_seconds + 1));  // too old
    CHECK_FALSE(verify_dpop_proof(proof(key, claims()), "POST", k_url, k_now - k_dpop_max_skew_seconds - 1));  // future
    CHECK_FALSE(verify_dpop_proof(proof(key, claims(), {{"typ", "JWT"}}), "POST", k_url, k_now));
    auto no_jti = claims();
    no_jti.erase("jti");
    CHECK_FALSE(verify_dpop_proof(proof(key, no_jti), "POST", k_url, k_now));
    // Signed by one key, naming another in jwk.
    const auto other = SigningKey::generate(alg);
    json swapped = other.public_jwk("");
    swapped.erase("alg");
    swapped.erase("use");
    CHECK_FALSE(verify_dpop_proof(proof(key, claims(), {{"jwk", swapped}}), "POST", k_url, k_now));
}

TEST_CASE("a DPoP proof for a resource carries the access token's hash", "[oidc][dpop]") {
    const auto key = SigningKey::generate(JwsAlgorithm::es256);
    auto with_ath = claims();
    with_ath["htm"] = "GET";
    with_ath["ath"] = janua::crypto::base64url_encode(janua::crypto::sha256("the-token"));
    CHECK(verify_dpop_proof(proof(key, with_ath), "GET", k_url, k_now, std::string("the-token")));
    CHECK_FALSE(verify_dpop_proof(proof(key, with_ath), "GET", k_url, k_now, std::string("another-token")));
    auto without = claims();
    without["htm"] = "GET";
    CHECK_FALSE(verify_dpop_proof(proof(key, without), "GET", k_url, k_now, std::string("the-token")));
}

TEST_CASE("a DPoP proof must carry a public key", "[oidc][dpop]") {
    const auto key = SigningKey::generate(JwsAlgorithm::es256);
    json with_private = key.public_jwk("");
    with_private["d"] = "AAAA";
    CHECK_FALSE(verify_dpop_proof(proof(key, claims(), {{"jwk", with_private}}), "POST", k_url, k_now));
    CHECK_FALSE(verify_dpop_proof("not.a.proof", "POST", k_url, k_now));
}
