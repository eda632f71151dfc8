// The OAuth extensions of issue 4 item 6 against real peers: openid-client (v6) drives the device
// authorization grant (RFC 8628) while headless Chromium approves on /device, pushed
// authorization requests (RFC 9126), DPoP (RFC 9449), token exchange (RFC 8693) and dynamic client
// registration (RFC 7591/7592); jose mints DPoP proofs for the negative cases; plain HTTP with
// the session cookie and CSRF field checks every rule of the hosted /device page.
#include "tests/integration/oidc/form_browser.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <regex>
#include <strings.h>
#include <thread>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::oidc;

namespace {

const std::string k_device_grant = "urn:ietf:params:oauth:grant-type:device_code";
const std::string k_exchange_grant = "urn:ietf:params:oauth:grant-type:token-exchange";
const std::string k_access_token_type = "urn:ietf:params:oauth:token-type:access_token";

json extensions(const std::vector<std::string>& args, bool expect_success = true) {
    auto result = node_script("oidc-extensions.mjs", args);
    INFO("oidc-extensions.mjs " << args[0] << " exit " << result.exit_code << "\nstdout: " << result.out << "\nstderr: " << result.err);
    if (expect_success) REQUIRE(result.exit_code == 0);
    auto parsed = json::parse(result.out, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
}

// The web client's user token re-issued by the web client itself for `audience` (empty: januad's
// own): the hop that makes another client an intended recipient it may exchange (RFC 8693 2.1).
std::string exchanged_for(const OidcServer& s, const std::string& web_secret, const std::string& subject,
                          const std::string& audience, const std::map<std::string, std::string>& headers = {}) {
    Pairs fields = {{"grant_type", k_exchange_grant}, {"client_id", "web"}, {"client_secret", web_secret},
                    {"subject_token", subject}, {"subject_token_type", k_access_token_type}};
    if (!audience.empty()) fields.emplace_back("audience", audience);
    auto hop = post_form(s.base(), "/oauth/token", fields, headers);
    INFO(hop.body);
    REQUIRE(hop.status == 200);
    return body_of(hop)["access_token"].get<std::string>();
}

void sql(const OidcServer& s, const std::string& statement) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    w.exec(statement);
    w.commit();
}

long long sql_count(const OidcServer& s, const std::string& query) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    return w.exec1(query)[0].as<long long>();
}

// The hosted /device page driven without scripts (form_browser.hpp).
struct Browser : FormBrowser {
    // Types the code on /device; the response is the confirmation page (or an error).
    HttpResponse enter_code(const std::string& user_code) {
        auto page = send("GET", "/device");
        REQUIRE(page.status == 200);
        return send("POST", "/device", form({{"csrf_token", field(page.body, "csrf_token")}, {"user_code", user_code}}));
    }
    HttpResponse decide(const std::string& user_code, const std::string& decision) {
        auto confirm = enter_code(user_code);
        INFO(confirm.body);
        REQUIRE(confirm.status == 200);
        return send("POST", "/device/decision",
                    form({{"csrf_token", field(confirm.body, "csrf_token")}, {"user_code", user_code}, {"decision", decision}}));
    }
};

