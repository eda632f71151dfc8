// Access tokens and the JWKS: the RFC 9068 profile, refusal of tampered, unsigned, foreign and
// expired tokens, and verification by an independent JOSE library (Node's jose).
#include "tests/integration/identity/identity_support.hpp"

#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/tokens/access_token.hpp"
#include "core/tokens/signing_keys.hpp"

#include <cstdlib>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

// Signs tokens with januad's own active key, read from the database as the CLI reads it, at a
// chosen time: the way to get an expired (or not yet valid) token without waiting for one.
std::string sign_with_server_key(const std::string& database_url, const std::string& issuer,
                                 const janua::tokens::AccessTokenRequest& request, std::int64_t now) {
    janua::config::LoadInput input;
    input.getenv = [&](const std::string& name) -> std::optional<std::string> {
        if (name == "DATABASE_URL") return database_url;
        if (name == "ENVIRONMENT") return std::string("test");
        // Everything else as januad saw it (it inherits this environment): the same field key.
        if (const char* value = std::getenv(name.c_str())) return std::string(value);
        return std::nullopt;
    };
    auto loaded = janua::config::load(input);
    INFO((loaded ? std::string() : loaded.error().message));
    REQUIRE(loaded);
    janua::db::Pool pool(janua::db::PoolSettings{database_url, 1});
    auto keys = janua::tokens::make_key_manager(pool, loaded->config);
    keys->reload();
    auto issued = janua::tokens::issue_access_token(*keys->snapshot(), issuer, request, now);
    INFO((issued ? std::string() : issued.error().message));
    REQUIRE(issued);
    return issued->token;
}

janua::tokens::AccessTokenRequest request_like(const Jwt& real) {
    janua::tokens::AccessTokenRequest request;
    request.subject = real.payload["sub"].get<std::string>();
    request.session_id = real.payload["sid"].get<std::string>();
    request.client_id = real.payload["client_id"].get<std::string>();
    request.scope = real.payload["scope"].get<std::string>();
    request.audience = "janua";
    request.lifetime_seconds = 900;
    return request;
}

std::string flip_char(std::string text, std::size_t at) {
    text[at] = text[at] == 'A' ? 'B' : 'A';
    return text;
}

void check_refused(const std::string& base, const std::string& token) {
    INFO("token: " << token);
    auto r = get(base, "/api/v1/auth/me", token);
    CHECK(r.status == 401);
    if (r.status == 401) CHECK(error_code(r) == "TOKEN_ERROR");
}

json jwks_of(const std::string& base) {
    auto r = get(base, "/.well-known/jwks.json");
    REQUIRE(r.status == 200);
    auto body = body_of(r);
    REQUIRE(body["keys"].is_array());
    REQUIRE_FALSE(body["keys"].empty());
    return body;
}

std::set<std::string> kids_of(const json& jwks) {
    std::set<std::string> kids;
    for (const auto& k : jwks["keys"]) kids.insert(k["kid"].get<std::string>());
    return kids;
}

const json* key_with_kid(const json& jwks, const std::string& kid) {
    for (const auto& k : jwks["keys"])
        if (k["kid"] == kid) return &k;
    return nullptr;
}

}  // namespace

TEST_CASE("access tokens follow the RFC 9068 profile", "[identity]") {
    Server server;
    auto session = signup(server.base(), "profile.claims@example.com");
    const auto jwt = parse_jwt(session["access_token"]);

    CHECK(jwt.header["typ"] == "at+jwt");
    CHECK(jwt.header["alg"] == "RS256");
    REQUIRE(jwt.header["kid"].is_string());
    CHECK(kids_of(jwks_of(server.base())).count(jwt.header["kid"].get<std::string>()) == 1);

    const auto& claims = jwt.payload;
    CHECK(claims["iss"] == server.base());
    CHECK(claims["sub"] == session["user"]["id"]);
    const bool audience_is_janua =
        claims["aud"] == "janua" || (claims["aud"].is_array() && std::find(claims["aud"].begin(), claims["aud"].end(),
                                                                           json("janua")) != claims["aud"].end());
    CHECK(audience_is_janua);
    REQUIRE(claims["exp"].is_number_integer());
    REQUIRE(claims["iat"].is_number_integer());
    CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>() == 900);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::llabs(claims["iat"].get<std::int64_t>() - now) < 60);
    REQUIRE(claims["jti"].is_string());
    CHECK_FALSE(claims["jti"].get<std::string>().empty());
    CHECK(claims["client_id"].is_string());
    CHECK(claims["scope"].is_string());
    REQUIRE(claims["sid"].is_string());

    auto sessions = body_of(get(server.base(), "/api/v1/sessions", session["access_token"]))["data"];
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0]["id"] == claims["sid"]);

    // Every token has its own jti.
    auto other = signin(server.base(), "profile.claims@example.com");
    CHECK(parse_jwt(other["access_token"]).payload["jti"] != claims["jti"]);
}

