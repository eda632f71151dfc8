// core/federation without a network: ID token rules, the profile readers of each preset, return
// targets and configuration validation.
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/jws.hpp"
#include "core/federation/failure.hpp"
#include "core/federation/id_token.hpp"
#include "core/federation/presets.hpp"
#include "core/federation/provider.hpp"
#include "core/federation/return_target.hpp"
#include "core/federation/upstream_profile.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::federation;
using nlohmann::json;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;

struct Issuer {
    crypto::SigningKey key = crypto::SigningKey::generate(crypto::JwsAlgorithm::rs256);
    json jwks = {{"keys", json::array({key.public_jwk("k1")})}};

    json claims() const {
        return {{"iss", "https://idp.example"}, {"aud", "rp"}, {"sub", "u-1"}, {"nonce", "n-1"},
                {"iat", k_now - 10}, {"exp", k_now + 300}, {"email", "a@example.com"}, {"email_verified", true}};
    }
    std::string sign(const json& c, const json& header = {{"kid", "k1"}}) const { return crypto::jws_sign(header, c.dump(), key); }
};

IdTokenExpectations expect() {
    IdTokenExpectations e;
    e.issuer = "https://idp.example";
    e.client_id = "rp";
    e.nonce = "n-1";
    e.now = k_now;
    return e;
}

std::string reason(const Result<json>& r) { return r ? "ok" : failure_reason(r.error()); }

}  // namespace

TEST_CASE("federation: a genuine upstream ID token validates", "[federation]") {
    Issuer idp;
    auto claims = validate_id_token(idp.sign(idp.claims()), idp.jwks, expect());
    REQUIRE(claims);
    CHECK((*claims)["sub"] == "u-1");
    CHECK(id_token_kid(idp.sign(idp.claims())) == std::optional<std::string>("k1"));
}

TEST_CASE("federation: each ID token rule refuses with its reason", "[federation]") {
    Issuer idp;
    auto with = [&](const char* name, const json& value) {
        auto c = idp.claims();
        if (value.is_null()) c.erase(name); else c[name] = value;
        return validate_id_token(idp.sign(c), idp.jwks, expect());
    };
    CHECK(reason(with("iss", "https://evil.example")) == "issuer_mismatch");
    CHECK(reason(with("aud", "other")) == "audience_mismatch");
    CHECK(reason(with("aud", json::array({"rp", "other"}))) == "azp_mismatch");  // several audiences need azp
    CHECK(reason(with("azp", "other")) == "azp_mismatch");
    CHECK(reason(with("exp", k_now - 200)) == "expired");
    CHECK(reason(with("exp", k_now - 60)) == "ok");  // within the skew
    CHECK(reason(with("iat", k_now + 600)) == "issued_in_future");
    CHECK(reason(with("iat", k_now - 3 * 3600)) == "too_old");
    CHECK(reason(with("nonce", "n-2")) == "nonce_mismatch");
    CHECK(reason(with("nonce", nullptr)) == "nonce_mismatch");
    CHECK(reason(with("sub", nullptr)) == "subject_missing");
    CHECK(reason(with("exp", nullptr)) == "malformed");

    // Another key, even under the published kid; a kid that is not published.
    Issuer other;
    CHECK(reason(validate_id_token(other.sign(idp.claims()), idp.jwks, expect())) == "signature_invalid");
    CHECK(reason(validate_id_token(idp.sign(idp.claims(), {{"kid", "k9"}}), idp.jwks, expect())) == "unknown_key");

    // alg none and HS256 (with the public key's bytes as the secret) never verify.
    const auto body = crypto::base64url_encode(idp.claims().dump());
    const std::string none = crypto::base64url_encode(json{{"alg", "none"}, {"kid", "k1"}}.dump()) + "." + body + ".c2ln";
    CHECK(reason(validate_id_token(none, idp.jwks, expect())) == "alg_not_allowed");
    const std::string hs_input = crypto::base64url_encode(json{{"alg", "HS256"}, {"kid", "k1"}}.dump()) + "." + body;
    const std::string hs = hs_input + "." + crypto::base64url_encode(crypto::hmac_sha256(idp.jwks["keys"][0]["n"].get<std::string>(), hs_input));
    CHECK(reason(validate_id_token(hs, idp.jwks, expect())) == "alg_not_allowed");
    // A key published for encryption is not a signing key.
    json enc_only = idp.jwks;
    enc_only["keys"][0]["use"] = "enc";
    CHECK(reason(validate_id_token(idp.sign(idp.claims()), enc_only, expect())) == "unknown_key");
}

TEST_CASE("federation: issuer aliases and Microsoft's tenant template", "[federation]") {
    Issuer idp;
    auto e = expect();
    e.issuer_aliases = {"idp.example"};
    auto c = idp.claims();
    c["iss"] = "idp.example";
    CHECK(reason(validate_id_token(idp.sign(c), idp.jwks, e)) == "ok");
    e.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0";
    c["iss"] = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
    c["tid"] = "9188040d-6c67-4c5b-b112-36a304b66dad";
    CHECK(reason(validate_id_token(idp.sign(c), idp.jwks, e)) == "ok");
    c["tid"] = "00000000-0000-0000-0000-000000000000";  // iss of one tenant, tid of another
    CHECK(reason(validate_id_token(idp.sign(c), idp.jwks, e)) == "issuer_mismatch");
}