json start_device(const OidcServer& s, const std::string& client_id, const Pairs& extra = {}) {
    Pairs fields = {{"client_id", client_id}, {"scope", "openid profile"}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    auto r = post_form(s.base(), "/oauth/device_authorization", fields);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return body_of(r);
}

HttpResponse poll_token(const OidcServer& s, const std::string& client_id, const std::string& device_code) {
    return post_form(s.base(), "/oauth/token", {{"grant_type", k_device_grant}, {"device_code", device_code}, {"client_id", client_id}});
}

std::string dpop_proof(const json& jwk, const std::string& method, const std::string& url, const std::string& access_token = "-",
                       const std::string& jti = "-", const std::string& iat_offset = "0") {
    auto result = node_script("oidc-jwt-tools.mjs", {"dpop-proof", jwk.dump(), method, url, access_token, jti, iat_offset});
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    auto token = result.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

HttpResponse client_credentials_with_proof(const OidcServer& s, const std::string& secret, const std::string& proof) {
    return post_form(s.base(), "/oauth/token", {{"grant_type", "client_credentials"}, {"client_id", "svc"}, {"client_secret", secret}},
                     {{"DPoP", proof}});
}

}  // namespace

// ---- Discovery ----------------------------------------------------------------------------------

TEST_CASE("discovery lists the device, PAR, DPoP and token-exchange support truthfully", "[oidc][ext]") {
    OidcServer s;
    for (const char* path : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
        INFO(path);
        const auto doc = body_of(get(s.base(), path));
        CHECK(doc["device_authorization_endpoint"] == s.base() + "/oauth/device_authorization");
        CHECK(doc["pushed_authorization_request_endpoint"] == s.base() + "/oauth/par");
        CHECK(doc["require_pushed_authorization_requests"] == false);
        CHECK(has(doc["grant_types_supported"], k_device_grant));
        CHECK(has(doc["grant_types_supported"], k_exchange_grant));
        for (const char* alg : {"RS256", "ES256", "EdDSA"}) CHECK(has(doc["dpop_signing_alg_values_supported"], alg));
        CHECK_FALSE(doc.contains("registration_endpoint"));  // off by default
    }
}

// ---- RFC 8628 device authorization --------------------------------------------------------------

TEST_CASE("openid-client completes the device flow while Chromium approves on /device", "[oidc][ext][device]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--grant-type", "refresh_token", "--scope", "openid",
                        "--scope", "profile", "--scope", "offline_access"});
    auto out = extensions({"device", s.base(), "tv", "-", s.email, k_password, "allow"});
    INFO(out.dump(2));
    const auto& device = out["device"];
    CHECK(device["verification_uri"] == s.base() + "/device");
    const std::string user_code = device["user_code"];
    CHECK(std::regex_match(user_code, std::regex("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}")));
    CHECK(device["verification_uri_complete"] == s.base() + "/device?user_code=" + user_code);
    CHECK(device["expires_in"] == 600);
    CHECK(device["interval"] == 5);
    CHECK(out["confirm_text"].get<std::string>().find("App tv") != std::string::npos);
    CHECK(out["done_text"].get<std::string>().find("Device connected") != std::string::npos);
    const auto& tokens = out["tokens"];
    CHECK(strcasecmp(tokens["token_type"].get<std::string>().c_str(), "bearer") == 0);
    CHECK(tokens["refresh_token"].is_string());
    CHECK(tokens["claims"]["sub"] == s.user_id);
    CHECK(tokens["claims"]["aud"] == "tv");
    CHECK(out["userinfo"]["sub"] == s.user_id);
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.device_authorization_approved'") == 1);
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.token_issued' AND details->>'grant_type' = '" +
                       k_device_grant + "'") == 1);
}

TEST_CASE("a user who denies on /device gives the polling device access_denied", "[oidc][ext][device]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile", "--scope",
                        "offline_access"});
    auto out = extensions({"device", s.base(), "tv", "-", s.email, k_password, "deny"});
    INFO(out.dump(2));
    CHECK(out["done_text"].get<std::string>().find("denied") != std::string::npos);
    CHECK(out["poll_error"] == "access_denied");
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.device_authorization_denied'") == 1);
}

TEST_CASE("device flow with DPoP: the polled tokens are bound to the device's key", "[oidc][ext][device][dpop]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile", "--scope",
                        "offline_access"});
    auto out = extensions({"device", s.base(), "tv", "-", s.email, k_password, "allow", "dpop"});
    INFO(out.dump(2));
    CHECK(strcasecmp(out["tokens"]["token_type"].get<std::string>().c_str(), "dpop") == 0);
    CHECK(parse_jwt(out["tokens"]["access_token"]).payload["cnf"]["jkt"].is_string());
    CHECK(out["userinfo"]["sub"] == s.user_id);  // sent as Authorization: DPoP with a proof
}

TEST_CASE("device polling: authorization_pending, slow_down, single use, other client, expiry", "[oidc][ext][device]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile"});
    s.add_client("radio", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile"});
    auto started = start_device(s, "tv");
    const std::string device_code = started["device_code"];

    auto first = poll_token(s, "tv", device_code);
    CHECK(first.status == 400);
    CHECK(oauth_error(first) == "authorization_pending");
    // Again at once, well inside the 5-second interval: slow down (RFC 8628 3.5), and the interval grew.
    auto hasty = poll_token(s, "tv", device_code);
    CHECK(oauth_error(hasty) == "slow_down");
    CHECK(sql_count(s, "SELECT interval_seconds FROM device_authorizations") == 10);
    // Another client cannot redeem this device code.
    CHECK(oauth_error(poll_token(s, "radio", device_code)) == "invalid_grant");
    CHECK(oauth_error(poll_token(s, "tv", "not-a-device-code")) == "invalid_grant");

    Browser browser{{s.base(), {}}};
    browser.sign_in(s.email);
    auto done = browser.decide(started["user_code"], "allow");
    CHECK(done.status == 200);
    sql(s, "UPDATE device_authorizations SET last_polled_at = now() - interval '1 minute'");
    auto tokens = poll_token(s, "tv", device_code);
    INFO(tokens.body);
    REQUIRE(tokens.status == 200);
    CHECK(body_of(tokens)["token_type"] == "Bearer");
    sql(s, "UPDATE device_authorizations SET last_polled_at = now() - interval '1 minute'");
    CHECK(oauth_error(poll_token(s, "tv", device_code)) == "invalid_grant");  // single use

    auto late = start_device(s, "tv");
    sql(s, "UPDATE device_authorizations SET expires_at = now() - interval '1 second' WHERE status = 'pending'");
    CHECK(oauth_error(poll_token(s, "tv", late["device_code"])) == "expired_token");
    // An expired code is refused on the page too.
    auto page = browser.enter_code(late["user_code"]);
    CHECK(page.status == 400);
    CHECK(page.body.find("not valid or has expired") != std::string::npos);
}

