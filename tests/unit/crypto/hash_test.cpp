#include "core/crypto/hash.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

using namespace janua::crypto;

TEST_CASE("sha256 matches the FIPS 180-2 examples", "[crypto]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256("abc").size() == 32);
}

TEST_CASE("hmac_sha256 matches RFC 4231 test cases 1 and 2", "[crypto]") {
    CHECK(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac_sha256 accepts an empty key", "[crypto]") {
    CHECK(hmac_sha256("", "data").size() == 32);
    CHECK(hmac_sha256("", "data") != hmac_sha256("k", "data"));
}

TEST_CASE("constant_time_equals compares contents and lengths", "[crypto]") {
    CHECK(constant_time_equals("", ""));
    CHECK(constant_time_equals("secret", "secret"));
    CHECK_FALSE(constant_time_equals("secret", "secreT"));
    CHECK_FALSE(constant_time_equals("secret", "Secret"));
    CHECK_FALSE(constant_time_equals("secret", "secret2"));
    CHECK_FALSE(constant_time_equals("secret", ""));
    CHECK_FALSE(constant_time_equals("", "secret"));
    CHECK(constant_time_equals(std::string("a\0b", 3), std::string("a\0b", 3)));
    CHECK_FALSE(constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("pbkdf2 with SHA-1 matches RFC 6070", "[crypto]") {
    const auto sha1 = [](std::string_view p, std::string_view s, unsigned c, std::size_t len) {
        return hex_encode(pbkdf2_hmac(Pbkdf2Digest::sha1, p, s, c, len));
    };
    CHECK(sha1("password", "salt", 1, 20) == "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    CHECK(sha1("password", "salt", 2, 20) == "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    CHECK(sha1("password", "salt", 4096, 20) == "4b007901b765489abead49d926f721d065a429c1");
    CHECK(sha1("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25) ==
          "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    CHECK(sha1(std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096, 16) ==
          "56fa6aa75548099dcc37d7f03425e0c3");
}

TEST_CASE("pbkdf2 with SHA-256 and SHA-512 matches the published vectors", "[crypto]") {
    CHECK(hex_encode(pbkdf2_hmac(Pbkdf2Digest::sha256, "password", "salt", 1, 32)) ==
          "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    CHECK(hex_encode(pbkdf2_hmac(Pbkdf2Digest::sha256, "password", "salt", 4096, 32)) ==
          "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    CHECK(hex_encode(pbkdf2_hmac(Pbkdf2Digest::sha512, "password", "salt", 1, 64)) ==
          "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
          "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
}

TEST_CASE("pbkdf2 refuses impossible parameters", "[crypto]") {
    CHECK_THROWS_AS(pbkdf2_hmac(Pbkdf2Digest::sha256, "p", "s", 0, 32), std::invalid_argument);
    CHECK_THROWS_AS(pbkdf2_hmac(Pbkdf2Digest::sha256, "p", "s", 1, 0), std::invalid_argument);
}

TEST_CASE("pbkdf2_verify accepts the right password and nothing else", "[crypto]") {
    const std::string expected =
        *hex_decode("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    CHECK(pbkdf2_verify(Pbkdf2Digest::sha256, "password", "salt", 4096, expected));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha256, "Password", "salt", 4096, expected));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha256, "password", "salt", 4095, expected));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha1, "password", "salt", 4096, expected));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha256, "password", "salt", 0, expected));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha256, "password", "salt", 4096, ""));
    CHECK_FALSE(pbkdf2_verify(Pbkdf2Digest::sha256, "password", "salt", 4096, expected, 1000));
}

TEST_CASE("random_bytes gives the asked length and differs between calls", "[crypto]") {
    CHECK(random_bytes(0).empty());
    CHECK(random_bytes(17).size() == 17);
    CHECK(random_bytes(32) != random_bytes(32));
}

TEST_CASE("random_token is unpadded base64url of 256 bits by default", "[crypto]") {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const std::string token = random_token();
        CHECK(token.size() == 43);
        const auto decoded = base64url_decode(token);
        REQUIRE(decoded);
        CHECK(decoded->size() == 32);
        seen.insert(token);
    }
    CHECK(seen.size() == 50);
    CHECK(base64url_decode(random_token(16))->size() == 16);
}
