// Published JOSE examples: RFC 7515 appendices A.2 (RS256) and A.3 (ES256), and RFC 8037
// appendices A.4 and A.5 (Ed25519). Values are copied from the RFCs' texts.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/crypto/encoding.hpp"
#include "core/crypto/jws.hpp"

using namespace janua::crypto;

namespace {

// RFC 7515 A.2.1 (and A.3.1): the JWS Payload, with its CRLF line breaks.
const std::string k_rfc7515_payload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

// RFC 7515 A.2.1: the RSA key.
const nlohmann::json k_rfc7515_rsa_jwk = {
    {"kty", "RSA"},
    {"n",
     "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
     "4qPCJrcS2mJPMEzP1Pt0Bm4d4"
     "QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMd"
     "bBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK"
     "-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"},
    {"e", "AQAB"},
    {"d",
     "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-"
     "7YwVol2NXOoA"
     "Je46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfp"
     "RLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDV"
     "ZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ"},
    {"p",
     "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_"
     "Py5PJd"
     "TJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc"},
    {"q",
     "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-"
     "7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_"
     "YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc"},
    {"dp",
     "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-"
     "FOKnu1R6H"
     "sJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0"},
    {"dq",
     "h_96-mK1R_"
     "7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF"
     "-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU"},
    {"qi",
     "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_"
     "QJQ3ydy5cY7YIB"
     "i87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"},
};

// RFC 7515 A.2.1: the complete JWS Compact Serialization.
const std::string k_rfc7515_rs256_jws =
    "eyJhbGciOiJSUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5ju"
    "jGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Q"
    "e7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI"
    "8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

// RFC 7515 A.3.1: the EC P-256 key.
const nlohmann::json k_rfc7515_ec_jwk = {
    {"kty", "EC"},
    {"crv", "P-256"},
    {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
    {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
    {"d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"},
};

// RFC 7515 A.3.1: the complete JWS Compact Serialization.
const std::string k_rfc7515_es256_jws =
    "eyJhbGciOiJFUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 8037 A.1: the Ed25519 key.
const nlohmann::json k_rfc8037_jwk = {
    {"kty", "OKP"},
    {"crv", "Ed25519"},
    {"d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
    {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
};

// RFC 8037 A.4: the JWS for the payload "Example of Ed25519 signing".
const std::string k_rfc8037_jws =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

nlohmann::json public_part(nlohmann::json jwk) {
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) jwk.erase(member);
    return jwk;
}

VerificationKey verification_key(const nlohmann::json& jwk) {
    auto key = VerificationKey::from_jwk(jwk);
    REQUIRE(key.ok());
    return *key;
}

SigningKey signing_key(const nlohmann::json& jwk) {
    auto key = SigningKey::from_jwk(jwk);
    REQUIRE(key.ok());
    return *key;
}

}  // namespace

TEST_CASE("RS256 signing reproduces RFC 7515 appendix A.2 exactly", "[crypto]") {
    const SigningKey key = signing_key(k_rfc7515_rsa_jwk);
    CHECK(key.algorithm() == JwsAlgorithm::rs256);
    CHECK(jws_sign({{"alg", "RS256"}}, k_rfc7515_payload, key) == k_rfc7515_rs256_jws);
    // The header's "alg" comes from the key, whatever the caller put there.
    CHECK(jws_sign({{"alg", "none"}}, k_rfc7515_payload, key) == k_rfc7515_rs256_jws);
}

TEST_CASE("RS256 verification accepts RFC 7515 appendix A.2 with its public key", "[crypto]") {
    const auto parsed = jws_parse(k_rfc7515_rs256_jws);
    REQUIRE(parsed.ok());
    CHECK(parsed->payload == k_rfc7515_payload);
    CHECK(parsed->header == nlohmann::json{{"alg", "RS256"}});
    CHECK(jws_verify(*parsed, verification_key(public_part(k_rfc7515_rsa_jwk))));
}

TEST_CASE("the public JWK of the RFC 7515 RSA key has exactly its public members", "[crypto]") {
    const auto jwk = signing_key(k_rfc7515_rsa_jwk).public_jwk("2011-04-29");
    CHECK(jwk == nlohmann::json{{"kty", "RSA"},
                                {"n", k_rfc7515_rsa_jwk["n"]},
                                {"e", "AQAB"},
                                {"alg", "RS256"},
                                {"use", "sig"},
                                {"kid", "2011-04-29"}});
}

TEST_CASE("ES256 verification accepts RFC 7515 appendix A.3 with its public key", "[crypto]") {
    const auto parsed = jws_parse(k_rfc7515_es256_jws);
    REQUIRE(parsed.ok());
    CHECK(parsed->payload == k_rfc7515_payload);
    CHECK(parsed->signature.size() == 64);
    const VerificationKey key = verification_key(public_part(k_rfc7515_ec_jwk));
    CHECK(key.algorithm() == JwsAlgorithm::es256);
    CHECK(jws_verify(*parsed, key));

    ParsedJws tampered = *parsed;
    tampered.signature[10] = static_cast<char>(tampered.signature[10] ^ 1);
    CHECK_FALSE(jws_verify(tampered, key));
}

TEST_CASE("ES256 signing with the RFC 7515 A.3 key verifies with its public key", "[crypto]") {
    // ECDSA is randomized, so only a round trip can be checked against this key.
    const SigningKey key = signing_key(k_rfc7515_ec_jwk);
    const std::string token = jws_sign({{"alg", "ES256"}}, k_rfc7515_payload, key);
    const auto parsed = jws_parse(token);
    REQUIRE(parsed.ok());
    CHECK(parsed->signature.size() == 64);
    CHECK(jws_verify(*parsed, verification_key(public_part(k_rfc7515_ec_jwk))));
    CHECK(key.public_jwk("") == nlohmann::json{{"kty", "EC"},
                                               {"crv", "P-256"},
                                               {"x", k_rfc7515_ec_jwk["x"]},
                                               {"y", k_rfc7515_ec_jwk["y"]},
                                               {"alg", "ES256"},
                                               {"use", "sig"}});
}

TEST_CASE("EdDSA signing reproduces RFC 8037 appendix A.4 exactly", "[crypto]") {
    const SigningKey key = signing_key(k_rfc8037_jwk);
    CHECK(key.algorithm() == JwsAlgorithm::eddsa);
    CHECK(jws_sign(nlohmann::json::object(), "Example of Ed25519 signing", key) == k_rfc8037_jws);
    CHECK(key.public_jwk("k1") == nlohmann::json{{"kty", "OKP"},
                                                 {"crv", "Ed25519"},
                                                 {"x", k_rfc8037_jwk["x"]},
                                                 {"alg", "EdDSA"},
                                                 {"use", "sig"},
                                                 {"kid", "k1"}});
}

TEST_CASE("EdDSA verification accepts RFC 8037 appendix A.5", "[crypto]") {
    const auto parsed = jws_parse(k_rfc8037_jws);
    REQUIRE(parsed.ok());
    CHECK(parsed->payload == "Example of Ed25519 signing");
    CHECK(jws_verify(*parsed, verification_key(public_part(k_rfc8037_jwk))));
}

TEST_CASE("a private JWK whose parts do not belong together is refused", "[crypto]") {
    nlohmann::json ed = k_rfc8037_jwk;
    ed["x"] = k_rfc7515_ec_jwk["x"];  // some other 32 bytes
    CHECK_FALSE(SigningKey::from_jwk(ed).ok());

    nlohmann::json ec = k_rfc7515_ec_jwk;
    ec["d"] = k_rfc8037_jwk["d"];
    CHECK_FALSE(SigningKey::from_jwk(ec).ok());

    nlohmann::json rsa = k_rfc7515_rsa_jwk;
    rsa["dp"] = k_rfc7515_rsa_jwk["dq"];
    CHECK_FALSE(SigningKey::from_jwk(rsa).ok());
    rsa.erase("dp");
    CHECK_FALSE(SigningKey::from_jwk(rsa).ok());
}
