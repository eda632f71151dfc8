#include "core/crypto/fernet.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "core/crypto/encoding.hpp"

using janua::crypto::FernetKeyring;

namespace {

// The version-128 entries of generate.json, verify.json and invalid.json from
// github.com/fernet/spec, unchanged.
constexpr const char* k_generate_json = R"json([
  {
    "token": "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    "now": "1985-10-26T01:20:00-07:00",
    "iv": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    "src": "hello",
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  }
])json";

constexpr const char* k_verify_json = R"json([
  {
    "token": "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "src": "hello",
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  }
])json";

constexpr const char* k_invalid_json = R"json([
  {
    "desc": "incorrect mac",
    "token": "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "too short",
    "token": "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "invalid base64",
    "token": "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "payload size not multiple of block size",
    "token": "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "payload padding error",
    "token": "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "far-future TS (unacceptable clock skew)",
    "token": "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
},
  {
    "desc": "expired TTL",
    "token": "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
    "now": "1985-10-26T01:21:31-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "incorrect IV (causes padding error)",
    "token": "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "trailing characters after b64 padding",
    "token": "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==trailingdata",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "invalid characters in b64",
    "token": "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  },
  {
    "desc": "invalid non-urlsafe characters in b64",
    "token": "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
    "now": "1985-10-26T01:20:01-07:00",
    "ttl_sec": 60,
    "secret": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
  }
])json";

// Parse the vectors' "YYYY-MM-DDTHH:MM:SS±HH:MM" into seconds since the epoch.
std::int64_t parse_now(const std::string& text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset_hour = 0,
        offset_minute = 0;
    char sign = '+';
    REQUIRE(std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &year, &month, &day,
                        &hour, &minute, &second, &sign, &offset_hour, &offset_minute) == 9);
    const std::chrono::sys_days date = std::chrono::year_month_day{
        std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
        std::chrono::day{static_cast<unsigned>(day)}};
    const std::int64_t local =
        date.time_since_epoch().count() * 86400LL + hour * 3600LL + minute * 60LL + second;
    const std::int64_t offset =
        (offset_hour * 3600LL + offset_minute * 60LL) * (sign == '-' ? -1 : 1);
    return local - offset;
}

FernetKeyring keyring(const std::vector<std::string>& keys) {
    auto ring = FernetKeyring::from_keys(keys);
    REQUIRE(ring.ok());
    return std::move(ring).value();
}

}  // namespace

TEST_CASE("the vectors' timestamps parse to the instants they name", "[crypto]") {
    CHECK(parse_now("1985-10-26T01:20:00-07:00") == 499162800);
    CHECK(parse_now("1970-01-01T00:00:00+00:00") == 0);
}

TEST_CASE("fernet encrypt produces the spec's generate.json tokens exactly", "[crypto]") {
    for (const auto& vector : nlohmann::json::parse(k_generate_json)) {
        std::string iv;
        for (const auto& byte : vector["iv"]) iv += static_cast<char>(byte.get<int>());
        const auto ring = keyring({vector["secret"].get<std::string>()});
        CHECK(ring.encrypt(vector["src"].get<std::string>(),
                           parse_now(vector["now"].get<std::string>()),
                           iv) == vector["token"].get<std::string>());
    }
}

TEST_CASE("fernet decrypt reads the spec's verify.json tokens", "[crypto]") {
    for (const auto& vector : nlohmann::json::parse(k_verify_json)) {
        const auto ring = keyring({vector["secret"].get<std::string>()});
        const auto plaintext =
            ring.decrypt(vector["token"].get<std::string>(), vector["ttl_sec"].get<std::int64_t>(),
                         parse_now(vector["now"].get<std::string>()));
        REQUIRE(plaintext.ok());
        CHECK(*plaintext == vector["src"].get<std::string>());
    }
}

TEST_CASE("fernet decrypt refuses every token of the spec's invalid.json", "[crypto]") {
    for (const auto& vector : nlohmann::json::parse(k_invalid_json)) {
        INFO(vector["desc"].get<std::string>());
        const auto ring = keyring({vector["secret"].get<std::string>()});
        const auto plaintext =
            ring.decrypt(vector["token"].get<std::string>(), vector["ttl_sec"].get<std::int64_t>(),
                         parse_now(vector["now"].get<std::string>()));
        REQUIRE_FALSE(plaintext.ok());
        CHECK(plaintext.error().code == janua::ErrorCode::token);
    }
}

