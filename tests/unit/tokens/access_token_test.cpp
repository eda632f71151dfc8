#include "core/crypto/encoding.hpp"
#include "core/tokens/access_token.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::tokens;

namespace {

KeySnapshot snapshot_with(crypto::JwsAlgorithm alg, const std::string& kid) {
    KeySnapshot keys;
    keys.active = crypto::SigningKey::generate(alg);
    keys.active_kid = kid;
    keys.published.emplace(kid, keys.active->verification_key());
    keys.jwks["keys"].push_back(keys.active->public_jwk(kid));
    return keys;
}

AccessTokenRequest request() {
    AccessTokenRequest r;
    r.subject = "4b0c8a52-8a7e-4c57-9b8f-3a1f7a6c2d10";
    r.session_id = "9f0d7f2e-1d2c-4e1b-8a5d-6b7c8d9e0f11";
    r.client_id = "janua";
    r.scope = "openid";
    r.audience = "janua";
    r.amr = {"pwd"};
    r.lifetime_seconds = 900;
    return r;
}

const std::int64_t k_now = 1800000000;
VerifyOptions options(std::int64_t now = k_now) { return {"https://id.example", "janua", now, 30}; }

std::string replace_part(const std::string& token, int index, const std::string& part) {
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    std::string parts[3] = {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
    parts[index] = part;
    return parts[0] + "." + parts[1] + "." + parts[2];
}

}  // namespace

TEST_CASE("access tokens follow RFC 9068 and verify for each algorithm", "[tokens]") {
    for (auto alg : {crypto::JwsAlgorithm::rs256, crypto::JwsAlgorithm::es256, crypto::JwsAlgorithm::eddsa}) {
        auto keys = snapshot_with(alg, "k1");
        auto issued = issue_access_token(keys, "https://id.example", request(), k_now);
        REQUIRE(issued.ok());
        auto parsed = crypto::jws_parse(issued->token);
        REQUIRE(parsed.ok());
        CHECK(parsed->header["typ"] == "at+jwt");
        CHECK(parsed->header["kid"] == "k1");
        auto claims = nlohmann::json::parse(parsed->payload);
        for (const char* claim : {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "sid"})
            CHECK(claims.contains(claim));
        auto verified = verify_access_token(issued->token, keys, options());
        REQUIRE(verified.ok());
        CHECK(verified->subject == request().subject);
        CHECK(verified->session_id == request().session_id);
    }
}

TEST_CASE("access token verification refuses every kind of bad token", "[tokens]") {
    auto keys = snapshot_with(crypto::JwsAlgorithm::rs256, "k1");
    const std::string token = issue_access_token(keys, "https://id.example", request(), k_now)->token;

    SECTION("expired") { CHECK_FALSE(verify_access_token(token, keys, options(k_now + 900 + 31)).ok()); }
    SECTION("within leeway") { CHECK(verify_access_token(token, keys, options(k_now + 900 + 29)).ok()); }
    SECTION("other issuer") {
        auto o = options();
        o.issuer = "https://evil.example";
        CHECK_FALSE(verify_access_token(token, keys, o).ok());
    }
    SECTION("other audience") {
        auto o = options();
        o.audience = "other";
        CHECK_FALSE(verify_access_token(token, keys, o).ok());
    }
    SECTION("unknown kid") {
        auto other = snapshot_with(crypto::JwsAlgorithm::rs256, "k2");
        CHECK(verify_access_token(token, other, options()).error().message.find("unknown key") != std::string::npos);
    }
    SECTION("tampered payload") {
        auto claims = nlohmann::json::parse(crypto::jws_parse(token)->payload);
        claims["sub"] = "someone-else";
        CHECK_FALSE(verify_access_token(replace_part(token, 1, crypto::base64url_encode(claims.dump())), keys, options()).ok());
    }
    SECTION("alg none") {
        const auto header = crypto::base64url_encode(R"({"alg":"none","typ":"at+jwt","kid":"k1"})");
        CHECK_FALSE(verify_access_token(replace_part(token, 0, header), keys, options()).ok());
        CHECK_FALSE(verify_access_token(replace_part(replace_part(token, 0, header), 2, ""), keys, options()).ok());
    }
    SECTION("alg confusion HS256 with the public key") {
        const auto header = crypto::base64url_encode(R"({"alg":"HS256","typ":"at+jwt","kid":"k1"})");
        CHECK_FALSE(verify_access_token(replace_part(token, 0, header), keys, options()).ok());
    }
    SECTION("not an access token (an ID token typ)") {
        const auto header = crypto::base64url_encode(R"({"alg":"RS256","typ":"JWT","kid":"k1"})");
        CHECK_FALSE(verify_access_token(replace_part(token, 0, header), keys, options()).ok());
    }
    SECTION("garbage") {
        CHECK(verify_access_token("not.a.token", keys, options()).error().code == ErrorCode::token);
        CHECK_FALSE(verify_access_token("", keys, options()).ok());
        CHECK_FALSE(verify_access_token(std::string(20000, 'a'), keys, options()).ok());
    }
}

TEST_CASE("issuing without an active key is unavailable, not a crash", "[tokens]") {
    KeySnapshot empty;
    auto issued = issue_access_token(empty, "https://id.example", request(), k_now);
    REQUIRE_FALSE(issued.ok());
    CHECK(issued.error().code == ErrorCode::unavailable);
}

TEST_CASE("a remembered signature check still honours key removal, expiry and tampering", "[tokens]") {
    auto keys = snapshot_with(crypto::JwsAlgorithm::es256, "cache-k1");
    auto issued = issue_access_token(keys, "https://id.example", request(), k_now);
    REQUIRE(issued.ok());
    // The first check verifies the signature and remembers it; the second is served from memory.
    REQUIRE(verify_access_token(issued->token, keys, options()).ok());
    auto again = verify_access_token(issued->token, keys, options());
    REQUIRE(again.ok());
    CHECK(again->subject == request().subject);

    SECTION("a snapshot without the key refuses the remembered token") {
        KeySnapshot rotated_out = snapshot_with(crypto::JwsAlgorithm::es256, "cache-k2");
        auto refused = verify_access_token(issued->token, rotated_out, options());
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message == "access token signed by an unknown key");
    }
    SECTION("expiry, issuer and audience are checked on every use") {
        CHECK(verify_access_token(issued->token, keys, options(k_now + 3600)).error().message == "access token expired");
        CHECK_FALSE(verify_access_token(issued->token, keys, {"https://other.example", "janua", k_now, 30}).ok());
        CHECK_FALSE(verify_access_token(issued->token, keys, {"https://id.example", "other-api", k_now, 30}).ok());
    }
    SECTION("another signature on the same header and claims is checked, not matched by prefix") {
        const auto signature_at = issued->token.rfind('.');
        std::string forged = issued->token;
        forged[signature_at + 5] = forged[signature_at + 5] == 'A' ? 'B' : 'A';
        CHECK_FALSE(verify_access_token(forged, keys, options()).ok());
        CHECK_FALSE(verify_access_token(issued->token + "A", keys, options()).ok());
    }
}
