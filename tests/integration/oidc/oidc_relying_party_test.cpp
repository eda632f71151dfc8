// januad against independent relying-party software: Node's openid-client (v6) runs discovery and
// the authorization code flow with PKCE through the hosted login and consent pages
// (tests/e2e/oidc-flow.mjs), back-channel operations (tests/e2e/oidc-client-ops.mjs), and jose
// checks ID-token signatures and mints client assertions (tests/e2e/oidc-jwt-tools.mjs).
// Also: the discovery documents, the JWKS, and private_key_jwt client authentication (RFC 7523).
#include "tests/integration/oidc/oidc_support.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::oidc;

// ---- Discovery ----------------------------------------------------------------------------------

TEST_CASE("discovery documents describe the provider at BASE_URL (OIDC Discovery 1.0, RFC 8414)", "[oidc]") {
    OidcServer s;
    auto r = get(s.base(), "/.well-known/openid-configuration");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    const auto doc = body_of(r);
    INFO(doc.dump(2));
    CHECK(doc["issuer"] == s.base());
    const std::map<std::string, std::string> endpoints = {
        {"authorization_endpoint", "/oauth/authorize"}, {"token_endpoint", "/oauth/token"},
        {"userinfo_endpoint", "/oauth/userinfo"},       {"jwks_uri", "/.well-known/jwks.json"},
        {"introspection_endpoint", "/oauth/introspect"}, {"revocation_endpoint", "/oauth/revoke"},
        {"end_session_endpoint", "/oauth/logout"}};
    for (const auto& [member, path] : endpoints) {
        INFO(member);
        CHECK(doc[member] == s.base() + path);
    }
    CHECK(doc["response_types_supported"] == json::array({"code"}));
    CHECK(doc["code_challenge_methods_supported"] == json::array({"S256"}));
    for (const char* grant : {"authorization_code", "refresh_token", "client_credentials"}) CHECK(has(doc["grant_types_supported"], grant));
    for (const char* method : {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"})
        CHECK(has(doc["token_endpoint_auth_methods_supported"], method));
    CHECK(has(doc["id_token_signing_alg_values_supported"], "RS256"));  // Discovery 3: RS256 MUST be listed
    CHECK(has(doc["subject_types_supported"], "public"));
    CHECK(has(doc["scopes_supported"], "openid"));
    CHECK(has(doc["claims_supported"], "sub"));
    CHECK(doc["authorization_response_iss_parameter_supported"] == true);  // RFC 9207: iss is sent
    if (doc.contains("response_modes_supported")) CHECK(has(doc["response_modes_supported"], "query"));
    if (doc.contains("request_uri_parameter_supported")) CHECK(doc["request_uri_parameter_supported"] == false);

    // RFC 8414: the same metadata under the OAuth name.
    auto as = get(s.base(), "/.well-known/oauth-authorization-server");
    REQUIRE(as.status == 200);
    CHECK(body_of(as) == doc);

    // Every advertised endpoint exists.
    for (const auto& [member, path] : endpoints) {
        INFO(member);
        CHECK(get(s.base(), path).status != 404);
    }

    // Every advertised grant type is understood by the token endpoint.
    const std::string secret = s.add_client("all-grants", {"--grant-type", "authorization_code", "--grant-type", "refresh_token",
                                                           "--grant-type", "client_credentials", "--redirect-uri", k_redirect,
                                                           "--scope", "openid", "--scope", "api:read"})["client_secret"];
    for (const auto& grant : doc["grant_types_supported"]) {
        INFO(grant);
        auto t = post_form(s.base(), "/oauth/token", {{"grant_type", grant.get<std::string>()}, {"client_id", "all-grants"},
                                                      {"client_secret", secret}});
        CHECK(body_of(t).value("error", "") != "unsupported_grant_type");
    }
}

TEST_CASE("the jwks_uri serves the public signing keys only", "[oidc]") {
    OidcServer s;
    const auto doc = body_of(get(s.base(), "/.well-known/openid-configuration"));
    const std::string jwks_uri = doc["jwks_uri"];
    auto r = get(s.base(), jwks_uri.substr(s.base().size()));
    REQUIRE(r.status == 200);
    const auto type = r.header("Content-Type");  // RFC 7517 8.5.1: application/jwk-set+json (or plain JSON)
    CHECK((type.rfind("application/jwk-set+json", 0) == 0 || type.rfind("application/json", 0) == 0));
    const auto jwks = body_of(r);
    REQUIRE(jwks["keys"].is_array());
    REQUIRE_FALSE(jwks["keys"].empty());
    for (const auto& key : jwks["keys"]) {
        INFO(key.dump());
        CHECK(key["kid"].is_string());
        CHECK(key["kty"].is_string());
        for (const char* secret_member : {"d", "p", "q", "dp", "dq", "qi", "k"}) CHECK_FALSE(key.contains(secret_member));
    }
}

// ---- The code flow through openid-client --------------------------------------------------------

TEST_CASE("openid-client completes the code flow with PKCE as a confidential client (client_secret_basic)", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    auto flow = s.rp_flow("web", secret);
    check_flow(s, flow, "web");
    CHECK(flow["userinfo"]["email"] == s.email);
    CHECK(flow["userinfo"]["name"] == "Alice Liddell");
    CHECK(flow["claims"]["email"] == s.email);

    // The ID token's signature, checked by jose against the JWKS, and its at_hash.
    auto verified = s.verify_id_token(flow["id_token"], "web", flow["access_token"]);
    CHECK(verified["header"]["alg"] == "RS256");
    CHECK(verified["payload"]["at_hash"] == verified["at_hash_expected"]);

    // The refresh rotated the token: the old one now fails (and revokes the grant).
    auto replay = post_form(s.base(), "/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", flow["refresh_token"]},
                                                       {"client_id", "web"}, {"client_secret", secret}});
    CHECK(replay.status == 400);
    CHECK(oauth_error(replay) == "invalid_grant");
}