TEST_CASE("device authorization refuses clients without the grant and scopes beyond the client's", "[oidc][ext][device]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile"});
    s.add_client("spa", {"--public", "--grant-type", "authorization_code", "--redirect-uri", k_redirect, "--scope", "openid"});
    auto no_grant = post_form(s.base(), "/oauth/device_authorization", {{"client_id", "spa"}, {"scope", "openid"}});
    CHECK(no_grant.status == 400);
    CHECK(oauth_error(no_grant) == "unauthorized_client");
    auto wide = post_form(s.base(), "/oauth/device_authorization", {{"client_id", "tv"}, {"scope", "openid email"}});
    CHECK(oauth_error(wide) == "invalid_scope");
    auto unknown = post_form(s.base(), "/oauth/device_authorization", {{"client_id", "nobody"}});
    CHECK(unknown.status == 401);
    CHECK(oauth_error(unknown) == "invalid_client");
    CHECK(sql_count(s, "SELECT count(*) FROM device_authorizations") == 0);
}

TEST_CASE("the /device page: sign-in first, CSRF, wrong codes, headers", "[oidc][ext][device]") {
    OidcServer s;
    s.add_client("tv", {"--public", "--grant-type", k_device_grant, "--scope", "openid", "--scope", "profile"});
    auto started = start_device(s, "tv");
    const std::string user_code = started["user_code"];

    Browser browser{{s.base(), {}}};
    // Not signed in: to the hosted login, which comes back here with the code.
    auto anonymous = browser.send("GET", "/device?user_code=" + user_code);
    CHECK(anonymous.status == 302);
    CHECK(anonymous.header("Location").rfind("/login?return_to=", 0) == 0);
    CHECK(anonymous.header("Location").find("device") != std::string::npos);

    browser.sign_in(s.email);
    auto page = browser.send("GET", "/device?user_code=" + user_code);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("value=\"" + user_code + "\"") != std::string::npos);  // prefilled
    CHECK(page.body.find("<label for=\"user_code\">") != std::string::npos);
    CHECK(page.body.find("<script") == std::string::npos);
    const auto csp = page.header("Content-Security-Policy");
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);

    // A forged form (no CSRF field) decides nothing.
    auto forged = browser.send("POST", "/device/decision", form({{"user_code", user_code}, {"decision", "allow"}}));
    CHECK(forged.status == 403);
    CHECK(sql_count(s, "SELECT count(*) FROM device_authorizations WHERE status = 'pending'") == 1);
    // A wrong code says so and decides nothing.
    auto wrong = browser.enter_code("BBBB-BBBB");
    CHECK(wrong.status == 400);
    CHECK(wrong.body.find("role=\"alert\"") != std::string::npos);
    auto garbage = browser.enter_code("<script>");
    CHECK(garbage.status == 400);
    CHECK(garbage.body.find("<script>") == std::string::npos);  // escaped
    // The right code, typed loosely, reaches the confirmation naming the client.
    auto confirm = browser.enter_code(" " + user_code.substr(0, 4) + " " + user_code.substr(5));
    CHECK(confirm.status == 200);
    CHECK(confirm.body.find("App tv") != std::string::npos);
    // Once decided, the code cannot be decided again.
    CHECK(browser.decide(user_code, "deny").status == 200);
    auto again = browser.enter_code(user_code);
    CHECK(again.status == 400);
}

// ---- RFC 9126 pushed authorization requests -----------------------------------------------------

TEST_CASE("openid-client pushes its authorization request, the request_uri works once", "[oidc][ext][par]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    auto out = extensions({"par", s.base(), "web", secret, k_redirect, s.email, k_password});
    INFO(out.dump(2));
    const std::string request_uri = out["request_uri"];
    CHECK(request_uri.rfind("urn:ietf:params:oauth:request_uri:", 0) == 0);
    // Only client_id and request_uri travel through the browser.
    CHECK(out["authorization_url"].get<std::string>().find("redirect_uri") == std::string::npos);
    CHECK(out["tokens"]["claims"]["sub"] == s.user_id);
    CHECK(has(out["steps"], "login page"));
    CHECK(has(out["steps"], "consent page"));
    // Replayed after the code was issued: refused, on an error page (never a redirect).
    auto replay = get(s.base(), "/oauth/authorize?client_id=web&request_uri=" + url_encode(request_uri));
    CHECK(replay.status == 400);
    CHECK(replay.body.find("already used") != std::string::npos);
}

