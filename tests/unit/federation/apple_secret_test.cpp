// Sign in with Apple's client secret: the ES256 JWT januad mints from a .p8 key made by openssl
// here, checked claim by claim and verified by the openssl command line (not by our own code).
#include "core/crypto/encoding.hpp"
#include "core/crypto/jws.hpp"
#include "core/federation/apple_secret.hpp"
#include "core/federation/provider.hpp"

#include <catch2/catch.hpp>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace janua;
using namespace janua::federation;
using nlohmann::json;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/janua-apple-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

int sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// ES256's raw R||S as the DER ECDSA-Sig-Value openssl dgst expects.
std::string der_signature(const std::string& raw) {
    REQUIRE(raw.size() == 64);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    ECDSA_SIG_set0(sig, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig, &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

}  // namespace

TEST_CASE("apple client secret: an ES256 JWT from the .p8 key that openssl verifies", "[federation][apple]") {
    TempDir dir;
    // What Apple's portal hands out: a PKCS#8 PEM of a P-256 key.
    REQUIRE(sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + dir.file("AuthKey.p8")) == 0);
    REQUIRE(sh("openssl pkey -in " + dir.file("AuthKey.p8") + " -pubout -out " + dir.file("public.pem")) == 0);
    const AppleSigningKey key{"TEAM123456", "KEYID12345", read_file(dir.file("AuthKey.p8"))};
    REQUIRE(check_apple_signing_key(key));

    auto jwt = apple_client_secret(key, "com.example.web", k_now);
    REQUIRE(jwt);
    auto parsed = crypto::jws_parse(*jwt);
    REQUIRE(parsed);
    CHECK(parsed->header == json{{"alg", "ES256"}, {"kid", "KEYID12345"}});
    const auto claims = json::parse(parsed->payload);
    CHECK(claims["iss"] == "TEAM123456");
    CHECK(claims["sub"] == "com.example.web");
    CHECK(claims["aud"] == "https://appleid.apple.com");
    CHECK(claims["iat"] == k_now);
    CHECK(claims["exp"] == k_now + 300);
    CHECK(claims.size() == 5);

    // openssl checks the signature over header.payload with the public half of the .p8 key.
    write_file(dir.file("input"), parsed->signing_input);
    write_file(dir.file("sig.der"), der_signature(parsed->signature));
    const std::string verify = "openssl dgst -sha256 -verify " + dir.file("public.pem") + " -signature " + dir.file("sig.der") +
                               " " + dir.file("input");
    CHECK(sh(verify) == 0);
    // ... and refuses it once one byte of the input changes.
    std::string tampered = parsed->signing_input;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    write_file(dir.file("input"), tampered);
    CHECK(sh(verify) != 0);

    // Apple's limit: never more than 6 months.
    auto longest = apple_client_secret(key, "com.example.web", k_now, 10 * k_apple_max_lifetime_seconds);
    REQUIRE(longest);
    CHECK(json::parse(crypto::jws_parse(*longest)->payload)["exp"] == k_now + k_apple_max_lifetime_seconds);
}

TEST_CASE("apple client secret: bad team id, key id or key are refused, and the stored form round-trips", "[federation][apple]") {
    const std::string pem = crypto::SigningKey::generate(crypto::JwsAlgorithm::es256).private_pem();
    const std::string rsa = crypto::SigningKey::generate(crypto::JwsAlgorithm::rs256).private_pem();
    auto field_of = [](const Status& s) { return s ? std::string() : s.error().details[0]["field"].get<std::string>(); };
    CHECK(field_of(check_apple_signing_key({"TEAM", "KEYID12345", pem})) == "apple_signing_key.team_id");
    CHECK(field_of(check_apple_signing_key({"TEAM123456", "KEY-ID-123", pem})) == "apple_signing_key.key_id");
    CHECK(field_of(check_apple_signing_key({"TEAM123456", "KEYID12345", rsa})) == "apple_signing_key.private_key");
    CHECK(field_of(check_apple_signing_key({"TEAM123456", "KEYID12345", "not a key"})) == "apple_signing_key.private_key");
    CHECK_FALSE(apple_client_secret({"TEAM123456", "KEYID12345", rsa}, "com.example.web", k_now));

    const AppleSigningKey key{"TEAM123456", "KEYID12345", pem};
    auto back = parse_apple_signing_key(serialize_apple_signing_key(key));
    REQUIRE(back);
    CHECK(back->team_id == key.team_id);
    CHECK(back->key_id == key.key_id);
    CHECK(back->private_key == key.private_key);
    // A plain client secret is not a signing key.
    CHECK_FALSE(parse_apple_signing_key("s3cr3t-value"));
    CHECK_FALSE(parse_apple_signing_key("{\"other\":1}"));
}

TEST_CASE("apple_signing_key in a provider configuration: apple preset only, never beside client_secret", "[federation][apple]") {
    const std::string pem = crypto::SigningKey::generate(crypto::JwsAlgorithm::es256).private_pem();
    const json signing = {{"team_id", "TEAM123456"}, {"key_id", "KEYID12345"}, {"private_key", pem}};
    auto apply = [](const json& body, std::optional<std::string>& secret) {
        auto p = new_provider(std::nullopt);
        return apply_spec(p, body, true, false, secret);
    };
    std::optional<std::string> secret;
    REQUIRE(apply({{"preset", "apple"}, {"client_id", "com.example.web"}, {"apple_signing_key", signing}}, secret));
    REQUIRE(secret);
    CHECK(parse_apple_signing_key(*secret).has_value());

    std::optional<std::string> unused;
    auto google = apply({{"preset", "google"}, {"client_id", "x"}, {"apple_signing_key", signing}}, unused);
    REQUIRE_FALSE(google);
    CHECK(google.error().details[0]["field"] == "apple_signing_key");
    auto both = apply({{"preset", "apple"}, {"client_id", "x"}, {"client_secret", "jwt"}, {"apple_signing_key", signing}}, unused);
    REQUIRE_FALSE(both);
    auto bad = apply({{"preset", "apple"}, {"client_id", "x"}, {"apple_signing_key", {{"team_id", "TEAM123456"}}}}, unused);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().details[0]["field"] == "apple_signing_key");
}
