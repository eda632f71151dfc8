// Security review items of issue #13: the security headers on every kind of response (JSON,
// HTML, XML, errors from the router and from cpp-httplib itself, 404, 413, 429), Cache-Control
// no-store on token and authentication responses (RFC 6749 5.1), the flags of every
// Set-Cookie, and januad terminating TLS itself (JANUA_TLS_CERT / JANUA_TLS_KEY): TLS 1.2 and
// 1.3 only, no compression, forward-secret AEAD ciphers, HSTS, Secure cookies.
#include "tests/integration/daemon/basic_auth.hpp"

#include <strings.h>

#include <algorithm>
#include <filesystem>
#include <thread>

using namespace janua::test;
using namespace janua::test::oidc;
using janua::test::security::basic;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> set_cookies(const HttpResponse& r) {
    std::vector<std::string> out;
    for (const auto& [name, value] : r.headers)
        if (::strcasecmp(name.c_str(), "Set-Cookie") == 0) out.push_back(value);
    return out;
}

// What every response carries, whatever produced it.
void check_headers(const HttpResponse& r, const std::string& what, bool https) {
    INFO(what << ": status " << r.status << "\n" << r.body.substr(0, 300));
    REQUIRE(r.status != 0);
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    CHECK_FALSE(r.header("Referrer-Policy").empty());
    // Framing refused by both the old and the new mechanism.
    CHECK(r.header("X-Frame-Options") == "DENY");
    const auto csp = r.header("Content-Security-Policy");
    if (contains(r.header("Content-Type"), "text/html")) {
        CHECK(contains(csp, "default-src"));
        CHECK(contains(csp, "frame-ancestors 'none'"));
    }
    if (!csp.empty()) CHECK(contains(csp, "frame-ancestors 'none'"));
    // HSTS only where the browser reached us over https (RFC 6797 7.2: never over plain http).
    if (https) CHECK(contains(r.header("Strict-Transport-Security"), "max-age="));
    else CHECK(r.header("Strict-Transport-Security").empty());
    for (const auto& cookie : set_cookies(r)) {
        INFO("Set-Cookie: " << cookie);
        CHECK(contains(cookie, "; HttpOnly"));
        CHECK((contains(cookie, "; SameSite=Lax") || contains(cookie, "; SameSite=Strict")));
        CHECK(contains(cookie, "; Path=/"));
        CHECK(contains(cookie, "; Secure") == https);
    }
}

// Token and authentication responses must not be cached (RFC 6749 5.1, OIDC Core 3.1.3.3).
void check_no_store(const HttpResponse& r, const std::string& what) {
    INFO(what << ": status " << r.status);
    CHECK(contains(r.header("Cache-Control"), "no-store"));
}

std::string field(const std::string& html, const std::string& name) {
    const std::string marker = "name=\"" + name + "\" value=\"";
    const auto at = html.find(marker);
    REQUIRE(at != std::string::npos);
    const auto start = at + marker.size();
    return html.substr(start, html.find('"', start) - start);
}

std::string cookie_pair(const HttpResponse& r) {
    auto cookies = set_cookies(r);
    REQUIRE_FALSE(cookies.empty());
    return cookies.front().substr(0, cookies.front().find(';'));
}

// A januad, its database and a user.
struct Site {
    std::string base;
    std::string db_url;
    std::string email = "alice@example.com";

    json add_client(const std::string& client_id, std::vector<std::string> extra) const {
        std::vector<std::string> args = {"client", "create", "--name", "App " + client_id, "--id", client_id};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--database-url", db_url, "--output", "json"});
        return cli_json(args);
    }
    void add_user() const {
        cli_json({"user", "create", "--email", email, "--password-stdin", "--database-url", db_url, "--output", "json"}, k_password);
    }
};