TEST_CASE("openid-client completes the code flow with PKCE as a public client (none)", "[oidc]") {
    OidcServer s;
    s.add_client("spa", {"--public", "--grant-type", "authorization_code", "--grant-type", "refresh_token", "--redirect-uri",
                         k_redirect, "--scope", "openid", "--scope", "profile"});
    auto flow = s.rp_flow("spa", "-", "openid profile");
    check_flow(s, flow, "spa");
    CHECK_FALSE(flow["userinfo"].contains("email"));  // not granted
    auto verified = s.verify_id_token(flow["id_token"], "spa", flow["access_token"]);
    CHECK(verified["payload"]["at_hash"] == verified["at_hash_expected"]);
}

TEST_CASE("ID tokens carry iss sub aud exp iat auth_time nonce at_hash sid amr acr", "[oidc]") {
    // Issue 4, item 4; OIDC Core 2 and 3.1.3.6.
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto before = static_cast<long long>(std::time(nullptr));
    auto flow = s.rp_flow("web", secret);
    const auto& claims = flow["claims"];
    INFO(claims.dump());
    for (const char* claim : {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "amr", "acr"}) {
        INFO(claim);
        CHECK(claims.contains(claim));
    }
    CHECK(claims["amr"] == json::array({"pwd"}));
    CHECK(claims.value("azp", "web") == "web");
    const auto auth_time = claims.value("auth_time", 0LL);
    CHECK(auth_time >= before - 5);
    CHECK(auth_time <= claims.value("iat", 0LL));
    CHECK(claims.value("exp", 0LL) > claims.value("iat", 0LL));
    // Every claim the token carries is one the discovery document announces.
    const auto doc = body_of(get(s.base(), "/.well-known/openid-configuration"));
    for (const auto& [name, value] : claims.items()) {
        if (name == "azp") continue;  // not a claim to request
        INFO(name);
        CHECK(has(doc["claims_supported"], name));
    }
}

TEST_CASE("openid-client and jose accept ID tokens signed with EdDSA and ES256", "[oidc]") {
    const std::string alg = GENERATE(as<std::string>{}, "EdDSA", "ES256");
    INFO("JWT_ALGORITHM=" << alg);
    OidcServer s({{"JWT_ALGORITHM", alg}});
    const auto doc = body_of(get(s.base(), "/.well-known/openid-configuration"));
    CHECK(has(doc["id_token_signing_alg_values_supported"], alg));
    const auto jwks = body_of(get(s.base(), "/.well-known/jwks.json"));
    REQUIRE_FALSE(jwks["keys"].empty());
    CHECK(jwks["keys"][0]["kty"] == (alg == "EdDSA" ? "OKP" : "EC"));

    const auto secret = s.web_client("web");
    auto flow = s.rp_flow("web", secret);
    check_flow(s, flow, "web");
    auto verified = s.verify_id_token(flow["id_token"], "web", flow["access_token"]);
    CHECK(verified["header"]["alg"] == alg);
    // OIDC Core 3.1.3.6: at_hash uses the hash of the alg (SHA-512 for Ed25519).
    CHECK(verified["payload"]["at_hash"] == verified["at_hash_expected"]);
    // The access token is signed with the same key.
    CHECK(parse_jwt(flow["access_token"]).header["alg"] == alg);
}

// ---- Back-channel operations through openid-client ----------------------------------------------

