// The registration rules for OAuth clients: redirect URIs (RFC 6749 3.1.2, RFC 8252), grant and
// authentication-method combinations, keys for private_key_jwt, scopes and client ids.
#include "core/crypto/jws.hpp"
#include "core/oidc/client.hpp"
#include "core/oidc/client_rules.hpp"
#include "core/oidc/client_service.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace janua;
using namespace janua::oidc;
using nlohmann::json;

namespace {

std::string rule_of(std::string_view uri) {
    auto p = redirect_uri_problem(uri);
    return p ? p->rule : "";
}

ClientSpec web_client() {
    ClientSpec spec;
    spec.name = "Acme Web";
    spec.grant_types = {k_grant_authorization_code, k_grant_refresh_token};
    spec.redirect_uris = {"https://acme.example/callback"};
    return spec;
}

// The (field, rule) pairs of a failed validation.
std::set<std::pair<std::string, std::string>> problems(const Result<ClientSpec>& result) {
    std::set<std::pair<std::string, std::string>> out;
    if (result) return out;
    for (const auto& d : result.error().details) out.insert({d["field"].get<std::string>(), d["rule"].get<std::string>()});
    return out;
}

bool has_problem(const Result<ClientSpec>& result, const std::string& field, const std::string& rule) {
    return problems(result).count({field, rule}) == 1;
}

json public_jwks() {
    auto key = crypto::SigningKey::generate(crypto::JwsAlgorithm::es256);
    return {{"keys", json::array({key.public_jwk("client-key-1")})}};
}

}  // namespace

TEST_CASE("https redirect URIs are accepted as they are", "[oidc][clients]") {
    for (const char* uri : {"https://acme.example/callback", "https://acme.example:8443/cb?tenant=a",
                            "https://sub.acme.example/", "https://acme.example", "https://[2001:db8::1]/cb"}) {
        INFO(uri);
        CHECK_FALSE(redirect_uri_problem(uri));
    }
}

TEST_CASE("plain http redirect URIs are allowed only on loopback hosts (RFC 8252 7.3)", "[oidc][clients]") {
    for (const char* uri : {"http://localhost/cb", "http://localhost:3000/callback", "http://127.0.0.1:51004/oauth",
                            "http://[::1]:8080/cb", "HTTP://LOCALHOST/cb"}) {
        INFO(uri);
        CHECK_FALSE(redirect_uri_problem(uri));
    }
    for (const char* uri : {"http://acme.example/cb", "http://10.0.0.1/cb", "http://localhost.evil.example/cb",
                            "http://127.0.0.2/cb", "http://[::2]/cb"}) {
        INFO(uri);
        CHECK(rule_of(uri) == "insecure_scheme");
    }
}

TEST_CASE("native apps may use reverse-domain private-use schemes (RFC 8252 7.1)", "[oidc][clients]") {
    CHECK_FALSE(redirect_uri_problem("com.example.app:/oauth2redirect"));
    CHECK_FALSE(redirect_uri_problem("com.example.app:/"));
    CHECK_FALSE(redirect_uri_problem("io.acme.mobile://callback"));
    // Schemes that are not reverse domains, including the dangerous ones, are refused.
    for (const char* uri : {"myapp:/callback", "javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd",
                            "vbscript:msgbox", "ftp://acme.example/cb"}) {
        INFO(uri);
        CHECK(rule_of(uri) == "scheme");
    }
    CHECK(rule_of("com.example.app:") == "not_absolute");
}

TEST_CASE("redirect URIs must be absolute, fragment-free and exact", "[oidc][clients]") {
    CHECK(rule_of("https://acme.example/cb#frag") == "fragment");
    CHECK(rule_of("https://acme.example/cb#") == "fragment");
    CHECK(rule_of("/callback") == "not_absolute");
    CHECK(rule_of("acme.example/callback") == "not_absolute");
    CHECK(rule_of("https:/acme.example/cb") == "not_absolute");
    CHECK(rule_of("https://") == "host");
    CHECK(rule_of("https:///cb") == "host");
    CHECK(rule_of("") == "required");
    CHECK(rule_of("https://*.acme.example/cb") == "wildcard");
    CHECK(rule_of("https://user:pw@acme.example/cb") == "userinfo");
    CHECK(rule_of("https://acme.example:99999/cb") == "port");
    CHECK(rule_of("https://acme.example:/cb") == "port");
    CHECK(rule_of("https://acme.example/c b") == "characters");
    CHECK(rule_of("https://acme.example/cb\r\nX: y") == "characters");
    CHECK(rule_of("https://acm\xc3\xa9.example/cb") == "characters");
    CHECK(rule_of("https://acme.example/" + std::string(2100, 'a')) == "too_long");
}