TEST_CASE("fernet matches Python cryptography for empty and multi-block plaintexts", "[crypto]") {
    // Made with cryptography 48.0.0: Fernet(secret)._encrypt_from_parts(src, time, iv).
    const auto ring = keyring({"cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="});
    const std::string iv_0_to_15("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
                                 16);
    const std::string empty_token =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-"
        "fWPAkyKTyMbYmiNsw2aOq718ErZlYQbIORRvp9giN"
        "bObzxmg==";
    CHECK(ring.encrypt("", 499162800, iv_0_to_15) == empty_token);
    CHECK(ring.decrypt(empty_token).value().empty());

    const std::string fox = "The quick brown fox jumps over the lazy dog";
    const std::string fox_token =
        "gAAAAABlU_EApaWlpaWlpaWlpaWlpaWlpcYtnAT_Luqwn12m6pqdzKdlyBQx8sBihR-_rl-o9ufTXb3m40ar_DSBBs"
        "sa8atdnk1uHqGacwWuvEfbujFB8pRESZAyODkdVpXJrWNJca_L";
    CHECK(ring.encrypt(fox, 1700000000, std::string(16, '\xa5')) == fox_token);
    CHECK(ring.decrypt(fox_token).value() == fox);
}

TEST_CASE("fernet round trips binary plaintext with a fresh IV each time", "[crypto]") {
    const auto ring = keyring({janua::crypto::generate_fernet_key()});
    const std::string plaintext("\x00\xff secret \x80", 11);
    const std::string first = ring.encrypt(plaintext);
    const std::string second = ring.encrypt(plaintext);
    CHECK(first != second);
    CHECK(ring.decrypt(first).value() == plaintext);
    CHECK(ring.decrypt(second, 60).value() == plaintext);
}

TEST_CASE("fernet max age counts from the token's timestamp", "[crypto]") {
    const auto ring = keyring({janua::crypto::generate_fernet_key()});
    const std::string token = ring.encrypt("x", 1000, std::string(16, '\x01'));
    CHECK(ring.decrypt(token, 60, 1060).ok());
    CHECK_FALSE(ring.decrypt(token, 60, 1061).ok());
    CHECK(ring.decrypt(token, 60, 940).ok());  // 60 s of clock skew allowed
    CHECK_FALSE(ring.decrypt(token, 60, 939).ok());
    CHECK(ring.decrypt(token).ok());  // no max age: no time checks, as in Python
}

TEST_CASE("a fernet keyring encrypts with its first key and decrypts with any", "[crypto]") {
    const std::string old_key = janua::crypto::generate_fernet_key();
    const std::string new_key = janua::crypto::generate_fernet_key();
    const std::string stranger_key = janua::crypto::generate_fernet_key();

    const std::string under_old = keyring({old_key}).encrypt("mfa secret");
    const auto rotated = keyring({new_key, old_key});
    CHECK(rotated.decrypt(under_old).value() == "mfa secret");

    const std::string under_new = rotated.encrypt("webhook secret");
    CHECK(keyring({new_key}).decrypt(under_new).value() == "webhook secret");
    CHECK_FALSE(keyring({old_key}).decrypt(under_new).ok());

    const std::string under_stranger = keyring({stranger_key}).encrypt("x");
    const auto failed = rotated.decrypt(under_stranger);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == janua::ErrorCode::token);
}

TEST_CASE("fernet keys are URL-safe base64 of 32 bytes", "[crypto]") {
    const std::string key = janua::crypto::generate_fernet_key();
    CHECK(key.size() == 44);
    CHECK(key.back() == '=');
    CHECK(janua::crypto::base64url_decode(key, janua::crypto::Base64Padding::required)->size() ==
          32);
    CHECK(FernetKeyring::from_keys({key.substr(0, 43)}).ok());  // unpadded is accepted

    CHECK_FALSE(FernetKeyring::from_keys({}).ok());
    CHECK_FALSE(FernetKeyring::from_keys({"too-short"}).ok());
    CHECK_FALSE(
        FernetKeyring::from_keys({key, "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4="}).ok());
    const auto bad = FernetKeyring::from_keys({key, "not a key"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("not a key") == std::string::npos);
    CHECK(bad.error().message.find('2') != std::string::npos);
}

TEST_CASE("fernet encrypt refuses an IV that is not 16 bytes", "[crypto]") {
    const auto ring = keyring({janua::crypto::generate_fernet_key()});
    CHECK_THROWS_AS(ring.encrypt("x", 0, std::string(15, '\0')), std::invalid_argument);
}
