#pragma once
// Shared by the OIDC provider tests: a januad with a user, clients made with the CLI, the Node
// relying-party scripts (openid-client, jose) and form posts.
#include "tests/integration/identity/identity_support.hpp"

#include <unistd.h>

#include <ctime>

namespace janua::test::oidc {

using namespace janua::test;
using namespace janua::test::identity;


inline const std::string k_redirect = "http://127.0.0.1:9/callback";  // nothing listens: the driver stops at the 302

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline std::string url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

inline std::string form(const Pairs& pairs) {
    std::string out;
    for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
    return out;
}

inline HttpResponse post_form(const std::string& base, const std::string& path, const Pairs& fields,
                       const std::map<std::string, std::string>& headers = {}) {
    return http("POST", base, path, form(fields), headers, "application/x-www-form-urlencoded");
}

inline std::string oauth_error(const HttpResponse& r) {
    auto body = body_of(r);
    INFO(r.body);
    REQUIRE(body.contains("error"));
    REQUIRE(body["error"].is_string());
    return body["error"].get<std::string>();
}

inline bool has(const json& array, const std::string& value) {
    if (!array.is_array()) return false;
    return std::find(array.begin(), array.end(), json(value)) != array.end();
}

// A file holding `text`, removed when the test ends.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text) {
        char pattern[] = "/tmp/janua-oidc-XXXXXX";
        const int fd = ::mkstemp(pattern);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path = pattern;
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

struct OidcServer : Server {
    std::string email = "alice@example.com";
    std::string user_id;

    explicit OidcServer(const Env& env = {}) : Server(env) {
        user_id = cli_json({"user", "create", "--email", email, "--first-name", "Alice", "--last-name", "Liddell",
                            "--password-stdin", "--database-url", db.url(), "--output", "json"},
                           k_password)["id"]
                      .get<std::string>();
    }

    json add_client(const std::string& client_id, const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"client", "create", "--name", "App " + client_id, "--id", client_id};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--database-url", db.url(), "--output", "json"});
        return cli_json(args);
    }

    std::string web_client(const std::string& client_id, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"--grant-type", "authorization_code", "--grant-type", "refresh_token",
                                         "--redirect-uri", k_redirect, "--scope", "openid", "--scope", "profile",
                                         "--scope", "email"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto created = add_client(client_id, args);
        REQUIRE(created["client_secret"].is_string());
        return created["client_secret"].get<std::string>();
    }

    // openid-client through discovery, login, consent, code exchange, userinfo and one refresh.
    json rp_flow(const std::string& client_id, const std::string& secret_or_dash,
                 const std::string& scope = "openid profile email") {
        auto result = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/oidc-flow.mjs", base(),
                                   client_id, secret_or_dash, k_redirect, email, k_password, scope});
        INFO("oidc-flow.mjs exit " << result.exit_code << "\nstdout: " << result.out << "\nstderr: " << result.err);
        REQUIRE(result.exit_code == 0);
        auto parsed = json::parse(result.out, nullptr, false);
        REQUIRE_FALSE(parsed.is_discarded());
        return parsed;
    }

    // jose: the ID token's signature against the JWKS, with iss, aud and exp; and at_hash recomputed.
    json verify_id_token(const std::string& id_token, const std::string& audience, const std::string& access_token) {
        auto result = node_script("oidc-jwt-tools.mjs", {"verify-id-token", base() + "/.well-known/jwks.json", id_token, base(),
                                                         audience, access_token});
        INFO("verify-id-token exit " << result.exit_code << "\n" << result.out << result.err);
        REQUIRE(result.exit_code == 0);
        return json::parse(result.out);
    }

    // openid-client for a back-channel operation; {"result": ...} or {"error": ...}.
    std::pair<int, json> rp_op(const std::string& client_id, const std::string& auth, const std::vector<std::string>& operation) {
        std::vector<std::string> args = {base(), client_id, auth};
        args.insert(args.end(), operation.begin(), operation.end());
        auto result = node_script("oidc-client-ops.mjs", args);
        INFO("oidc-client-ops.mjs exit " << result.exit_code << "\n" << result.out << result.err);
        auto parsed = json::parse(result.out, nullptr, false);
        REQUIRE_FALSE(parsed.is_discarded());
        return {result.exit_code, parsed};
    }
};

// What every successful flow of oidc-flow.mjs must show, whoever the client.
inline void check_flow(const OidcServer& s, const json& flow, const std::string& client_id) {
    INFO(flow.dump());
    const auto& claims = flow["claims"];
    CHECK(claims["iss"] == s.base());
    CHECK((claims["aud"] == client_id || has(claims["aud"], client_id)));
    CHECK(claims["sub"] == s.user_id);
    CHECK(claims["nonce"].is_string());  // openid-client compared it with what it sent
    CHECK(claims["at_hash"].is_string());
    CHECK(claims["sid"].is_string());
    CHECK(claims["exp"].is_number_integer());
    CHECK(claims["iat"].is_number_integer());
    CHECK(flow["userinfo"]["sub"] == claims["sub"]);
    REQUIRE(flow["refreshed"].is_object());
    CHECK(flow["refreshed"]["rotated"] == true);
    CHECK(flow["refreshed"]["access_token"].is_string());
    // The hosted pages were used: a login (no session yet) and a consent (a new client).
    const auto& steps = flow["steps"];
    CHECK(has(steps, "login page"));
    CHECK(has(steps, "consent page"));
}

inline void keygen(const std::string& alg, json& private_jwk, std::string& jwks) {
    auto result = node_script("oidc-jwt-tools.mjs", {"keygen", alg});
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    auto keys = json::parse(result.out);
    private_jwk = keys["private_jwk"];
    jwks = keys["jwks"].dump();
}

// An RFC 7523 client assertion signed by jose; a fresh jti unless one is given.
inline std::string assertion(const json& private_jwk, const std::string& client_id, const std::string& audience,
                      const std::string& jti = "", const std::string& expires_in = "60") {
    static int counter = 0;
    const std::string id = jti.empty() ? "jti-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) : jti;
    std::vector<std::string> args = {"assertion", private_jwk.dump(), client_id, audience, id, expires_in};
    auto result = node_script("oidc-jwt-tools.mjs", args);
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    auto token = result.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

inline HttpResponse with_assertion(const std::string& base, const std::string& token, const Pairs& extra = {}) {
    Pairs fields = {{"grant_type", "client_credentials"},
                    {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                    {"client_assertion", token}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return post_form(base, "/oauth/token", fields);
}


}  // namespace janua::test::oidc
