// private_key_jwt (RFC 7523) with a client jwks_uri: januad fetches the client's JWK Set from a
// real HTTP server, caches it, refetches (rate-limited) when an assertion names an unknown kid,
// and refuses what it cannot read.
#include "tests/integration/oidc/jwks_server.hpp"
#include "tests/integration/oidc/oidc_support.hpp"

#include <chrono>
#include <thread>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::oidc;

namespace {
// The key servers below listen on 127.0.0.1: only a deployment that allows private jwks_uri
// destinations (development, tests) may use them.
const Env k_allow_loopback{{"OAUTH_JWKS_URI_ALLOW_PRIVATE", "true"}};
}  // namespace

TEST_CASE("private_key_jwt with a jwks_uri: fetched, cached, refetched for a new kid", "[oidc][jwks_uri]") {
    OidcServer s(k_allow_loopback);
    json key_a, key_b;
    std::string jwks_a, jwks_b;
    keygen("ES256", key_a, jwks_a);
    keygen("EdDSA", key_b, jwks_b);
    JwksServer keys(jwks_a);
    auto created = s.add_client("remote-signer", {"--grant-type", "client_credentials", "--scope", "api:read",
                                                  "--token-auth-method", "private_key_jwt", "--jwks-uri", keys.url()});
    CHECK(created["jwks_uri"] == keys.url());
    const std::string token_endpoint = s.base() + "/oauth/token";

    // Assertions made up front, so the timing below is HTTP requests only (no Node start-up).
    const auto a2 = assertion(key_a, "remote-signer", token_endpoint);
    const auto a3 = assertion(key_a, "remote-signer", token_endpoint);
    const auto b1 = assertion(key_b, "remote-signer", token_endpoint);
    const auto b2 = assertion(key_b, "remote-signer", token_endpoint);

    // openid-client signs; januad fetches the key set once and then serves it from its cache.
    auto [code, out] = s.rp_op("remote-signer", "jwk:" + key_a.dump(), {"client-credentials", "api:read"});
    REQUIRE(code == 0);
    CHECK(parse_jwt(out["result"]["access_token"]).payload["sub"] == "remote-signer");
    auto cached = with_assertion(s.base(), a2);
    INFO(cached.body);
    CHECK(cached.status == 200);
    CHECK(keys.hits() == 1);

    // The client rotates to a new key. Right after the last fetch the refetch is held back (a
    // flood of made-up kids must not turn januad into a load generator), so the new key fails...
    keys.serve(jwks_b);
    auto early = with_assertion(s.base(), b1);
    CHECK(early.status == 401);
    CHECK(oauth_error(early) == "invalid_client");
    CHECK(keys.hits() == 1);
    // ...and once the cool-down has passed, the unknown kid makes januad fetch the set again.
    std::this_thread::sleep_for(std::chrono::milliseconds(5200));
    auto rotated = with_assertion(s.base(), b2);
    INFO(rotated.body);
    CHECK(rotated.status == 200);
    CHECK(keys.hits() == 2);
    // The old key is gone from the set: its assertions no longer verify.
    auto old_key = with_assertion(s.base(), a3);
    CHECK(old_key.status == 401);
    CHECK(oauth_error(old_key) == "invalid_client");
}

TEST_CASE("private_key_jwt with a jwks_uri that is unreachable, oversized or not a key set is invalid_client", "[oidc][jwks_uri]") {
    OidcServer s(k_allow_loopback);
    json key;
    std::string jwks;
    keygen("ES256", key, jwks);
    JwksServer keys("{\"not\": \"a key set\"}");
    const std::string token_endpoint = s.base() + "/oauth/token";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"dead", "http://127.0.0.1:9/jwks.json"},  // nothing listens
        {"huge", keys.url("/huge.json")},          // over the 64 KiB cap
        {"garbage", keys.url()},                   // 200 but not {"keys": [...]}
    };
    for (const auto& [client_id, uri] : cases) {
        INFO(client_id);
        s.add_client(client_id, {"--grant-type", "client_credentials", "--scope", "api:read", "--token-auth-method",
                                 "private_key_jwt", "--jwks-uri", uri});
        auto r = with_assertion(s.base(), assertion(key, client_id, token_endpoint));
        CHECK(r.status == 401);
        CHECK(oauth_error(r) == "invalid_client");
        // One answer whatever went wrong: the fetch must not tell a caller what listens where.
        CHECK(body_of(r)["error_description"] == "the client's jwks_uri could not be used");
    }
}

TEST_CASE("by default januad never fetches a jwks_uri on a private or loopback address", "[oidc][jwks_uri]") {
    OidcServer s(Env{{"OAUTH_DYNAMIC_REGISTRATION_ENABLED", "true"}});
    json key;
    std::string jwks;
    keygen("ES256", key, jwks);
    JwksServer keys(jwks);
    // An administrator may still register one (it is theirs to decide on a test deployment), but
    // the fetch refuses it before any connection is made.
    s.add_client("loopback-signer", {"--grant-type", "client_credentials", "--scope", "api:read", "--token-auth-method",
                                     "private_key_jwt", "--jwks-uri", keys.url()});
    auto r = with_assertion(s.base(), assertion(key, "loopback-signer", s.base() + "/oauth/token"));
    CHECK(oauth_error(r) == "invalid_client");
    CHECK(body_of(r)["error_description"] == "the client's jwks_uri could not be used");
    CHECK(keys.hits() == 0);
    // Self-registration names private and loopback destinations: refused outright.
    for (const std::string& uri : std::vector<std::string>{"https://127.0.0.1/jwks.json", "https://localhost/jwks.json", "https://10.1.2.3/jwks.json",
                                  "https://[::1]/jwks.json", "https://169.254.169.254/latest/meta-data", keys.url()}) {
        INFO(uri);
        auto registered = http("POST", s.base(), "/oauth/register",
                               json{{"redirect_uris", {"https://app.example.com/cb"}},
                                    {"token_endpoint_auth_method", "private_key_jwt"},
                                    {"grant_types", {"authorization_code"}},
                                    {"jwks_uri", uri}}
                                   .dump(),
                               {{"Content-Type", "application/json"}});
        CHECK(registered.status == 400);
        CHECK(oauth_error(registered) == "invalid_client_metadata");
    }
    CHECK(keys.hits() == 0);
}

TEST_CASE("a jwks_uri over plain http is refused unless it is on localhost", "[oidc][jwks_uri]") {
    OidcServer s;
    auto refused = run_janua({"client", "create", "--name", "x", "--id", "lan-signer", "--grant-type", "client_credentials",
                              "--token-auth-method", "private_key_jwt", "--jwks-uri", "http://192.0.2.1/jwks.json",
                              "--database-url", s.db.url(), "--output", "json"});
    CHECK(refused.exit_code != 0);
    INFO(refused.out << refused.err);
    CHECK((refused.out + refused.err).find("https") != std::string::npos);
}
