// TOTP/HOTP against the RFCs' own test vectors, Base32, and backup-code spelling.
#include "core/mfa/backup_codes.hpp"
#include "core/mfa/totp.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace janua::mfa;

TEST_CASE("HOTP matches RFC 4226 Appendix D", "[unit][mfa]") {
    const std::string key = "12345678901234567890";
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t i = 0; i < 10; ++i) CHECK(hotp(key, i) == expected[i]);
}

TEST_CASE("TOTP matches RFC 6238 Appendix B (SHA1, SHA256, SHA512, 8 digits)", "[unit][mfa]") {
    const std::string sha1_key = "12345678901234567890";
    const std::string sha256_key = "12345678901234567890123456789012";
    const std::string sha512_key = "1234567890123456789012345678901234567890123456789012345678901234";
    struct Row {
        std::int64_t time;
        const char *sha1, *sha256, *sha512;
    };
    const Row rows[] = {
        {59, "94287082", "46119246", "90693936"},
        {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"},
        {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"},
        {20000000000, "65353130", "77737706", "47863826"},
    };
    for (const auto& row : rows) {
        INFO("T = " << row.time);
        CHECK(totp(sha1_key, row.time, 8, TotpHash::sha1) == row.sha1);
        CHECK(totp(sha256_key, row.time, 8, TotpHash::sha256) == row.sha256);
        CHECK(totp(sha512_key, row.time, 8, TotpHash::sha512) == row.sha512);
    }
}

TEST_CASE("match_totp accepts one step either side and nothing further", "[unit][mfa]") {
    const std::string key = "12345678901234567890";
    const std::int64_t now = 1111111111;  // step 37037037
    const auto step = totp_step(now);
    CHECK(match_totp(key, hotp(key, step), now) == step);
    CHECK(match_totp(key, hotp(key, step - 1), now) == step - 1);
    CHECK(match_totp(key, hotp(key, step + 1), now) == step + 1);
    CHECK_FALSE(match_totp(key, hotp(key, step - 2), now));
    CHECK_FALSE(match_totp(key, hotp(key, step + 2), now));
    CHECK_FALSE(match_totp(key, "12345", now));
    CHECK_FALSE(match_totp(key, "12345a", now));
    CHECK_FALSE(match_totp(key, "", now));
    CHECK_FALSE(match_totp(key, hotp(key, step) + "0", now));
}

TEST_CASE("Base32 round-trips and rejects junk", "[unit][mfa]") {
    CHECK(base32_encode("") == "");
    CHECK(base32_encode("f") == "MY");
    CHECK(base32_encode("foobar") == "MZXW6YTBOI");  // RFC 4648 section 10
    CHECK(base32_decode("MZXW6YTBOI") == std::optional<std::string>("foobar"));
    CHECK(base32_decode("mzxw 6ytb oi======") == std::optional<std::string>("foobar"));
    CHECK_FALSE(base32_decode("MZXW1"));   // '1' is not in the alphabet
    CHECK_FALSE(base32_decode("MZ!"));
    CHECK_FALSE(base32_decode("MZ7"));     // leftover non-zero bits
    const std::string secret = "\x01\x02\xff\x80 twenty bytes here";
    CHECK(base32_decode(base32_encode(secret)) == std::optional<std::string>(secret));
}

TEST_CASE("otpauth URI carries the secret, issuer and parameters", "[unit][mfa]") {
    const auto uri = otpauth_uri("Janua", "ada@example.com", "foobar");
    CHECK(uri == "otpauth://totp/Janua:ada%40example.com?secret=MZXW6YTBOI&issuer=Janua&algorithm=SHA1&digits=6&period=30");
}

TEST_CASE("backup codes: ten distinct, normalised however typed", "[unit][mfa]") {
    const auto codes = generate_backup_codes();
    REQUIRE(codes.size() == 10);
    std::set<std::string> distinct(codes.begin(), codes.end());
    CHECK(distinct.size() == 10);
    for (const auto& c : codes) {
        CHECK(c.size() == 19);
        auto canonical = normalize_backup_code(c);
        REQUIRE(canonical);
        std::string lower = c;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        CHECK(normalize_backup_code(lower) == canonical);
        CHECK(backup_code_hash(*canonical).size() == 32);
    }
    CHECK_FALSE(normalize_backup_code("123456"));
    CHECK_FALSE(normalize_backup_code("AAAA-AAAA-AAAA-AAA0"));  // 0 is not in the alphabet
    CHECK_FALSE(normalize_backup_code(std::string(100, 'A')));
}
