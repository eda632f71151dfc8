#include "core/crypto/encoding.hpp"

#include <catch2/catch.hpp>
#include <string>

using janua::crypto::base64_decode;
using janua::crypto::base64_encode;
using janua::crypto::Base64Padding;
using janua::crypto::base64url_decode;
using janua::crypto::base64url_encode;
using janua::crypto::hex_decode;
using janua::crypto::hex_encode;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[crypto]") {
    // RFC 4648 section 10, with the padding JOSE leaves off.
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("foob") == "Zm9vYg");
    CHECK(base64url_encode("fooba") == "Zm9vYmE");
    CHECK(base64url_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode("f", Base64Padding::required) == "Zg==");
    CHECK(base64url_encode("fo", Base64Padding::required) == "Zm8=");
}

TEST_CASE("base64url uses the URL-safe alphabet", "[crypto]") {
    const std::string bytes{"\xfb\xff\xbf", 3};
    CHECK(base64url_encode(bytes) == "-_-_");
    CHECK(base64_encode(bytes) == "+/+/");
    CHECK(base64url_decode("-_-_") == bytes);
}

TEST_CASE("base64url round trips every byte value and length", "[crypto]") {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
        const auto decoded = base64url_decode(base64url_encode(bytes));
        REQUIRE(decoded);
        CHECK(*decoded == bytes);
        const auto padded = base64url_decode(base64url_encode(bytes, Base64Padding::required),
                                             Base64Padding::required);
        REQUIRE(padded);
        CHECK(*padded == bytes);
    }
}

TEST_CASE("base64url decoding rejects what is not canonical base64url", "[crypto]") {
    CHECK_FALSE(base64url_decode("Zm9v!"));
    CHECK_FALSE(base64url_decode("Zm+v"));  // standard alphabet
    CHECK_FALSE(base64url_decode("Zm/v"));
    CHECK_FALSE(base64url_decode("Zm9 v"));  // whitespace
    CHECK_FALSE(base64url_decode("Zm9v\n"));
    CHECK_FALSE(base64url_decode("Z"));  // impossible length
    CHECK_FALSE(base64url_decode("Zm9vY"));
    CHECK_FALSE(base64url_decode("Zh"));  // non-zero leftover bits
    CHECK_FALSE(base64url_decode(std::string("Zm\0v", 4)));
}

TEST_CASE("base64url padding is accepted only where the mode allows it", "[crypto]") {
    CHECK_FALSE(base64url_decode("Zg=="));
    CHECK(base64url_decode("Zg==", Base64Padding::required) == "f");
    CHECK_FALSE(base64url_decode("Zg", Base64Padding::required));
    CHECK_FALSE(base64url_decode("Zg=", Base64Padding::required));
    CHECK_FALSE(base64url_decode("Zm8==", Base64Padding::required));
    CHECK_FALSE(base64url_decode("Zg==Zg==", Base64Padding::required));
    CHECK(base64url_decode("Zg", Base64Padding::optional) == "f");
    CHECK(base64url_decode("Zg==", Base64Padding::optional) == "f");
    CHECK_FALSE(base64url_decode("Zg=", Base64Padding::optional));
}

TEST_CASE("standard base64 encodes padded and decodes strictly", "[crypto]") {
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK_FALSE(base64_decode("Zm9vYg"));
    CHECK(base64_decode("Zm9vYg", Base64Padding::none) == "foob");
    CHECK_FALSE(base64_decode("Zm9v-_=="));
}

TEST_CASE("hex encodes lower case and decodes either case", "[crypto]") {
    CHECK(hex_encode(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
    CHECK(hex_decode("0001ABff") == std::string("\x00\x01\xab\xff", 4));
    CHECK_FALSE(hex_decode("abc"));
    CHECK_FALSE(hex_decode("zz"));
}