TEST_CASE("a valid web client gets its derived settings", "[oidc][clients]") {
    auto valid = validate_client_spec(web_client());
    REQUIRE(valid);
    CHECK(valid->token_endpoint_auth_method == "client_secret_basic");
    CHECK(valid->response_types == std::vector<std::string>{"code"});
    CHECK(valid->scopes == std::vector<std::string>{"openid", "profile", "email"});

    auto service = web_client();
    service.grant_types = {k_grant_client_credentials, k_grant_client_credentials};
    service.redirect_uris.clear();
    service.scopes = {"invoices:read", "invoices:write"};
    auto machine = validate_client_spec(service);
    REQUIRE(machine);
    CHECK(machine->grant_types == std::vector<std::string>{"client_credentials"});
    CHECK(machine->response_types->empty());
}

TEST_CASE("grant types are limited to the supported ones", "[oidc][clients]") {
    for (const char* grant : {"authorization_code", "refresh_token", "client_credentials",
                              "urn:ietf:params:oauth:grant-type:device_code",
                              "urn:ietf:params:oauth:grant-type:token-exchange"})
        CHECK(is_supported_grant_type(grant));
    CHECK_FALSE(is_supported_grant_type("password"));
    CHECK_FALSE(is_supported_grant_type("implicit"));

    auto spec = web_client();
    spec.grant_types = {"authorization_code", "password"};
    CHECK(has_problem(validate_client_spec(spec), "grant_types", "unsupported"));
    spec.grant_types = {};
    CHECK(has_problem(validate_client_spec(spec), "grant_types", "required"));
    spec.grant_types = {"refresh_token"};
    CHECK(has_problem(validate_client_spec(spec), "grant_types", "refresh_token_alone"));
    spec.grant_types = {"refresh_token", "urn:ietf:params:oauth:grant-type:device_code"};
    CHECK(validate_client_spec(spec));
}

TEST_CASE("authorization_code needs a redirect URI and each URI is checked", "[oidc][clients]") {
    auto spec = web_client();
    spec.redirect_uris.clear();
    CHECK(has_problem(validate_client_spec(spec), "redirect_uris", "required"));

    spec.redirect_uris = {"https://ok.example/cb", "http://evil.example/cb", "https://acme.example/cb#x"};
    auto result = validate_client_spec(spec);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::validation);
    CHECK(problems(result) == std::set<std::pair<std::string, std::string>>{{"redirect_uris[1]", "insecure_scheme"},
                                                                          {"redirect_uris[2]", "fragment"}});
    CHECK(result.error().message.find("redirect_uris[1]") == 0);

    spec = web_client();
    spec.post_logout_redirect_uris = {"javascript:alert(1)"};
    CHECK(has_problem(validate_client_spec(spec), "post_logout_redirect_uris[0]", "scheme"));
}

TEST_CASE("public clients use method none and never client_credentials", "[oidc][clients]") {
    auto spa = web_client();
    spa.is_public = true;
    auto valid = validate_client_spec(spa);
    REQUIRE(valid);
    CHECK(valid->token_endpoint_auth_method == "none");

    spa.token_endpoint_auth_method = "client_secret_basic";
    CHECK(has_problem(validate_client_spec(spa), "token_endpoint_auth_method", "public_client"));

    spa.token_endpoint_auth_method = "none";
    spa.grant_types = {"client_credentials"};
    spa.redirect_uris.clear();
    CHECK(has_problem(validate_client_spec(spa), "grant_types", "public_client"));

    auto confidential = web_client();
    confidential.token_endpoint_auth_method = "none";
    CHECK(has_problem(validate_client_spec(confidential), "token_endpoint_auth_method", "confidential_client"));
    confidential.token_endpoint_auth_method = "client_secret_jwt";
    CHECK(has_problem(validate_client_spec(confidential), "token_endpoint_auth_method", "unsupported"));

    spa = web_client();
    spa.is_public = true;
    spa.secret = std::string(40, 'x');
    CHECK(has_problem(validate_client_spec(spa), "client_secret", "public_client"));
}

