#include "core/crypto/jws.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

using namespace janua::crypto;

namespace {

// Return `token` with its header replaced by `header`, keeping payload and signature.
std::string with_header(const std::string& token, const nlohmann::json& header) {
    return base64url_encode(header.dump()) + token.substr(token.find('.'));
}

bool verifies(const std::string& token, const VerificationKey& key) {
    const auto parsed = jws_parse(token);
    return parsed.ok() && jws_verify(*parsed, key);
}

// One generated key per algorithm for the whole run: RSA generation takes a while.
const SigningKey& key_for(JwsAlgorithm alg) {
    static const SigningKey rs256 = SigningKey::generate(JwsAlgorithm::rs256);
    static const SigningKey es256 = SigningKey::generate(JwsAlgorithm::es256);
    static const SigningKey eddsa = SigningKey::generate(JwsAlgorithm::eddsa);
    switch (alg) {
        case JwsAlgorithm::rs256:
            return rs256;
        case JwsAlgorithm::es256:
            return es256;
        case JwsAlgorithm::eddsa:
            return eddsa;
    }
    FAIL("unknown algorithm");
    return eddsa;
}

const auto k_all_algorithms = {JwsAlgorithm::rs256, JwsAlgorithm::es256, JwsAlgorithm::eddsa};

}  // namespace

TEST_CASE("JWS algorithm names convert both ways and nothing else converts", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        CHECK(jws_algorithm_from_name(jws_algorithm_name(alg)) == alg);
    }
    CHECK(jws_algorithm_name(JwsAlgorithm::rs256) == "RS256");
    CHECK(jws_algorithm_name(JwsAlgorithm::es256) == "ES256");
    CHECK(jws_algorithm_name(JwsAlgorithm::eddsa) == "EdDSA");
    for (const char* other : {"none", "HS256", "rs256", "EDDSA", "PS256", "ES384", ""}) {
        CHECK_FALSE(jws_algorithm_from_name(other));
    }
}

TEST_CASE("a JWS signed with a generated key verifies with its public JWK", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        INFO(jws_algorithm_name(alg));
        const SigningKey& key = key_for(alg);
        CHECK(key.algorithm() == alg);
        const std::string token =
            jws_sign({{"typ", "JWT"}, {"kid", "k1"}}, R"({"sub":"user_1"})", key);
        const auto public_key = VerificationKey::from_jwk(key.public_jwk("k1"));
        REQUIRE(public_key.ok());
        CHECK(public_key->algorithm() == alg);

        const auto parsed = jws_parse(token);
        REQUIRE(parsed.ok());
        CHECK(parsed->header["alg"] == jws_algorithm_name(alg));
        CHECK(parsed->header["kid"] == "k1");
        CHECK(parsed->payload == R"({"sub":"user_1"})");
        CHECK(jws_verify(*parsed, *public_key));
        CHECK(jws_verify(*parsed, key.verification_key()));
    }
}

TEST_CASE("a public JWK carries no private member", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        const auto jwk = key_for(alg).public_jwk("kid-1");
        for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
            CHECK_FALSE(jwk.contains(member));
        }
        CHECK(jwk["use"] == "sig");
        CHECK(jwk["kid"] == "kid-1");
        CHECK(jwk["alg"] == jws_algorithm_name(alg));
    }
    CHECK_FALSE(key_for(JwsAlgorithm::eddsa).public_jwk("").contains("kid"));
}

TEST_CASE("a generated RSA key has 2048 bits", "[crypto]") {
    const auto n =
        base64url_decode(key_for(JwsAlgorithm::rs256).public_jwk("")["n"].get<std::string>());
    REQUIRE(n);
    CHECK(n->size() == 256);
}

TEST_CASE("a signing key survives a PEM round trip", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        const SigningKey& key = key_for(alg);
        const std::string pem = key.private_pem();
        CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        const auto reread = SigningKey::from_private_pem(alg, pem);
        REQUIRE(reread.ok());
        CHECK(reread->public_jwk("x") == key.public_jwk("x"));
        CHECK(verifies(jws_sign(nlohmann::json::object(), "p", *reread), key.verification_key()));
    }
}

