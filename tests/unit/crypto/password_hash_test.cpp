#include "core/crypto/password_hash.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

using namespace janua::crypto;

namespace {

// crypt_blowfish's own test vectors (Openwall), also in OpenBSD's and John the Ripper's suites.
constexpr const char* k_uu_2a = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
constexpr const char* k_uu_2y = "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
constexpr const char* k_uuu_2a = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK";
constexpr const char* k_empty_2a = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy";
constexpr const char* k_long_2a = "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui";
constexpr const char* k_long_password =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "chars after 72 are ignored";
// PHP's ext/standard/tests/password/password_verify.phpt.
constexpr const char* k_php_2y = "$2y$07$usesomesillystringfore2uDLvp1Ii2e./U9C8sBjqp8I90dH6hi";

}  // namespace

TEST_CASE("bcrypt verifies a password against its own hash", "[crypto]") {
    const std::string hash = bcrypt_hash("correct horse battery staple", 4);
    CHECK(hash.size() == 60);
    CHECK(hash.rfind("$2b$04$", 0) == 0);
    CHECK(bcrypt_verify("correct horse battery staple", hash));
    CHECK(bcrypt_hash("correct horse battery staple", 4) != hash);  // fresh salt
}

TEST_CASE("bcrypt refuses a wrong password", "[crypto]") {
    const std::string hash = bcrypt_hash("correct horse battery staple", 4);
    CHECK_FALSE(bcrypt_verify("correct horse battery stapl", hash));
    CHECK_FALSE(bcrypt_verify("Correct horse battery staple", hash));
    CHECK_FALSE(bcrypt_verify("", hash));
}

TEST_CASE("bcrypt verifies the published $2a$ and $2y$ vectors", "[crypto]") {
    CHECK(bcrypt_verify("U*U", k_uu_2a));
    CHECK(bcrypt_verify("U*U", k_uu_2y));
    CHECK(bcrypt_verify("U*U*", k_uuu_2a));
    CHECK(bcrypt_verify("", k_empty_2a));
    CHECK(bcrypt_verify("rasmuslerdorf", k_php_2y));
    CHECK_FALSE(bcrypt_verify("U*V", k_uu_2a));
    CHECK_FALSE(bcrypt_verify("U*U", k_uuu_2a));
    CHECK_FALSE(bcrypt_verify("rasmuslerdorF", k_php_2y));
}

TEST_CASE("bcrypt keeps the standard 72-byte limit when verifying", "[crypto]") {
    const std::string long_password = k_long_password;
    CHECK(bcrypt_verify(long_password, k_long_2a));
    CHECK(bcrypt_verify(long_password.substr(0, bcrypt_max_password_bytes), k_long_2a));
    CHECK_FALSE(bcrypt_verify(long_password.substr(0, bcrypt_max_password_bytes - 1), k_long_2a));
}

TEST_CASE("bcrypt_cost reads the cost of well-formed hashes only", "[crypto]") {
    CHECK(bcrypt_cost(k_uu_2a) == 5);
    CHECK(bcrypt_cost(k_php_2y) == 7);
    CHECK(bcrypt_cost(bcrypt_hash("pw", 4)) == 4);
    CHECK(bcrypt_cost("$2b$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW") == 12);
    CHECK(bcrypt_cost("") == -1);
    CHECK(bcrypt_cost("$2a$05$") == -1);
    CHECK(bcrypt_cost("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW") == -1);
    CHECK(bcrypt_cost("$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW") == -1);
    CHECK(bcrypt_cost("$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW") == -1);
    CHECK(bcrypt_cost("$2a$5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWx") == -1);
    CHECK(bcrypt_cost("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!") == -1);
}

TEST_CASE("bcrypt_verify returns false for malformed or non-bcrypt hashes", "[crypto]") {
    for (const std::string hash : {
             "",
             "not-a-hash",
             "*0",
             "rl.3StKT.4T8M",  // DES crypt, which crypt(3) would happily check
             "$1$saltsalt$ZqjpJgzbWSOgfTQ6BQHWd.",
             "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
             "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
             "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW",
             "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX",
             " $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
         }) {
        INFO(hash);
        CHECK_FALSE(bcrypt_verify("U*U", hash));
    }
}

TEST_CASE("bcrypt refuses passwords with a NUL byte rather than cutting them", "[crypto]") {
    const std::string hash = bcrypt_hash("abc", 4);
    CHECK_FALSE(bcrypt_verify(std::string("abc\0def", 7), hash));
    CHECK_THROWS_AS(bcrypt_hash(std::string("abc\0def", 7), 4), std::invalid_argument);
}

TEST_CASE("bcrypt_hash refuses a cost outside 4 to 31", "[crypto]") {
    CHECK_THROWS_AS(bcrypt_hash("pw", 3), std::invalid_argument);
    CHECK_THROWS_AS(bcrypt_hash("pw", 32), std::invalid_argument);
}