TEST_CASE("a registration body with method none is a public client", "[oidc][clients]") {
    auto spec = client_spec_from_json({{"name", "SPA"},
                                       {"token_endpoint_auth_method", "none"},
                                       {"redirect_uris", {"http://localhost:5173/cb"}}});
    REQUIRE(spec);
    CHECK(spec->is_public);
    CHECK(validate_client_spec(*spec));

    auto wrong = client_spec_from_json({{"name", 3}, {"grant_types", "authorization_code"}, {"colour", "red"}});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().details.size() == 3);
    CHECK_FALSE(client_spec_from_json({{"grant_types", {"authorization_code"}}}));  // no name
}

TEST_CASE("private_key_jwt needs public keys or an https jwks_uri", "[oidc][clients]") {
    auto spec = web_client();
    spec.token_endpoint_auth_method = "private_key_jwt";
    CHECK(has_problem(validate_client_spec(spec), "jwks", "required"));

    spec.jwks_uri = "https://acme.example/jwks.json";
    CHECK(validate_client_spec(spec));
    spec.jwks_uri = "http://acme.example/jwks.json";
    CHECK(has_problem(validate_client_spec(spec), "jwks_uri", "insecure_scheme"));
    // A key server on this machine may use plain http (tests, development); nothing else may.
    spec.jwks_uri = "http://127.0.0.1:8080/jwks.json";
    CHECK(validate_client_spec(spec));
    spec.jwks_uri = "http://localhost/jwks.json";
    CHECK(validate_client_spec(spec));
    spec.jwks_uri = "http://10.0.0.1/jwks.json";
    CHECK(has_problem(validate_client_spec(spec), "jwks_uri", "insecure_scheme"));

    spec.jwks_uri.reset();
    spec.jwks = public_jwks();
    CHECK(validate_client_spec(spec));

    spec.jwks_uri = "https://acme.example/jwks.json";
    CHECK(has_problem(validate_client_spec(spec), "jwks_uri", "exclusive"));
    spec.jwks_uri.reset();

    auto with_private = public_jwks();
    with_private["keys"][0]["d"] = "c2VjcmV0";
    spec.jwks = with_private;
    CHECK(has_problem(validate_client_spec(spec), "jwks", "private_key"));
    spec.jwks = {{"keys", {{{"kty", "oct"}, {"k", "c2VjcmV0"}}}}};
    CHECK(has_problem(validate_client_spec(spec), "jwks", "private_key"));
    spec.jwks = {{"keys", {{{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}}}}};
    CHECK(has_problem(validate_client_spec(spec), "jwks", "unsupported_key"));
    spec.jwks = {{"keys", json::array()}};
    CHECK(has_problem(validate_client_spec(spec), "jwks", "jwks"));
    spec.jwks = json::array();
    CHECK(has_problem(validate_client_spec(spec), "jwks", "jwks"));

    spec = web_client();
    spec.token_endpoint_auth_method = "private_key_jwt";
    spec.jwks_uri = "https://acme.example/jwks.json";
    spec.secret = std::string(40, 'x');
    CHECK(has_problem(validate_client_spec(spec), "client_secret", "private_key_jwt"));
}

TEST_CASE("scopes are single tokens and client ids have a fixed alphabet", "[oidc][clients]") {
    CHECK(is_valid_scope_token("openid"));
    CHECK(is_valid_scope_token("invoices:read"));
    CHECK(is_valid_scope_token("https://api.example/read"));
    CHECK_FALSE(is_valid_scope_token(""));
    CHECK_FALSE(is_valid_scope_token("openid profile"));
    CHECK_FALSE(is_valid_scope_token("quote\"d"));
    CHECK_FALSE(is_valid_scope_token("back\\slash"));
    auto spec = web_client();
    spec.scopes = {"openid", "two words"};
    CHECK(has_problem(validate_client_spec(spec), "scopes[1]", "syntax"));

    CHECK(is_valid_client_id("acme-web"));
    CHECK(is_valid_client_id("urn:acme:web.v2_1"));
    CHECK(is_valid_client_id(std::string(128, 'a')));
    CHECK_FALSE(is_valid_client_id(""));
    CHECK_FALSE(is_valid_client_id(std::string(129, 'a')));
    CHECK_FALSE(is_valid_client_id("acme web"));
    CHECK_FALSE(is_valid_client_id("acme/web"));
    spec = web_client();
    spec.client_id = "bad id";
    CHECK(has_problem(validate_client_spec(spec), "client_id", "syntax"));
}