TEST_CASE("a PEM key of the wrong type or a broken PEM is refused", "[crypto]") {
    const std::string ec_pem = key_for(JwsAlgorithm::es256).private_pem();
    CHECK_FALSE(SigningKey::from_private_pem(JwsAlgorithm::rs256, ec_pem).ok());
    CHECK_FALSE(SigningKey::from_private_pem(JwsAlgorithm::eddsa, ec_pem).ok());
    CHECK_FALSE(SigningKey::from_private_pem(JwsAlgorithm::es256, "").ok());
    CHECK_FALSE(
        SigningKey::from_private_pem(
            JwsAlgorithm::es256, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .ok());
    CHECK_FALSE(
        SigningKey::from_private_pem(JwsAlgorithm::es256, ec_pem.substr(0, ec_pem.size() / 2))
            .ok());
}

TEST_CASE("a JWS with a changed payload does not verify", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        const SigningKey& key = key_for(alg);
        const std::string token = jws_sign(nlohmann::json::object(), R"({"admin":false})", key);
        const std::size_t first = token.find('.');
        const std::size_t second = token.find('.', first + 1);
        const std::string forged = token.substr(0, first + 1) +
                                   base64url_encode(R"({"admin":true})") + token.substr(second);
        CHECK(verifies(token, key.verification_key()));
        CHECK_FALSE(verifies(forged, key.verification_key()));
    }
}

TEST_CASE("a JWS whose header says alg none never verifies", "[crypto]") {
    for (const JwsAlgorithm alg : k_all_algorithms) {
        const SigningKey& key = key_for(alg);
        const std::string token = jws_sign(nlohmann::json::object(), "payload", key);
        CHECK_FALSE(verifies(with_header(token, {{"alg", "none"}}), key.verification_key()));
        CHECK_FALSE(verifies(with_header(token, {{"typ", "JWT"}}), key.verification_key()));
        CHECK_FALSE(verifies(with_header(token, {{"alg", nullptr}}), key.verification_key()));
        // An unsigned token (empty signature segment) does not even parse.
        CHECK_FALSE(jws_parse(token.substr(0, token.rfind('.') + 1)).ok());
    }
}

TEST_CASE("a JWS whose header alg differs from the key's never verifies", "[crypto]") {
    const SigningKey& rsa = key_for(JwsAlgorithm::rs256);
    const std::string token = jws_sign(nlohmann::json::object(), "payload", rsa);
    CHECK(verifies(token, rsa.verification_key()));
    for (const char* other : {"HS256", "RS384", "PS256", "rs256", "ES256", "EdDSA"}) {
        CHECK_FALSE(verifies(with_header(token, {{"alg", other}}), rsa.verification_key()));
    }
    // A token for one key type does not verify under another.
    CHECK_FALSE(verifies(token, key_for(JwsAlgorithm::es256).verification_key()));
    CHECK_FALSE(verifies(token, key_for(JwsAlgorithm::eddsa).verification_key()));

    // The classic confusion: HS256 "signed" with the RSA public key as the HMAC secret.
    const std::string public_key_text = rsa.public_jwk("").dump();
    const std::string input =
        base64url_encode(R"({"alg":"HS256"})") + "." + base64url_encode("payload");
    const std::string forged = input + "." + base64url_encode(hmac_sha256(public_key_text, input));
    CHECK_FALSE(verifies(forged, rsa.verification_key()));
}

TEST_CASE("ES256 verification needs exactly 64 signature bytes", "[crypto]") {
    const SigningKey& key = key_for(JwsAlgorithm::es256);
    const std::string input = "header.payload";
    const std::string signature = key.sign(input);
    REQUIRE(signature.size() == 64);
    const VerificationKey public_key = key.verification_key();
    CHECK(public_key.verify(input, signature));
    CHECK_FALSE(public_key.verify(input, signature.substr(0, 63)));
    CHECK_FALSE(public_key.verify(input, signature + '\0'));
    CHECK_FALSE(public_key.verify(input, std::string(1, '\0') + signature));
    CHECK_FALSE(public_key.verify(input, std::string(64, '\0')));
    CHECK_FALSE(public_key.verify(input, std::string(64, '\xff')));
    CHECK_FALSE(public_key.verify(input, ""));
}

TEST_CASE("RS256 and EdDSA verification refuse signatures of the wrong length", "[crypto]") {
    for (const JwsAlgorithm alg : {JwsAlgorithm::rs256, JwsAlgorithm::eddsa}) {
        const SigningKey& key = key_for(alg);
        const std::string signature = key.sign("in");
        CHECK(key.verification_key().verify("in", signature));
        CHECK_FALSE(key.verification_key().verify("in", signature.substr(1)));
        CHECK_FALSE(key.verification_key().verify("in", signature + 'x'));
        CHECK_FALSE(key.verification_key().verify("in", ""));
    }
}