TEST_CASE("openid-client introspects and revokes the tokens of a confidential client", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    auto flow = s.rp_flow("web", secret);
    const std::string access = flow["refreshed"]["access_token"];
    const std::string refresh = flow["refreshed"]["refresh_token"];

    auto [code, info] = s.rp_op("web", "secret:" + secret, {"introspect", access});
    REQUIRE(code == 0);
    CHECK(info["result"]["active"] == true);
    CHECK(info["result"]["sub"] == s.user_id);
    CHECK(info["result"]["client_id"] == "web");
    CHECK(info["result"]["scope"] == "openid profile email");

    auto [refresh_code, refresh_info] = s.rp_op("web", "secret:" + secret, {"introspect", refresh});
    REQUIRE(refresh_code == 0);
    CHECK(refresh_info["result"]["active"] == true);

    auto [revoke_code, revoked] = s.rp_op("web", "secret:" + secret, {"revoke", refresh});
    REQUIRE(revoke_code == 0);
    CHECK(revoked["result"]["revoked"] == true);

    auto [after_code, after] = s.rp_op("web", "secret:" + secret, {"introspect", refresh});
    REQUIRE(after_code == 0);
    CHECK(after["result"]["active"] == false);
    auto [access_code, access_after] = s.rp_op("web", "secret:" + secret, {"introspect", access});
    REQUIRE(access_code == 0);
    CHECK(access_after["result"]["active"] == false);
}

TEST_CASE("openid-client gets a client_credentials token with client_secret_basic and client_secret_post", "[oidc]") {
    OidcServer s;
    const std::string basic_secret = s.add_client("svc-basic", {"--grant-type", "client_credentials", "--scope", "api:read"})["client_secret"];
    const std::string post_secret = s.add_client("svc-post", {"--grant-type", "client_credentials", "--scope", "api:read",
                                                              "--token-auth-method", "client_secret_post"})["client_secret"];
    for (const auto& [client_id, auth] : std::vector<std::pair<std::string, std::string>>{{"svc-basic", "secret:" + basic_secret},
                                                                                           {"svc-post", "post:" + post_secret}}) {
        INFO(client_id);
        auto [code, out] = s.rp_op(client_id, auth, {"client-credentials", "api:read"});
        REQUIRE(code == 0);
        const auto& tokens = out["result"];
        CHECK((tokens["token_type"] == "bearer" || tokens["token_type"] == "Bearer"));
        CHECK_FALSE(tokens.contains("refresh_token"));
        CHECK_FALSE(tokens.contains("id_token"));
        const auto claims = parse_jwt(tokens["access_token"]).payload;
        CHECK(claims["sub"] == client_id);
        CHECK(claims["scope"] == "api:read");
    }
}

// ---- private_key_jwt (RFC 7523, OIDC Core 9) ----------------------------------------------------