TEST_CASE("the JWKS publishes public key members only", "[identity]") {
    Server server;
    auto r = get(server.base(), "/.well-known/jwks.json");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").find("json") != std::string::npos);
    auto jwks = jwks_of(server.base());
    for (const auto& key : jwks["keys"]) {
        INFO(key.dump());
        CHECK(key["kid"].is_string());
        CHECK(key["kty"] == "RSA");
        CHECK(key["n"].is_string());
        CHECK(key["e"].is_string());
        for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) CHECK_FALSE(key.contains(secret));
        if (key.contains("use")) CHECK(key["use"] == "sig");
    }
    // Kids are unique.
    CHECK(kids_of(jwks).size() == jwks["keys"].size());
}

TEST_CASE("a tampered access token is refused", "[identity]") {
    Server server;
    auto alice = signup(server.base(), "alice@example.com");
    auto bob = signup(server.base(), "bob@example.com");
    const std::string token = alice["access_token"];
    REQUIRE(me_status(server.base(), token) == 200);
    const auto jwt = parse_jwt(token);

    SECTION("a flipped character in the payload") {
        const auto at = jwt.header_b64.size() + 1 + jwt.payload_b64.size() / 2;
        check_refused(server.base(), flip_char(token, at));
    }
    SECTION("another subject under the original signature") {
        auto claims = jwt.payload;
        claims["sub"] = bob["user"]["id"];
        claims["sid"] = parse_jwt(bob["access_token"]).payload["sid"];
        check_refused(server.base(), compact(jwt.header, claims, jwt.signature_b64));
    }
    SECTION("a later expiry under the original signature") {
        auto claims = jwt.payload;
        claims["exp"] = claims["exp"].get<std::int64_t>() + 86400;
        check_refused(server.base(), compact(jwt.header, claims, jwt.signature_b64));
    }
    SECTION("a flipped character in the signature") {
        check_refused(server.base(), flip_char(token, token.size() - 10));
    }
    SECTION("no signature") {
        check_refused(server.base(), jwt.header_b64 + "." + jwt.payload_b64 + ".");
    }
    SECTION("not a JWT at all") {
        check_refused(server.base(), "not-a-jwt");
        check_refused(server.base(), "a.b.c");
    }
}

TEST_CASE("an unsigned token with alg none is refused", "[identity]") {
    Server server;
    auto session = signup(server.base(), "none@example.com");
    const auto jwt = parse_jwt(session["access_token"]);

    auto header = jwt.header;
    header["alg"] = "none";
    check_refused(server.base(), compact(header, jwt.payload, ""));
    header["alg"] = "None";
    check_refused(server.base(), compact(header, jwt.payload, ""));
    // Same claims, but HS256 with a signature made of nothing the server holds.
    header["alg"] = "HS256";
    check_refused(server.base(), compact(header, jwt.payload, base64url_encode(std::string(32, 'x'))));
    // The original signature under a header that now says none.
    header["alg"] = "none";
    check_refused(server.base(), compact(header, jwt.payload, jwt.signature_b64));
}

TEST_CASE("a token signed by a key the server does not know is refused", "[identity]") {
    Server server;
    auto session = signup(server.base(), "foreign.key@example.com");
    const auto jwt = parse_jwt(session["access_token"]);
    auto claims = jwt.payload;
    claims.erase("exp");
    claims.erase("iat");
    claims.erase("nbf");

    SECTION("with a kid that is not in the JWKS") {
        auto minted = node_script("sign-jwt.mjs", {claims.dump()});
        INFO(minted.err);
        REQUIRE(minted.exit_code == 0);
        const std::string token = minted.out.substr(0, minted.out.find_last_not_of("\r\n") + 1);
        CHECK(parse_jwt(token).payload["sub"] == jwt.payload["sub"]);
        check_refused(server.base(), token);
        CHECK(jose_verify(server.base(), token).exit_code == 1);
    }
    SECTION("with the kid of the server's active key") {
        auto minted = node_script("sign-jwt.mjs", {claims.dump(), jwt.header["kid"].get<std::string>()});
        INFO(minted.err);
        REQUIRE(minted.exit_code == 0);
        const std::string token = minted.out.substr(0, minted.out.find_last_not_of("\r\n") + 1);
        check_refused(server.base(), token);
        CHECK(jose_verify(server.base(), token).exit_code == 1);
    }
    // The genuine token still works.
    CHECK(me_status(server.base(), jwt.header_b64 + "." + jwt.payload_b64 + "." + jwt.signature_b64) == 200);
}