// Everything a browser, an API client and an attacker reach; each response is checked.
void walk(const Site& s, bool https) {
    const auto base = s.base;
    s.add_user();
    const auto secret = s.add_client("web", {"--grant-type", "authorization_code", "--redirect-uri", k_redirect})["client_secret"]
                            .get<std::string>();
    auto check = [&](const HttpResponse& r, const std::string& what) { check_headers(r, what, https); };

    check(get(base, "/health/live"), "health");
    check(get(base, "/.well-known/openid-configuration"), "discovery");
    check(get(base, "/.well-known/jwks.json"), "jwks");
    check(get(base, "/no/such/route"), "404 from the router");
    check(http("PUT", base, "/health/live"), "a method the route does not have");
    check(http("OPTIONS", base, "/api/v1/auth/signin", {}, {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}}),
          "preflight");
    check(http("POST", base, "/api/v1/auth/signin", "{not json"), "malformed JSON");
    check(post(base, "/api/v1/auth/signin", {{"email", s.email}, {"password", "wrong-password-123"}}), "401 sign-in");
    check(get(base, "/api/v1/auth/me"), "401 without a token");
    check(http("POST", base, "/api/v1/auth/signin", std::string(70 * 1024, 'x')), "413 from cpp-httplib");

    auto signed_up = post(base, "/api/v1/auth/signup", {{"email", "headers@example.com"}, {"password", k_password}});
    REQUIRE(signed_up.status == 201);
    check(signed_up, "sign-up");
    check_no_store(signed_up, "sign-up");
    auto signed_in = signin_response(base, s.email, k_password);
    REQUIRE(signed_in.status == 200);
    check(signed_in, "sign-in");
    check_no_store(signed_in, "sign-in");
    const auto session = body_of(signed_in);
    auto refreshed = post(base, "/api/v1/auth/refresh", {{"refresh_token", session["refresh_token"]}});
    check(refreshed, "refresh");
    check_no_store(refreshed, "refresh");
    auto me = get(base, "/api/v1/auth/me", session["access_token"]);
    check(me, "me");
    check_no_store(me, "me");

    // The hosted login page (HTML, CSRF cookie) and its form post (the session cookie).
    auto page = get(base, "/login");
    REQUIRE(page.status == 200);
    check(page, "login page");
    REQUIRE(set_cookies(page).size() == 1);
    auto login = http("POST", base, "/login",
                      form({{"csrf_token", field(page.body, "csrf_token")}, {"email", s.email}, {"password", k_password}}),
                      {{"Cookie", cookie_pair(page)}}, "application/x-www-form-urlencoded");
    INFO(login.body.substr(0, 300));
    REQUIRE((login.status == 302 || login.status == 303 || login.status == 200));
    REQUIRE_FALSE(set_cookies(login).empty());
    check(login, "login form post");

    // The token endpoint: errors and successes are never cached.
    auto bad_grant = post_form(base, "/oauth/token", {{"grant_type", "authorization_code"}, {"code", "nope"}},
                               {{"Authorization", "Basic " + basic("web", secret)}});
    check(bad_grant, "token error");
    check_no_store(bad_grant, "token error");
    auto cc = s.add_client("machine2", {"--grant-type", "client_credentials"});
    auto token = post_form(base, "/oauth/token", {{"grant_type", "client_credentials"}},
                           {{"Authorization", "Basic " + basic("machine2", cc["client_secret"])}});
    REQUIRE(token.status == 200);
    check(token, "client_credentials token");
    check_no_store(token, "client_credentials token");
    check(get(base, "/oauth/authorize?client_id=web&response_type=code"), "authorize error page");
}