TEST_CASE("jws_parse refuses truncated, garbled and oversize tokens", "[crypto]") {
    const std::string token = jws_sign({{"typ", "JWT"}}, "payload", key_for(JwsAlgorithm::eddsa));
    REQUIRE(jws_parse(token).ok());

    const std::string header = token.substr(0, token.find('.'));
    for (const std::string& bad : {
             std::string(),
             std::string("."),
             std::string(".."),
             std::string("..."),
             std::string("abc"),
             token.substr(0, token.rfind('.')),        // two segments
             token + ".extra",                         // four segments
             token + "=",                              // padding
             "." + token.substr(token.find('.') + 1),  // empty header
             token.substr(0, token.size() - 1) + "!",
             "e30." + token.substr(token.find('.') + 1).replace(0, 1, "*"),
             base64url_encode("[]") + token.substr(token.find('.')),         // header not an object
             base64url_encode("{\"alg\":") + token.substr(token.find('.')),  // header not JSON
             base64url_encode("\"EdDSA\"") + token.substr(token.find('.')),
             base64url_encode(R"({"alg":"EdDSA","crit":["exp"]})") + token.substr(token.find('.')),
         }) {
        INFO(bad);
        const auto parsed = jws_parse(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == janua::ErrorCode::token);
    }

    const std::string big_payload(20000, 'a');
    const std::string big =
        jws_sign(nlohmann::json::object(), big_payload, key_for(JwsAlgorithm::eddsa));
    CHECK_FALSE(jws_parse(big).ok());
    CHECK(jws_parse(big, 65536).ok());
    CHECK_FALSE(jws_parse(token, token.size() - 1).ok());
    CHECK(jws_parse(token, token.size()).ok());
}

TEST_CASE("jws_sign refuses a header that is not an object", "[crypto]") {
    CHECK_THROWS_AS(jws_sign(nlohmann::json::array(), "p", key_for(JwsAlgorithm::eddsa)),
                    std::invalid_argument);
}

TEST_CASE("VerificationKey::from_jwk refuses unsupported and malformed keys", "[crypto]") {
    const nlohmann::json ec = key_for(JwsAlgorithm::es256).public_jwk("k");
    const nlohmann::json rsa = key_for(JwsAlgorithm::rs256).public_jwk("k");
    const nlohmann::json ed = key_for(JwsAlgorithm::eddsa).public_jwk("k");
    REQUIRE(VerificationKey::from_jwk(ec).ok());
    REQUIRE(VerificationKey::from_jwk(rsa).ok());
    REQUIRE(VerificationKey::from_jwk(ed).ok());

    const auto refused = [](nlohmann::json jwk, const char* member, nlohmann::json value) {
        if (value.is_null()) {
            jwk.erase(member);
        } else {
            jwk[member] = std::move(value);
        }
        return !VerificationKey::from_jwk(jwk).ok();
    };
    CHECK_FALSE(VerificationKey::from_jwk(nlohmann::json::array()).ok());
    CHECK_FALSE(VerificationKey::from_jwk({{"kty", "oct"}, {"k", "c2VjcmV0"}}).ok());
    CHECK(refused(ec, "kty", nullptr));
    CHECK(refused(ec, "kty", "ec"));
    CHECK(refused(ec, "crv", "P-384"));
    CHECK(refused(ec, "crv", nullptr));
    CHECK(refused(ec, "x", nullptr));
    CHECK(refused(ec, "x", 42));
    CHECK(refused(ec, "x", "not base64url!"));
    CHECK(refused(ec, "x", base64url_encode(std::string(31, '\x01'))));
    CHECK(refused(ec, "y", base64url_encode(std::string(32, '\x01'))));  // off the curve
    CHECK(refused(ec, "alg", "RS256"));
    CHECK(refused(ec, "alg", "ES384"));
    CHECK(refused(ec, "use", "enc"));
    CHECK(refused(ed, "crv", "X25519"));
    CHECK(refused(ed, "x", base64url_encode(std::string(33, '\x01'))));
    CHECK(refused(rsa, "e", nullptr));
    CHECK(refused(rsa, "n", base64url_encode(std::string(128, '\xc3'))));  // 1024 bits
    CHECK(refused(rsa, "e", base64url_encode(std::string(16, '\x01'))));
    CHECK(refused(rsa, "alg", "PS256"));

    // Private members in a public JWK are ignored, not an error.
    nlohmann::json with_private = ec;
    with_private["d"] = "anything";
    CHECK(VerificationKey::from_jwk(with_private).ok());
}