TEST_CASE("private_key_jwt client authentication with a registered JWK Set", "[oidc]") {
    const std::string alg = GENERATE(as<std::string>{}, "ES256", "RS256", "EdDSA");
    INFO("client key " << alg);
    OidcServer s;
    json private_jwk;
    std::string jwks;
    keygen(alg, private_jwk, jwks);
    TempFile jwks_file(jwks);
    auto created = s.add_client("signer", {"--grant-type", "client_credentials", "--scope", "api:read", "--token-auth-method",
                                           "private_key_jwt", "--jwks-file", jwks_file.path});
    CHECK_FALSE(created.contains("client_secret"));
    const std::string token_endpoint = s.base() + "/oauth/token";

    SECTION("openid-client signs its own assertions") {
        for (int i = 0; i < 2; ++i) {  // a fresh jti each time
            auto [code, out] = s.rp_op("signer", "jwk:" + private_jwk.dump(), {"client-credentials", "api:read"});
            REQUIRE(code == 0);
            const auto claims = parse_jwt(out["result"]["access_token"]).payload;
            CHECK(claims["sub"] == "signer");
            CHECK(claims["client_id"] == "signer");
            CHECK(claims["scope"] == "api:read");
            CHECK_FALSE(out["result"].contains("refresh_token"));
        }
    }
    SECTION("an assertion is single-use: the same jti again is invalid_client") {
        const auto token = assertion(private_jwk, "signer", token_endpoint, "jti-once");
        auto first = with_assertion(s.base(), token);
        INFO(first.body);
        REQUIRE(first.status == 200);
        auto replay = with_assertion(s.base(), token);
        CHECK(replay.status == 401);
        CHECK(oauth_error(replay) == "invalid_client");
        // A new assertion that reuses the jti is refused too (RFC 7523 3, item 7).
        auto same_jti = with_assertion(s.base(), assertion(private_jwk, "signer", token_endpoint, "jti-once", "90"));
        CHECK(same_jti.status == 401);
        CHECK(oauth_error(same_jti) == "invalid_client");
    }
    SECTION("an assertion signed with another key is invalid_client") {
        json other_jwk;
        std::string other_jwks;
        keygen(alg, other_jwk, other_jwks);
        auto wrong = with_assertion(s.base(), assertion(other_jwk, "signer", token_endpoint));
        CHECK(wrong.status == 401);
        CHECK(oauth_error(wrong) == "invalid_client");
        // Even when it claims the registered key's kid.
        other_jwk["kid"] = private_jwk["kid"];
        auto spoofed = with_assertion(s.base(), assertion(other_jwk, "signer", token_endpoint));
        CHECK(spoofed.status == 401);
        CHECK(oauth_error(spoofed) == "invalid_client");
    }
    SECTION("an assertion for another audience, expired, or unsigned is invalid_client") {
        auto elsewhere = with_assertion(s.base(), assertion(private_jwk, "signer", "https://other.example/token"));
        CHECK(elsewhere.status == 401);
        CHECK(oauth_error(elsewhere) == "invalid_client");
        auto expired = with_assertion(s.base(), assertion(private_jwk, "signer", token_endpoint, "jti-old", "-300"));
        CHECK(expired.status == 401);
        CHECK(oauth_error(expired) == "invalid_client");
        // alg "none" with the right claims.
        const auto now = static_cast<long long>(std::time(nullptr));
        const std::string unsigned_token =
            base64url_encode(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." +
            base64url_encode(json{{"iss", "signer"}, {"sub", "signer"}, {"aud", token_endpoint}, {"jti", "jti-none"}, {"iat", now},
                                  {"exp", now + 60}}.dump()) + ".";
        auto none = with_assertion(s.base(), unsigned_token);
        CHECK(none.status == 401);
        CHECK(oauth_error(none) == "invalid_client");
        // The assertion names another client than client_id.
        auto mismatch = with_assertion(s.base(), assertion(private_jwk, "signer", token_endpoint), {{"client_id", "someone-else"}});
        CHECK(mismatch.status == 401);
        CHECK(oauth_error(mismatch) == "invalid_client");
    }
    SECTION("a private_key_jwt client cannot fall back to a secret or to none") {
        auto guessed = post_form(s.base(), "/oauth/token", {{"grant_type", "client_credentials"}, {"client_id", "signer"},
                                                            {"client_secret", std::string(43, 'a')}});
        CHECK(guessed.status == 401);
        CHECK(oauth_error(guessed) == "invalid_client");
        auto bare = post_form(s.base(), "/oauth/token", {{"grant_type", "client_credentials"}, {"client_id", "signer"}});
        CHECK(bare.status == 401);
        CHECK(oauth_error(bare) == "invalid_client");
    }
}

namespace {

std::string sql_scalar(const std::string& url, const std::string& query) {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    return tx.exec1(query)[0].as<std::string>();
}

}  // namespace

TEST_CASE("bad and replayed client assertions are audited as client authentication failures", "[oidc]") {
    OidcServer s;
    json private_jwk, other_jwk;
    std::string jwks, other_jwks;
    keygen("ES256", private_jwk, jwks);
    keygen("ES256", other_jwk, other_jwks);
    TempFile jwks_file(jwks);
    s.add_client("signer", {"--grant-type", "client_credentials", "--scope", "api:read", "--token-auth-method",
                            "private_key_jwt", "--jwks-file", jwks_file.path});
    const std::string token_endpoint = s.base() + "/oauth/token";
    auto count = [&](const std::string& where) {
        return sql_scalar(s.db.url(), "SELECT count(*) FROM audit_events WHERE action = 'oauth.client_auth_failed' AND " + where);
    };

    const auto good = assertion(private_jwk, "signer", token_endpoint);
    REQUIRE(with_assertion(s.base(), good).status == 200);
    auto replayed = with_assertion(s.base(), good);
    CHECK(replayed.status == 401);
    CHECK(count("actor_id = 'signer' AND details->>'method' = 'private_key_jwt' AND details->>'reason' LIKE '%already used%'") == "1");

    auto forged = with_assertion(s.base(), assertion(other_jwk, "signer", token_endpoint));
    CHECK(forged.status == 401);
    CHECK(count("actor_id = 'signer' AND details->>'reason' LIKE '%does not verify%'") == "1");
    // The assertion itself is never stored.
    CHECK(sql_scalar(s.db.url(), "SELECT count(*) FROM audit_events WHERE details::text LIKE '%" + good.substr(0, 40) + "%'") == "0");
}