TEST_CASE("federation: profile readers trust only verified addresses", "[federation]") {
    auto oidc = profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}, {"email_verified", true}}, "email_verified");
    CHECK(oidc.email_verified);
    CHECK_FALSE(profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}, {"email_verified", false}}, "email_verified").email_verified);
    CHECK_FALSE(profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}}, "email_verified").email_verified);
    CHECK(profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}, {"email_verified", "true"}}, "email_verified").email_verified);
    // Microsoft: email_verified is not what counts, xms_edov is.
    CHECK_FALSE(profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}, {"email_verified", true}}, "xms_edov").email_verified);
    CHECK(profile_from_claims({{"sub", "s"}, {"email", "a@x.example"}, {"xms_edov", true}}, "xms_edov").email_verified);

    auto gh = github_profile({{"id", 42}, {"login", "octo"}},
                             json::array({{{"email", "alt@x.example"}, {"primary", false}, {"verified", true}},
                                          {{"email", "main@x.example"}, {"primary", true}, {"verified", false}}}));
    REQUIRE(gh);
    CHECK(gh->subject == "42");
    CHECK(gh->email == std::optional<std::string>("main@x.example"));
    CHECK_FALSE(gh->email_verified);  // the verified secondary address does not count
    CHECK_FALSE(github_profile({{"login", "octo"}}, json::array()));

    auto discord = discord_profile({{"id", "80351110224678912"}, {"email", "d@x.example"}, {"verified", false}});
    REQUIRE(discord);
    CHECK_FALSE(discord->email_verified);
    CHECK(discord_profile({{"id", "1"}, {"email", "d@x.example"}, {"verified", true}})->email_verified);

    auto x = twitter_profile({{"data", {{"id", "2244994945"}, {"name", "X Dev"}, {"username", "xdevelopers"}}}});
    REQUIRE(x);
    CHECK(x->subject == "2244994945");
    CHECK_FALSE(x->email);
}

TEST_CASE("federation: return targets are this server or the configured origins", "[federation]") {
    const std::string base = "https://id.example.com";
    const std::string front = "https://app.example.com";
    CHECK(checked_return_to("/oauth/authorize?client_id=x", base, front));
    CHECK(checked_return_to("https://app.example.com/after", base, front));
    CHECK(checked_return_to("https://ID.example.com", base, front));
    CHECK_FALSE(checked_return_to("//evil.example/x", base, front));
    CHECK_FALSE(checked_return_to("/\\evil.example", base, front));
    CHECK_FALSE(checked_return_to("https://evil.example/", base, front));
    CHECK_FALSE(checked_return_to("https://app.example.com.evil.example/", base, front));
    CHECK_FALSE(checked_return_to("https://app.example.com@evil.example/", base, front));
    CHECK_FALSE(checked_return_to("javascript:alert(1)", base, front));
    CHECK_FALSE(checked_return_to("/x\r\nSet-Cookie: a=b", base, front));
}

TEST_CASE("federation: configurations take preset defaults and refuse bad values", "[federation]") {
    std::optional<std::string> secret;
    auto platform = new_provider(std::nullopt);
    REQUIRE(apply_spec(platform, {{"preset", "github"}, {"client_id", "c"}, {"client_secret", "s"}}, true, false, secret));
    CHECK(platform.slug == "github");
    CHECK(platform.protocol == "oauth2");
    CHECK(platform.emails_endpoint == std::optional<std::string>("https://api.github.com/user/emails"));
    CHECK(secret == std::optional<std::string>("s"));
    CHECK(to_json(platform).dump().find("\"s\"") == std::string::npos);

    auto bad = [](json body, bool allow_private = false, std::optional<std::string> org = std::nullopt) {
        auto p = new_provider(org);
        std::optional<std::string> s;
        auto r = apply_spec(p, body, true, allow_private, s);
        return r ? std::string("ok") : r.error().details[0]["field"].get<std::string>();
    };
    CHECK(bad({{"issuer", "http://127.0.0.1:9"}, {"client_id", "c"}, {"slug", "t"}}) == "issuer");  // loopback, http
    CHECK(bad({{"issuer", "http://127.0.0.1:9"}, {"client_id", "c"}, {"slug", "t"}}, true) == "ok");
    CHECK(bad({{"issuer", "https://idp.example"}, {"client_id", "c"}}) == "slug");  // generic oidc needs a slug
    CHECK(bad({{"preset", "myspace"}, {"client_id", "c"}}) == "preset");
    CHECK(bad({{"preset", "google"}}) == "client_id");
    CHECK(bad({{"preset", "google"}, {"client_id", "c"}, {"scopes", {"email"}}}) == "scopes");  // openid is needed
    CHECK(bad({{"preset", "google"}, {"client_id", "c"}, {"allowed_domains", {"acme.example"}}}) == "allowed_domains");
    CHECK(bad({{"preset", "google"}, {"client_id", "c"}, {"colour", "red"}}) == "colour");
    CHECK(bad({{"issuer", "https://idp.example"}, {"client_id", "c"}, {"slug", "e"}, {"allowed_domains", {"not a domain"}}}, false,
              std::string("org")) == "allowed_domains");
    CHECK(email_domain_allowed("a@Acme.Example", {"acme.example"}));
    CHECK_FALSE(email_domain_allowed("a@evil.example", {"acme.example"}));
    CHECK(email_domain_allowed("a@anything.example", {}));
    for (const char* name : {"google", "microsoft", "apple", "linkedin", "slack", "github", "discord", "twitter", "oidc"})
        CHECK(find_preset(name));
}