TEST_CASE("response types follow the grant types", "[oidc][clients]") {
    auto spec = web_client();
    spec.response_types = std::vector<std::string>{"code"};
    CHECK(validate_client_spec(spec));
    spec.response_types = std::vector<std::string>{"token"};
    CHECK(has_problem(validate_client_spec(spec), "response_types", "mismatch"));
    spec.grant_types = {"client_credentials"};
    spec.response_types = std::vector<std::string>{"code"};
    CHECK(has_problem(validate_client_spec(spec), "response_types", "mismatch"));
}

TEST_CASE("token lifetimes and supplied secrets have bounds", "[oidc][clients]") {
    auto spec = web_client();
    spec.access_token_ttl_seconds = 0;
    spec.refresh_token_ttl_seconds = -1;
    CHECK(has_problem(validate_client_spec(spec), "access_token_ttl_seconds", "range"));
    CHECK(has_problem(validate_client_spec(spec), "refresh_token_ttl_seconds", "range"));

    CHECK(client_secret_problem(std::string(31, 'x'))->rule == "too_short");
    CHECK_FALSE(client_secret_problem(std::string(32, 'x')));
    CHECK(client_secret_problem(std::string(31, 'x') + " y")->rule == "characters");
    spec = web_client();
    spec.secret = "short";
    CHECK(has_problem(validate_client_spec(spec), "client_secret", "too_short"));
}

TEST_CASE("patches cannot change identity, publicness or the secret", "[oidc][clients]") {
    auto current = validate_client_spec(web_client());
    REQUIRE(current);
    current->client_id = "acme-web";
    auto renamed = apply_client_patch(*current, {{"name", "Acme"}, {"jwks_uri", nullptr}});
    REQUIRE(renamed);
    CHECK(renamed->name == "Acme");
    CHECK(renamed->redirect_uris == current->redirect_uris);

    CHECK(apply_client_patch(*current, {{"client_id", "acme-web"}}));
    auto refused = apply_client_patch(*current, {{"client_id", "other"}, {"is_public", true}, {"client_secret", "x"}});
    REQUIRE_FALSE(refused);
    std::set<std::string> rules;
    for (const auto& d : refused.error().details) rules.insert(d["rule"].get<std::string>());
    CHECK(rules == std::set<std::string>{"immutable", "use_rotate_secret"});
    CHECK_FALSE(apply_client_patch(*current, {{"created_at", "now"}}));
}

TEST_CASE("generated client secrets carry 256 bits and are stored as SHA-256", "[oidc][clients]") {
    const auto a = generate_client_secret();
    const auto b = generate_client_secret();
    CHECK(a.size() == 43);
    CHECK(a != b);
    CHECK(hash_client_secret(a).size() == 64);
    CHECK(hash_client_secret(a) != hash_client_secret(b));
    // SHA-256("abc"), FIPS 180-2.
    CHECK(hash_client_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a client's JSON never holds its secret hashes", "[oidc][clients]") {
    OAuthClient c;
    c.client_id = "acme-web";
    c.secret_hash = std::string(64, 'a');
    c.previous_secret_hash = std::string(64, 'b');
    const auto text = to_json(c).dump();
    CHECK(text.find(std::string(64, 'a')) == std::string::npos);
    CHECK(text.find(std::string(64, 'b')) == std::string::npos);
    CHECK(to_json(c)["previous_secret_expires_at"].is_null());
    CHECK_FALSE(to_json(CreatedClient{c, std::nullopt}).contains("client_secret"));
    CHECK(to_json(CreatedClient{c, std::string("s3cret")})["client_secret"] == "s3cret");
}