TEST_CASE("expired, not yet valid and misaddressed tokens are refused", "[identity]") {
    Server server;
    auto session = signup(server.base(), "clock@example.com");
    const auto jwt = parse_jwt(session["access_token"]);
    const auto now = janua::tokens::unix_now();

    // The control: a token made this way now is accepted, so the refusals below are about the claims.
    const auto fresh = sign_with_server_key(server.db.url(), server.base(), request_like(jwt), now);
    REQUIRE(me_status(server.base(), fresh) == 200);

    const auto expired = sign_with_server_key(server.db.url(), server.base(), request_like(jwt), now - 3600);
    check_refused(server.base(), expired);
    CHECK(jose_verify(server.base(), expired).exit_code == 1);

    const auto future = sign_with_server_key(server.db.url(), server.base(), request_like(jwt), now + 3600);
    check_refused(server.base(), future);

    auto other_audience = request_like(jwt);
    other_audience.audience = "someone-else";
    check_refused(server.base(), sign_with_server_key(server.db.url(), server.base(), other_audience, now));

    check_refused(server.base(), sign_with_server_key(server.db.url(), "https://evil.example", request_like(jwt), now));

    auto no_session = request_like(jwt);
    no_session.session_id = "00000000-0000-4000-8000-000000000000";
    check_refused(server.base(), sign_with_server_key(server.db.url(), server.base(), no_session, now));
}

TEST_CASE("malformed Authorization headers are refused", "[identity]") {
    Server server;
    auto session = signup(server.base(), "headers@example.com");
    const std::string token = session["access_token"];
    for (const std::string& value : {std::string("Bearer"), std::string("Bearer "), "Basic " + token, token,
                                    "Bearer " + token + " extra"}) {
        INFO("Authorization: " << value);
        auto r = http("GET", server.base(), "/api/v1/auth/me", {}, {{"Authorization", value}});
        CHECK(r.status == 401);
    }
}

TEST_CASE("access tokens verify with an independent JOSE library", "[identity]") {
    Server server;
    auto session = signup(server.base(), "jose@example.com");
    const std::string token = session["access_token"];

    auto verified = jose_verify(server.base(), token);
    INFO(verified.out << verified.err);
    REQUIRE(verified.exit_code == 0);
    auto out = json::parse(verified.out);
    CHECK(out["payload"]["sub"] == session["user"]["id"]);
    CHECK(out["payload"]["iss"] == server.base());
    CHECK(out["header"]["typ"] == "at+jwt");

    const auto jwt = parse_jwt(token);
    auto claims = jwt.payload;
    claims["sub"] = "00000000-0000-4000-8000-000000000000";
    auto tampered = jose_verify(server.base(), compact(jwt.header, claims, jwt.signature_b64));
    INFO(tampered.out);
    CHECK(tampered.exit_code == 1);
    CHECK(jose_verify(server.base(), flip_char(token, jwt.header_b64.size() + 5)).exit_code == 1);

    // Refreshed tokens verify as well.
    auto refreshed = body_of(refresh_response(server.base(), session["refresh_token"]));
    CHECK(jose_verify(server.base(), refreshed["access_token"]).exit_code == 0);
}

TEST_CASE("ES256 and EdDSA access tokens verify with an independent JOSE library", "[identity]") {
    for (const auto& [algorithm, kty, crv] : {std::tuple{"ES256", "EC", "P-256"}, std::tuple{"EdDSA", "OKP", "Ed25519"}}) {
        DYNAMIC_SECTION("JWT_ALGORITHM=" << algorithm) {
            Server server(Env{{"JWT_ALGORITHM", algorithm}});
            auto session = signup(server.base(), "curve@example.com");
            const std::string token = session["access_token"];
            const auto jwt = parse_jwt(token);
            CHECK(jwt.header["alg"] == algorithm);
            CHECK(jwt.header["typ"] == "at+jwt");

            auto jwks = jwks_of(server.base());
            const auto* key = key_with_kid(jwks, jwt.header["kid"]);
            REQUIRE(key != nullptr);
            CHECK((*key)["kty"] == kty);
            CHECK((*key)["crv"] == crv);
            for (const auto& k : jwks["keys"]) CHECK_FALSE(k.contains("d"));

            CHECK(me_status(server.base(), token) == 200);
            auto verified = jose_verify(server.base(), token);
            INFO(verified.out << verified.err);
            CHECK(verified.exit_code == 0);

            auto tampered = flip_char(token, jwt.header_b64.size() + 1 + jwt.payload_b64.size() / 2);
            CHECK(jose_verify(server.base(), tampered).exit_code == 1);
            check_refused(server.base(), tampered);
        }
    }
}