std::string make_tls_certificate(const std::string& dir) {
    auto made = run_process({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-nodes", "-sha256", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                             "-keyout", dir + "/tls.key", "-out", dir + "/tls.crt"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    return dir + "/tls.crt";
}

struct TlsDir {
    std::string path;
    TlsDir() {
        char pattern[] = "/tmp/janua-tls-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
        make_tls_certificate(path);
    }
    ~TlsDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    Env env() const { return {{"JANUA_TLS_CERT", path + "/tls.crt"}, {"JANUA_TLS_KEY", path + "/tls.key"}}; }
};

// openssl s_client against januad with the given options; the exit code and what it printed.
ProcessResult handshake(const DaemonProcess& daemon, const TlsDir& tls, std::vector<std::string> options) {
    std::vector<std::string> argv = {"/usr/bin/env", "openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(daemon.port()),
                                     "-CAfile", tls.path + "/tls.crt", "-verify_return_error", "-brief"};
    argv.insert(argv.end(), options.begin(), options.end());
    return run_process(argv, {}, "Q\n");
}

}  // namespace

TEST_CASE("every response carries the security headers and every cookie its flags over http", "[security][headers]") {
    Server s{Env{{"MAX_REQUEST_BODY_BYTES", "65536"}}};
    walk(Site{s.base(), s.db.url(), "alice@example.com"}, false);
}

TEST_CASE("429 responses carry the security headers and Retry-After", "[security][headers]") {
    Server s{Env{{"RATE_LIMIT_PER_MINUTE", "2"}}};
    HttpResponse last;
    for (int i = 0; i < 5 && last.status != 429; ++i)
        last = post(s.base(), "/api/v1/auth/signin", {{"email", "nobody@example.com"}, {"password", "wrong-password-123"}});
    REQUIRE(last.status == 429);
    check_headers(last, "429", false);
    check_no_store(last, "429");
    CHECK_FALSE(last.header("Retry-After").empty());
}

TEST_CASE("januad terminates TLS itself with TLS 1.2 and 1.3 only and sends HSTS and Secure cookies", "[security][tls]") {
    TlsDir tls;
    TempDatabase db;
    migrate(db);
    // The harness's base URL is http://; januad's BASE_URL says https (cookies get Secure from it).
    auto env = tls.env();
    env["MAX_REQUEST_BODY_BYTES"] = "65536";
    env["BASE_URL"] = "https://127.0.0.1";
    DaemonProcess daemon(db.url(), env);
    const std::string base = "https://127.0.0.1:" + std::to_string(daemon.port());
    bool ready = false;
    for (int i = 0; i < 400 && !ready && daemon.running(); ++i) {
        ready = http("GET", base, "/health/ready").status == 200;
        if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(daemon.log());
    REQUIRE(ready);
    walk(Site{base, db.url(), "alice@example.com"}, true);

    auto tls12 = handshake(daemon, tls, {"-tls1_2"});
    INFO(tls12.out << tls12.err);
    CHECK(tls12.exit_code == 0);
    CHECK(contains(tls12.out + tls12.err, "Protocol version: TLSv1.2"));
    CHECK(contains(tls12.out + tls12.err, "ECDHE"));  // forward secrecy
    auto tls13 = handshake(daemon, tls, {"-tls1_3"});
    INFO(tls13.out << tls13.err);
    CHECK(tls13.exit_code == 0);
    CHECK(contains(tls13.out + tls13.err, "Protocol version: TLSv1.3"));
    // TLS 1.1 offered (the client's security level lowered so that it really offers it) is refused.
    auto tls11 = handshake(daemon, tls, {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"});
    INFO(tls11.out << tls11.err);
    CHECK(tls11.exit_code != 0);
    CHECK_FALSE(contains(tls11.out + tls11.err, "Protocol version: TLSv1.1"));
    // CBC suites (which OpenSSL's own default list still has, with ECDHE and this ECDSA
    // certificate) are refused on TLS 1.2: only AEAD.
    auto cbc = handshake(daemon, tls, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:@SECLEVEL=1"});
    INFO(cbc.out << cbc.err);
    CHECK(cbc.exit_code != 0);
    // Plain http on the TLS port gets no HTTP answer.
    CHECK(http("GET", "http://127.0.0.1:" + std::to_string(daemon.port()), "/health/live").status != 200);
}

TEST_CASE("januad refuses to start with an unusable TLS certificate or only half of the TLS settings", "[security][tls]") {
    TlsDir tls;
    TempDatabase db;
    migrate(db);
    {
        DaemonProcess daemon(db.url(), {{"JANUA_TLS_CERT", tls.path + "/tls.crt"}, {"JANUA_TLS_KEY", tls.path + "/missing.key"}});
        auto code = daemon.wait_exit(std::chrono::seconds(20));
        INFO(daemon.log());
        REQUIRE(code.has_value());
        CHECK(*code != 0);
        CHECK(contains(daemon.log(), "cannot load the TLS certificate"));
    }
    {
        DaemonProcess daemon(db.url(), {{"JANUA_TLS_CERT", tls.path + "/tls.crt"}});
        auto code = daemon.wait_exit(std::chrono::seconds(20));
        INFO(daemon.log());
        REQUIRE(code.has_value());
        CHECK(*code != 0);
        CHECK(contains(daemon.log(), "JANUA_TLS_CERT and JANUA_TLS_KEY go together"));
    }
}