TEST_CASE("PAR: client authentication, bad parameters, expiry, other clients, required PAR", "[oidc][ext][par]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto other_secret = s.web_client("other");
    const Pairs request = {{"response_type", "code"}, {"redirect_uri", k_redirect}, {"scope", "openid"},
                           {"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, {"code_challenge_method", "S256"}};
    auto with_auth = [&](const std::string& id, const std::string& sec, Pairs extra) {
        Pairs fields = {{"client_id", id}, {"client_secret", sec}};
        fields.insert(fields.end(), extra.begin(), extra.end());
        return post_form(s.base(), "/oauth/par", fields);
    };
    auto pushed = with_auth("web", secret, request);
    INFO(pushed.body);
    REQUIRE(pushed.status == 201);
    const auto body = body_of(pushed);
    CHECK(body["expires_in"] == 90);
    const std::string request_uri = body["request_uri"];

    auto wrong_secret = with_auth("web", "wrong-secret-wrong-secret-wrong-secret", request);
    CHECK(wrong_secret.status == 401);
    CHECK(oauth_error(wrong_secret) == "invalid_client");
    Pairs nested = request;
    nested.emplace_back("request_uri", request_uri);
    CHECK(oauth_error(with_auth("web", secret, nested)) == "invalid_request");
    Pairs elsewhere = request;
    elsewhere[1].second = "https://evil.example/cb";
    CHECK(oauth_error(with_auth("web", secret, elsewhere)) == "invalid_request");
    Pairs plain = request;
    plain[4].second = "plain";
    CHECK(oauth_error(with_auth("web", secret, plain)) == "invalid_request");

    // Another client cannot use this request_uri.
    auto stolen = get(s.base(), "/oauth/authorize?client_id=other&request_uri=" + url_encode(request_uri));
    CHECK(stolen.status == 400);
    (void)other_secret;
    // The right client, before it expires: on to the hosted login.
    auto fresh = get(s.base(), "/oauth/authorize?client_id=web&request_uri=" + url_encode(request_uri));
    CHECK(fresh.status == 302);
    CHECK(fresh.header("Location").rfind("/login", 0) == 0);
    sql(s, "UPDATE pushed_authorization_requests SET expires_at = now() - interval '1 second'");
    auto expired = get(s.base(), "/oauth/authorize?client_id=web&request_uri=" + url_encode(request_uri));
    CHECK(expired.status == 400);
    CHECK(expired.body.find("expired") != std::string::npos);

    // A client that must push: a plain authorization request is refused.
    sql(s, "UPDATE oauth_clients SET require_pushed_authorization_requests = true WHERE client_id = 'web'");
    auto direct = get(s.base(), "/oauth/authorize?client_id=web&response_type=code&scope=openid&redirect_uri=" + url_encode(k_redirect) +
                                   "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
    CHECK(direct.status == 400);
    CHECK(direct.body.find("/oauth/par") != std::string::npos);
    auto shown = run_janua({"client", "get", "web", "--database-url", s.db.url(), "--output", "json"});
    CHECK(json::parse(shown.out)["require_pushed_authorization_requests"] == true);
}

// ---- RFC 9449 DPoP ------------------------------------------------------------------------------

TEST_CASE("openid-client with DPoP: bound tokens, userinfo with proofs, refresh bound to the key", "[oidc][ext][dpop]") {
    OidcServer s;
    s.add_client("spa", {"--public", "--grant-type", "authorization_code", "--grant-type", "refresh_token", "--redirect-uri",
                         k_redirect, "--scope", "openid", "--scope", "profile"});
    auto out = extensions({"dpop", s.base(), "spa", "-", k_redirect, s.email, k_password});
    INFO(out.dump(2));
    CHECK(strcasecmp(out["tokens"]["token_type"].get<std::string>().c_str(), "dpop") == 0);
    const auto claims = parse_jwt(out["tokens"]["access_token"]).payload;
    REQUIRE(claims["cnf"]["jkt"].is_string());
    CHECK(out["userinfo"]["sub"] == s.user_id);
    CHECK(strcasecmp(out["refreshed"]["token_type"].get<std::string>().c_str(), "dpop") == 0);
    CHECK(parse_jwt(out["refreshed"]["access_token"]).payload["cnf"] == claims["cnf"]);
    // A public client's refresh token needs a proof of the same key.
    CHECK(out["refresh_without_proof"] == "invalid_dpop_proof");
}

TEST_CASE("a code bound to a DPoP key through PAR or dpop_jkt is redeemed only with a proof of that key", "[oidc][ext][dpop]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    for (const std::string binding : {"par", "param"}) {
        INFO("binding " << binding);
        auto ok = extensions({"dpop-bound-code", s.base(), "web", secret, k_redirect, s.email, k_password, binding, "same"});
        INFO(ok.dump(2));
        CHECK(strcasecmp(ok["tokens"]["token_type"].get<std::string>().c_str(), "dpop") == 0);
        CHECK(parse_jwt(ok["tokens"]["access_token"]).payload["cnf"]["jkt"] == ok["jkt"]);
        for (const std::string redeem : {"other", "none"}) {
            INFO("redeemed with " << redeem);
            auto refused = extensions({"dpop-bound-code", s.base(), "web", secret, k_redirect, s.email, k_password, binding, redeem}, false);
            CHECK(refused["oauth_error"] == "invalid_dpop_proof");
        }
    }
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.token_issued' AND details->>'dpop_bound' = 'true'") == 2);

    // A dpop_jkt that is not a thumbprint is refused at PAR (and would be at /authorize).
    auto bad = post_form(s.base(), "/oauth/par", {{"client_id", "web"}, {"client_secret", secret}, {"response_type", "code"},
                                                  {"redirect_uri", k_redirect}, {"scope", "openid"}, {"dpop_jkt", "short"}});
    CHECK(bad.status == 400);
    CHECK(oauth_error(bad) == "invalid_request");
    CHECK(sql_count(s, "SELECT count(*) FROM pushed_authorization_requests WHERE params ? 'dpop_jkt' AND params->>'dpop_jkt' = 'short'") == 0);
}

TEST_CASE("DPoP proofs at the token endpoint: algorithms, replay, htm, htu, iat, shape", "[oidc][ext][dpop]") {
    OidcServer s;
    const std::string secret = s.add_client("svc", {"--grant-type", "client_credentials", "--scope", "api:read"})["client_secret"];
    const std::string token_url = s.base() + "/oauth/token";
    const std::string alg = GENERATE(as<std::string>{}, "ES256", "EdDSA", "RS256");
    INFO("proof key " << alg);
    json key;
    std::string jwks;
    keygen(alg, key, jwks);

    const auto proof = dpop_proof(key, "POST", token_url);
    auto bound = client_credentials_with_proof(s, secret, proof);
    INFO(bound.body);
    REQUIRE(bound.status == 200);
    CHECK(body_of(bound)["token_type"] == "DPoP");
    // The thumbprint is RFC 7638's: jose computed the same one as the key's kid (keygen).
    CHECK(parse_jwt(body_of(bound)["access_token"]).payload["cnf"]["jkt"] == key["kid"]);

    auto replayed = client_credentials_with_proof(s, secret, proof);
    CHECK(replayed.status == 400);
    CHECK(oauth_error(replayed) == "invalid_dpop_proof");
    CHECK(oauth_error(client_credentials_with_proof(s, secret, dpop_proof(key, "GET", token_url))) == "invalid_dpop_proof");
    CHECK(oauth_error(client_credentials_with_proof(s, secret, dpop_proof(key, "POST", s.base() + "/oauth/userinfo"))) ==
          "invalid_dpop_proof");
    CHECK(oauth_error(client_credentials_with_proof(s, secret, dpop_proof(key, "POST", token_url, "-", "-", "-900"))) ==
          "invalid_dpop_proof");
    CHECK(oauth_error(client_credentials_with_proof(s, secret, "not.a.proof")) == "invalid_dpop_proof");
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.token_issued' AND details->>'dpop_bound' = 'true'") == 1);
}

TEST_CASE("userinfo and introspection with DPoP-bound tokens: scheme, proof, ath, key", "[oidc][ext][dpop]") {
    OidcServer s;
    const auto web_secret = s.web_client("web", {"--grant-type", k_exchange_grant});
    const std::string subject = s.rp_flow("web", web_secret)["access_token"];
    const std::string secret = s.add_client("gateway", {"--grant-type", k_exchange_grant, "--scope", "openid", "--scope", "profile",
                                                        "--scope", "email"})["client_secret"];
    json key, other;
    std::string jwks;
    keygen("ES256", key, jwks);
    keygen("ES256", other, jwks);
    // A user token bound to `key`: the web client exchanges its own token with a DPoP proof.
    const std::string token = exchanged_for(s, web_secret, subject, "", {{"DPoP", dpop_proof(key, "POST", s.base() + "/oauth/token")}});
    CHECK(parse_jwt(token).payload["cnf"]["jkt"].is_string());
    const std::string userinfo_url = s.base() + "/oauth/userinfo";
    auto call = [&](const std::string& authorization, const std::string& proof) {
        std::map<std::string, std::string> headers = {{"Authorization", authorization}};
        if (!proof.empty()) headers["DPoP"] = proof;
        return http("GET", s.base(), "/oauth/userinfo", {}, headers);
    };
    // As Bearer, the bound token loses: it must be presented with its proof.
    auto as_bearer = call("Bearer " + token, "");
    CHECK(as_bearer.status == 401);
    CHECK(oauth_error(as_bearer) == "invalid_token");
    CHECK(oauth_error(call("DPoP " + token, "")) == "invalid_token");
    CHECK(oauth_error(call("DPoP " + token, dpop_proof(key, "GET", userinfo_url))) == "invalid_token");  // no ath
    CHECK(oauth_error(call("DPoP " + token, dpop_proof(key, "GET", userinfo_url, subject))) == "invalid_token");  // ath mismatch
    CHECK(oauth_error(call("DPoP " + token, dpop_proof(other, "GET", userinfo_url, token))) == "invalid_token");  // another key
    CHECK(oauth_error(call("DPoP " + token, dpop_proof(key, "POST", userinfo_url, token))) == "invalid_token");  // htm
    CHECK(oauth_error(call("DPoP " + token, dpop_proof(key, "GET", s.base() + "/oauth/token", token))) == "invalid_token");  // htu
    // An unbound token may not pose as DPoP.
    CHECK(oauth_error(call("DPoP " + subject, dpop_proof(key, "GET", userinfo_url, subject))) == "invalid_token");
    const auto good = dpop_proof(key, "GET", userinfo_url, token);
    auto bound = call("DPoP " + token, good);
    INFO(bound.body);
    CHECK(bound.status == 200);
    CHECK(body_of(bound)["sub"] == s.user_id);
    auto replay = call("DPoP " + token, good);
    CHECK(replay.status == 401);
    CHECK(replay.header("WWW-Authenticate").rfind("DPoP", 0) == 0);

    // Introspection tells a resource server the token is DPoP-bound and to which key.
    auto info = post_form(s.base(), "/oauth/introspect", {{"token", token}, {"client_id", "gateway"}, {"client_secret", secret}});
    REQUIRE(info.status == 200);
    CHECK(body_of(info)["token_type"] == "DPoP");
    CHECK(body_of(info)["cnf"]["jkt"] == parse_jwt(token).payload["cnf"]["jkt"]);

    // A bound token is exchanged only by its key holder, and stays bound.
    auto exchange = [&](const std::map<std::string, std::string>& headers) {
        return post_form(s.base(), "/oauth/token",
                         {{"grant_type", k_exchange_grant}, {"client_id", "web"}, {"client_secret", web_secret},
                          {"subject_token", token}, {"subject_token_type", k_access_token_type}},
                         headers);
    };
    CHECK(oauth_error(exchange({})) == "invalid_grant");
    CHECK(oauth_error(exchange({{"DPoP", dpop_proof(other, "POST", s.base() + "/oauth/token")}})) == "invalid_grant");
    auto rebound = exchange({{"DPoP", dpop_proof(key, "POST", s.base() + "/oauth/token")}});
    INFO(rebound.body);
    REQUIRE(rebound.status == 200);
    CHECK(body_of(rebound)["token_type"] == "DPoP");
}

// ---- RFC 8693 token exchange --------------------------------------------------------------------

TEST_CASE("openid-client exchanges a user's token for a narrower one, with delegation", "[oidc][ext][exchange]") {
    OidcServer s;
    const auto web_secret = s.web_client("web", {"--grant-type", k_exchange_grant});
    auto flow = s.rp_flow("web", web_secret);
    const std::string user_token = flow["access_token"];
    const std::string secret = s.add_client("gateway", {"--grant-type", k_exchange_grant, "--grant-type", "client_credentials",
                                                        "--scope", "openid", "--scope", "profile", "--scope", "email",
                                                        "--scope", "api:read"})["client_secret"];
    s.add_client("orders-api", {"--grant-type", "client_credentials", "--scope", "api:read"});
    // The web app hands the gateway a token made for it; the gateway trades it for orders-api.
    const std::string subject = exchanged_for(s, web_secret, user_token, "gateway");

    auto out = extensions({"exchange", s.base(), "gateway", secret, subject, "openid profile", "orders-api"});
    INFO(out.dump(2));
    const auto& tokens = out["tokens"];
    CHECK(tokens["issued_token_type"] == k_access_token_type);
    const auto claims = parse_jwt(tokens["access_token"]).payload;
    CHECK(claims["sub"] == s.user_id);
    CHECK(claims["client_id"] == "gateway");
    CHECK(claims["scope"] == "openid profile");
    CHECK(claims["aud"] == "orders-api");
    CHECK_FALSE(claims.contains("act"));
    CHECK(claims["exp"].get<long long>() <= parse_jwt(user_token).payload["exp"].get<long long>());

    // With an actor token: the gateway acts for the user, and says so in act.
    auto [code, actor] = s.rp_op("gateway", "secret:" + secret, {"client-credentials", "api:read"});
    REQUIRE(code == 0);
    auto delegated = extensions({"exchange", s.base(), "gateway", secret, subject, "-", "-", actor["result"]["access_token"]});
    const auto act = parse_jwt(delegated["tokens"]["access_token"]).payload["act"];
    CHECK(act["sub"] == "gateway");
    CHECK(act["client_id"] == "gateway");
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE details->>'grant_type' = '" + k_exchange_grant + "'") == 3);
}

TEST_CASE("token exchange never broadens and refuses what it cannot vouch for", "[oidc][ext][exchange]") {
    OidcServer s;
    const auto web_secret = s.web_client("web", {"--grant-type", k_exchange_grant});
    auto flow = s.rp_flow("web", web_secret, "openid profile");
    const std::string user_token = flow["access_token"];
    const std::string secret = s.add_client("gateway", {"--grant-type", k_exchange_grant, "--scope", "openid", "--scope", "profile",
                                                        "--scope", "email"})["client_secret"];
    const std::string subject = exchanged_for(s, web_secret, user_token, "gateway");
    const std::string plain_secret = s.add_client("plain", {"--grant-type", "client_credentials", "--scope", "api:read"})["client_secret"];
    auto exchange = [&](const std::string& client_id, const std::string& sec, Pairs extra) {
        Pairs fields = {{"grant_type", k_exchange_grant}, {"client_id", client_id}, {"client_secret", sec},
                        {"subject_token", subject}, {"subject_token_type", k_access_token_type}};
        for (auto& [k, v] : extra) {
            bool replaced = false;
            for (auto& [fk, fv] : fields)
                if (fk == k) fv = v, replaced = true;
            if (!replaced) fields.emplace_back(k, v);
        }
        return post_form(s.base(), "/oauth/token", fields);
    };
    // Only an intended recipient exchanges: the user's own token names neither gateway nor plain.
    auto stranger = exchange("gateway", secret, {{"subject_token", user_token}});
    CHECK(oauth_error(stranger) == "invalid_grant");
    CHECK(body_of(stranger)["error_description"].get<std::string>().find("audience") != std::string::npos);
    CHECK(oauth_error(exchange("gateway", secret, {{"scope", "openid profile email"}})) == "invalid_scope");  // broader
    CHECK(oauth_error(exchange("plain", plain_secret, {})) == "unauthorized_client");
    CHECK(oauth_error(exchange("gateway", secret, {{"subject_token", "garbage"}})) == "invalid_grant");
    CHECK(oauth_error(exchange("gateway", secret, {{"subject_token_type", "urn:ietf:params:oauth:token-type:id_token"}})) ==
          "invalid_request");
    CHECK(oauth_error(exchange("gateway", secret, {{"audience", "https://unknown.example"}})) == "invalid_target");
    CHECK(oauth_error(exchange("gateway", secret, {{"requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"}})) ==
          "invalid_request");
    auto ok = exchange("gateway", secret, {});
    INFO(ok.body);
    CHECK(ok.status == 200);
    CHECK(parse_jwt(body_of(ok)["access_token"]).payload["scope"] == "openid profile");
    // Once the user's grant is revoked, its tokens cannot be exchanged any more.
    CHECK(post_form(s.base(), "/oauth/revoke", {{"token", flow["refreshed"]["refresh_token"]}, {"client_id", "web"}, {"client_secret", web_secret}})
              .status == 200);
    CHECK(oauth_error(exchange("gateway", secret, {})) == "invalid_grant");
}

// ---- RFC 7591 / 7592 dynamic client registration ------------------------------------------------

TEST_CASE("dynamic registration is off by default: 404 and not in discovery", "[oidc][ext][register]") {
    OidcServer s;
    auto r = post(s.base(), "/oauth/register", {{"redirect_uris", {k_redirect}}});
    CHECK(r.status == 404);
    CHECK(sql_count(s, "SELECT count(*) FROM oauth_clients WHERE client_id <> 'janua-cli'") == 0);
    CHECK_FALSE(body_of(get(s.base(), "/.well-known/openid-configuration")).contains("registration_endpoint"));
}

TEST_CASE("openid-client registers itself, RFC 7592 read, update, delete with the registration token", "[oidc][ext][register]") {
    OidcServer s(Env{{"OAUTH_DYNAMIC_REGISTRATION_ENABLED", "true"}});
    CHECK(body_of(get(s.base(), "/.well-known/openid-configuration"))["registration_endpoint"] == s.base() + "/oauth/register");
    auto out = extensions({"register", s.base(),
                           json{{"client_name", "Robot"}, {"grant_types", {"client_credentials"}}, {"scope", "api:read"}}.dump()});
    INFO(out.dump(2));
    const auto& registered = out["client"];
    const std::string client_id = registered["client_id"];
    CHECK(registered["client_secret"].is_string());
    CHECK(registered["client_secret_expires_at"] == 0);
    CHECK(registered["token_endpoint_auth_method"] == "client_secret_basic");
    CHECK(parse_jwt(out["tokens"]["access_token"]).payload["sub"] == client_id);
    const std::string management = registered["registration_access_token"];
    CHECK(registered["registration_client_uri"] == s.base() + "/oauth/register/" + client_id);
    CHECK(sql_count(s, "SELECT count(*) FROM audit_events WHERE action = 'oauth.client_registered'") == 1);

    const std::string path = "/oauth/register/" + client_id;
    auto read = get(s.base(), path, management);
    REQUIRE(read.status == 200);
    CHECK(body_of(read)["client_name"] == "Robot");
    CHECK_FALSE(body_of(read).contains("client_secret"));  // shown once
    CHECK(get(s.base(), path, "wrong-token").status == 401);
    CHECK(get(s.base(), path).status == 401);
    CHECK(get(s.base(), "/oauth/register/someone-else", management).status == 401);

    auto updated = http("PUT", s.base(), path,
                        json{{"client_id", client_id}, {"client_name", "Robot 2"}, {"grant_types", {"client_credentials"}},
                             {"scope", "api:read"}}.dump(),
                        bearer(management));
    INFO(updated.body);
    CHECK(updated.status == 200);
    CHECK(body_of(updated)["client_name"] == "Robot 2");
    auto broken = http("PUT", s.base(), path, json{{"client_id", client_id}, {"grant_types", {"password"}}}.dump(), bearer(management));
    CHECK(oauth_error(broken) == "invalid_client_metadata");
    CHECK(http("DELETE", s.base(), path, {}, bearer(management)).status == 204);
    CHECK(get(s.base(), path, management).status == 401);
    CHECK(sql_count(s, "SELECT count(*) FROM oauth_clients WHERE client_id <> 'janua-cli'") == 0);
}

TEST_CASE("dynamic registration validates metadata and honours the initial access token", "[oidc][ext][register]") {
    OidcServer s(Env{{"OAUTH_DYNAMIC_REGISTRATION_ENABLED", "true"}, {"OAUTH_REGISTRATION_INITIAL_ACCESS_TOKEN", "let-me-register-0123456789"}});
    const json good = {{"client_name", "Web"}, {"redirect_uris", {k_redirect}}, {"scope", "openid profile"}};
    CHECK(post(s.base(), "/oauth/register", good).status == 401);
    CHECK(post(s.base(), "/oauth/register", good, "wrong").status == 401);
    auto bad_redirect = post(s.base(), "/oauth/register", {{"redirect_uris", {"http://evil.example/cb"}}}, "let-me-register-0123456789");
    CHECK(bad_redirect.status == 400);
    CHECK(oauth_error(bad_redirect) == "invalid_redirect_uri");
    auto bad_grant = post(s.base(), "/oauth/register", {{"grant_types", {"password"}}}, "let-me-register-0123456789");
    CHECK(oauth_error(bad_grant) == "invalid_client_metadata");
    auto bad_type = post(s.base(), "/oauth/register", {{"redirect_uris", "not-a-list"}}, "let-me-register-0123456789");
    CHECK(oauth_error(bad_type) == "invalid_client_metadata");
    auto bad_method = post(s.base(), "/oauth/register", {{"redirect_uris", {k_redirect}}, {"token_endpoint_auth_method", "client_secret_jwt"}},
                           "let-me-register-0123456789");
    CHECK(oauth_error(bad_method) == "invalid_client_metadata");
    CHECK(sql_count(s, "SELECT count(*) FROM oauth_clients WHERE client_id <> 'janua-cli'") == 0);

    // With the initial access token, openid-client registers a public PKCE client.
    auto out = extensions({"register", s.base(),
                           json{{"client_name", "SPA"}, {"redirect_uris", {k_redirect}}, {"token_endpoint_auth_method", "none"},
                                {"scope", "openid profile"}}.dump(),
                           "let-me-register-0123456789"});
    INFO(out.dump(2));
    CHECK(out["client"]["token_endpoint_auth_method"] == "none");
    CHECK_FALSE(out["client"].contains("client_secret"));
    // A self-registered client never skips consent.
    CHECK(sql_count(s, "SELECT count(*) FROM oauth_clients WHERE require_consent") == 1);
}
