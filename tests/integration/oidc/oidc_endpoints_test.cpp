// The OAuth 2.0 / OpenID Connect endpoints of a real januad, driven over HTTP from C++ like a
// browser and a relying party would: the authorization endpoint and its errors (RFC 6749 4.1,
// OIDC Core 3.1.2, RFC 7636, RFC 9207), the hosted login and consent pages, the token endpoint
// (RFC 6749 3.2, 4.1.3, 5.2, 6), client_credentials, introspection (RFC 7662), revocation
// (RFC 7009) and RP-initiated logout.
//
// The browser is a cookie jar over an exact HTTP client that never follows redirects: every Location is read
// and, unless it leads to the client's redirect URI (which nobody listens on), fetched by hand.
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <regex>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

// RFC 7636 Appendix B.
const std::string k_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string k_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
// Registered redirect URIs; nothing listens there, the tests only read the Location headers.
const std::string k_redirect = "http://127.0.0.1:9/callback";
const std::string k_other_redirect = "http://localhost:9/other";
const std::string k_post_logout = "http://127.0.0.1:9/signed-out";
const std::string k_state = "st-9f/+ &=x";  // needs percent-encoding both ways
const std::string k_nonce = "n-0S6_WzA2Mj";

using Pairs = std::vector<std::pair<std::string, std::string>>;

// ---- An exact HTTP/1.1 client --------------------------------------------------------------------

// Like http() from the harness, but the headers come back byte for byte: the harness's client
// (cpp-httplib 0.11) percent-decodes header values, Location included, which garbles the nested
// encodings of return_to and of state. One request per connection.
HttpResponse exact_http(const std::string& method, const std::string& base, const std::string& path,
                        const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
                        const std::string& content_type = "application/json") {
    HttpResponse response;
    const int port = std::stoi(base.substr(base.rfind(':') + 1));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return response;
    timeval timeout{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return response;
    }
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n";
    for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
    if (method != "GET") request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    request += "\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            ::close(fd);
            return response;
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buffer[16384];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) raw.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);

    const auto end_of_head = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || end_of_head == std::string::npos) return response;
    const std::string head = raw.substr(0, end_of_head);
    response.status = std::stoi(head.substr(9, 3));
    std::size_t line_start = head.find("\r\n");
    while (line_start != std::string::npos && line_start < head.size()) {
        line_start += 2;
        auto line_end = head.find("\r\n", line_start);
        const std::string line = head.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            response.headers.emplace(line.substr(0, colon), value);
        }
        line_start = line_end;
    }
    response.body = raw.substr(end_of_head + 4);
    const std::string length = response.header("Content-Length");
    if (!length.empty() && response.body.size() > std::stoul(length)) response.body.resize(std::stoul(length));
    REQUIRE(response.header("Transfer-Encoding").empty());  // januad always sends Content-Length
    return response;
}

// ---- URLs and forms -----------------------------------------------------------------------------

std::string url_encode(const std::string& text) {
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

std::string url_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string form(const Pairs& pairs) {
    std::string out;
    for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
    return out;
}

// The query parameters of a URL or path (each name once).
std::map<std::string, std::string> query_of(const std::string& url) {
    std::map<std::string, std::string> out;
    const auto q = url.find('?');
    if (q == std::string::npos) return out;
    std::string query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    std::size_t start = 0;
    while (start <= query.size()) {
        auto end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string item = query.substr(start, end - start);
        const auto eq = item.find('=');
        if (!item.empty()) out[url_decode(item.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(item.substr(eq + 1));
        start = end + 1;
    }
    return out;
}

std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

Pairs with(Pairs pairs, const std::string& key, const std::string& value) {
    for (auto& [k, v] : pairs)
        if (k == key) {
            v = value;
            return pairs;
        }
    pairs.emplace_back(key, value);
    return pairs;
}

Pairs without(Pairs pairs, const std::string& key) {
    pairs.erase(std::remove_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; }), pairs.end());
    return pairs;
}

std::string base64(const std::string& bytes) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

// RFC 6749 2.3.1: client_secret_basic form-encodes id and secret before base64.
std::map<std::string, std::string> basic(const std::string& id, const std::string& secret) {
    return {{"Authorization", "Basic " + base64(url_encode(id) + ":" + url_encode(secret))}};
}

std::vector<std::string> set_cookies(const HttpResponse& r) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers)
        if (::strcasecmp(k.c_str(), "Set-Cookie") == 0) out.push_back(v);
    return out;
}

// The Set-Cookie line for `name`, if the response sets it.
std::optional<std::string> set_cookie(const HttpResponse& r, const std::string& name) {
    for (const auto& line : set_cookies(r))
        if (line.rfind(name + "=", 0) == 0) return line;
    return std::nullopt;
}

bool has_header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (::strcasecmp(k.c_str(), name.c_str()) == 0) return true;
    return false;
}

std::string html_unescape(std::string text) {
    const std::pair<const char*, const char*> entities[] = {{"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) text.replace(at, std::strlen(from), to);
    return text;
}

// The value of a hidden form field on a hosted page.
std::string field(const std::string& html, const std::string& name) {
    std::smatch match;
    INFO(html);
    REQUIRE(std::regex_search(html, match, std::regex("name=\"" + name + "\" value=\"([^\"]*)\"")));
    return html_unescape(match[1].str());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- The server, its user and its clients -------------------------------------------------------

struct OidcServer : Server {
    std::string email = "alice@example.com";
    std::string user_id;

    explicit OidcServer(const Env& env = {}) : Server(env) { user_id = add_user(email); }

    std::string add_user(const std::string& address, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"user", "create", "--email", address, "--password-stdin"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--database-url", db.url(), "--output", "json"});
        return cli_json(args, k_password)["id"].get<std::string>();
    }

    json add_client(const std::string& client_id, const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"client", "create", "--name", "App " + client_id, "--id", client_id};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--database-url", db.url(), "--output", "json"});
        return cli_json(args);
    }

    // A web application: confidential (client_secret_basic), code + refresh, openid profile email.
    std::string web_client(const std::string& client_id, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--grant-type", "authorization_code", "--grant-type", "refresh_token",
                                         "--redirect-uri", k_redirect, "--redirect-uri", k_other_redirect,
                                         "--post-logout-redirect-uri", k_post_logout,
                                         "--scope", "openid", "--scope", "profile", "--scope", "email"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto created = add_client(client_id, args);
        REQUIRE(created["client_secret"].is_string());
        return created["client_secret"].get<std::string>();
    }

    // A single-page or native application: public, PKCE.
    void public_client(const std::string& client_id) {
        add_client(client_id, {"--public", "--grant-type", "authorization_code", "--grant-type", "refresh_token",
                               "--redirect-uri", k_redirect, "--scope", "openid", "--scope", "profile"});
    }

    void sql(const std::string& statement) const {
        pqxx::connection conn(db.url());
        pqxx::nontransaction tx(conn);
        tx.exec(statement);
    }
};

// An authorization request of the code flow with PKCE S256, state and nonce.
Pairs code_request(const std::string& client_id, const std::string& scope = "openid profile email") {
    return {{"response_type", "code"}, {"client_id", client_id},  {"redirect_uri", k_redirect},
            {"scope", scope},          {"state", k_state},        {"nonce", k_nonce},
            {"code_challenge", k_challenge}, {"code_challenge_method", "S256"}};
}

std::string authorize_path(const Pairs& params) { return "/oauth/authorize?" + form(params); }

// A browser: a cookie jar, and a user who signs in and answers the consent page when asked.
struct Browser {
    std::string base;
    std::string email;
    std::string password = k_password;
    std::string decision = "allow";
    std::map<std::string, std::string> jar;
    std::vector<std::string> steps;  // the pages the last run() went through: "login", "consent"
    std::vector<std::string> hops;   // and the redirects it followed, as paths
    HttpResponse last;               // the response run() stopped at

    Browser(const std::string& base_url, const std::string& user_email) : base(base_url), email(user_email) {}

    std::map<std::string, std::string> headers() const {
        std::string cookie;
        for (const auto& [k, v] : jar) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
        if (cookie.empty()) return {};
        return {{"Cookie", cookie}};
    }
    void remember(const HttpResponse& r) {
        for (const auto& line : set_cookies(r)) {
            const std::string pair = line.substr(0, line.find(';'));
            const auto eq = pair.find('=');
            const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
            const bool expired = contains(line, "Max-Age=0");
            if (value.empty() || expired) jar.erase(name);
            else jar[name] = value;
        }
    }
    HttpResponse get(const std::string& path) {
        auto r = exact_http("GET", base, path, {}, headers());
        remember(r);
        return r;
    }
    HttpResponse post(const std::string& path, const Pairs& fields) {
        auto r = exact_http("POST", base, path, form(fields), headers(), "application/x-www-form-urlencoded");
        remember(r);
        return r;
    }

    // Follow `path` through the hosted pages; the Location that leads to `redirect_uri`, or "" when
    // something else stopped the browser (then `last` holds it).
    std::string run(const std::string& path, const std::string& redirect_uri = k_redirect) {
        steps.clear();
        hops.clear();
        HttpResponse r = get(path);
        for (int hop = 0; hop < 12; ++hop) {
            if (r.status == 302 || r.status == 303) {
                const std::string location = r.header("Location");
                if (location.rfind(redirect_uri, 0) == 0) {
                    last = r;
                    return location;
                }
                INFO("unexpected Location " << location);
                REQUIRE(location.rfind("/", 0) == 0);
                hops.push_back(without_query(location));
                r = get(location);
            } else if (r.status == 200 && contains(r.body, "action=\"/login\"")) {
                steps.push_back("login");
                r = post("/login", {{"csrf_token", field(r.body, "csrf_token")},
                                    {"return_to", field(r.body, "return_to")},
                                    {"email", email},
                                    {"password", password}});
            } else if (r.status == 200 && contains(r.body, "action=\"/consent\"")) {
                steps.push_back("consent");
                r = post("/consent", {{"csrf_token", field(r.body, "csrf_token")},
                                      {"return_to", field(r.body, "return_to")},
                                      {"decision", decision}});
            } else {
                break;
            }
        }
        last = r;
        return "";
    }

    // The code the authorization request ends with; the test fails if it does not.
    std::string code_for(const Pairs& params) {
        const auto location = run(authorize_path(params));
        INFO("stopped at " << last.status << " " << last.header("Location") << " " << last.body.substr(0, 400));
        REQUIRE_FALSE(location.empty());
        const auto query = query_of(location);
        INFO(location);
        REQUIRE(query.count("code") == 1);
        CHECK(query.at("state") == k_state);
        CHECK(query.count("iss") == 1);  // RFC 9207
        if (query.count("iss")) CHECK(query.at("iss") == base);
        return query.at("code");
    }
};

bool steps_include(const Browser& b, const std::string& step) {
    return std::find(b.steps.begin(), b.steps.end(), step) != b.steps.end();
}

// ---- Token endpoint -----------------------------------------------------------------------------

HttpResponse token_call(const std::string& base, const Pairs& fields, const std::map<std::string, std::string>& headers = {},
                        const std::string& path = "/oauth/token") {
    return exact_http("POST", base, path, form(fields), headers, "application/x-www-form-urlencoded");
}

// Exchange a code: client_secret_basic when `secret` is set, else a public client naming itself.
HttpResponse exchange(const std::string& base, const std::string& client_id, const std::string& secret,
                      const std::string& code, const std::string& verifier = k_verifier,
                      const std::optional<std::string>& redirect_uri = k_redirect) {
    Pairs fields = {{"grant_type", "authorization_code"}, {"code", code}};
    if (redirect_uri) fields.emplace_back("redirect_uri", *redirect_uri);
    if (!verifier.empty()) fields.emplace_back("code_verifier", verifier);
    if (secret.empty()) fields.emplace_back("client_id", client_id);
    return token_call(base, fields, secret.empty() ? std::map<std::string, std::string>{} : basic(client_id, secret));
}

HttpResponse refresh(const std::string& base, const std::string& client_id, const std::string& secret,
                     const std::string& refresh_token, const std::string& scope = "") {
    Pairs fields = {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    if (!scope.empty()) fields.emplace_back("scope", scope);
    if (secret.empty()) fields.emplace_back("client_id", client_id);
    return token_call(base, fields, secret.empty() ? std::map<std::string, std::string>{} : basic(client_id, secret));
}

std::string oauth_error(const HttpResponse& r) {
    auto body = body_of(r);
    INFO(r.body);
    REQUIRE(body.contains("error"));
    REQUIRE(body["error"].is_string());
    return body["error"].get<std::string>();
}

// Code flow to the end for the browser's user: the token response.
json tokens_via(Browser& browser, const std::string& client_id, const std::string& secret,
                const std::string& scope = "openid profile email") {
    const auto code = browser.code_for(code_request(client_id, scope));
    auto r = exchange(browser.base, client_id, secret, code);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return body_of(r);
}

HttpResponse introspect(const std::string& base, const std::string& client_id, const std::string& secret,
                        const std::string& token) {
    return token_call(base, {{"token", token}}, basic(client_id, secret), "/oauth/introspect");
}

HttpResponse revoke(const std::string& base, const std::string& client_id, const std::string& secret,
                    const std::string& token) {
    return token_call(base, {{"token", token}}, basic(client_id, secret), "/oauth/revoke");
}

// The redirect that carries an authorization error: its query, after checking it goes to k_redirect.
std::map<std::string, std::string> error_redirect(const HttpResponse& r, const std::string& issuer) {
    INFO(r.status << " " << r.body.substr(0, 300));
    REQUIRE(r.status == 302);
    const auto location = r.header("Location");
    INFO(location);
    REQUIRE(without_query(location) == k_redirect);
    auto query = query_of(location);
    CHECK(query.count("code") == 0);
    CHECK(query["state"] == k_state);
    CHECK(query["iss"] == issuer);  // RFC 9207
    return query;
}

void check_error_page(const HttpResponse& r) {
    INFO(r.status << " Location: " << r.header("Location") << " " << r.body.substr(0, 300));
    CHECK(r.status == 400);
    CHECK_FALSE(has_header(r, "Location"));
    CHECK(contains(r.header("Content-Type"), "text/html"));
}

}  // namespace

// ---- The authorization endpoint -----------------------------------------------------------------

TEST_CASE("authorization request from an unknown client shows an error page and never redirects", "[oidc]") {
    OidcServer s;
    check_error_page(exact_http("GET", s.base(), authorize_path(code_request("nobody"))));
    check_error_page(exact_http("GET", s.base(), authorize_path(without(code_request("nobody"), "client_id"))));
    // The page shows the client_id it did not know, escaped.
    auto r = exact_http("GET", s.base(), authorize_path(with(code_request("nobody"), "client_id", "<script>alert(1)</script>")));
    check_error_page(r);
    CHECK_FALSE(contains(r.body, "<script>"));
}

TEST_CASE("authorization request with an unregistered redirect_uri shows an error page and never redirects", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    // Exact string match (RFC 6749 3.1.2.3, OAuth 2.0 Security BCP 4.1): no prefixes, no extra query,
    // no other port, path or case.
    for (const std::string& uri : {std::string("https://evil.example/callback"), k_redirect + "/../evil",
                                   k_redirect + "?next=https://evil.example", k_redirect + "/", std::string("http://127.0.0.1:10/callback"),
                                   std::string("HTTP://127.0.0.1:9/callback"), std::string("http://127.0.0.1:9/Callback")}) {
        INFO(uri);
        // Even an error that would otherwise go back to the client (unsupported response_type) stays here.
        check_error_page(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "redirect_uri", uri))));
        check_error_page(exact_http("GET", s.base(),
                              authorize_path(with(with(code_request("web"), "redirect_uri", uri), "response_type", "token"))));
    }
    // With two registered URIs the parameter may not be left out.
    check_error_page(exact_http("GET", s.base(), authorize_path(without(code_request("web"), "redirect_uri"))));
}

TEST_CASE("response_type=token is unsupported_response_type at the redirect URI with state and iss", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    for (const char* type : {"token", "id_token", "code id_token", "code token"}) {
        INFO(type);
        auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "response_type", type))), s.base());
        CHECK(q["error"] == "unsupported_response_type");
    }
}

TEST_CASE("request objects are refused with request_not_supported", "[oidc]") {
    // OIDC Core 6: a provider without request object support says request_not_supported /
    // request_uri_not_supported (discovery lists both as unsupported).
    OidcServer s;
    s.web_client("web");
    auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "request", "eyJhbGciOiJub25lIn0.e30."))), s.base());
    CHECK(q["error"] == "request_not_supported");
    q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "request_uri", "https://rp.example/r/1"))), s.base());
    CHECK((q["error"] == "request_uri_not_supported" || q["error"] == "request_not_supported"));
}

TEST_CASE("a registered redirect URI with a query component keeps it when the code is added", "[oidc]") {
    // RFC 6749 3.1.2: the endpoint URI "MAY include a query component, which MUST be retained".
    OidcServer s;
    const std::string with_query_uri = "http://127.0.0.1:9/cb?tenant=acme";
    const std::string secret = s.add_client("tenant-app", {"--grant-type", "authorization_code", "--redirect-uri", with_query_uri,
                                                           "--scope", "openid", "--require-consent", "false"})["client_secret"];
    Browser b(s.base(), s.email);
    const auto location = b.run(authorize_path(with(code_request("tenant-app", "openid"), "redirect_uri", with_query_uri)),
                                "http://127.0.0.1:9/cb");
    INFO(location);
    REQUIRE(location.rfind(with_query_uri + "&", 0) == 0);
    auto query = query_of(location);
    CHECK(query["tenant"] == "acme");
    CHECK(query["state"] == k_state);
    REQUIRE(query.count("code") == 1);
    CHECK(exchange(s.base(), "tenant-app", secret, query["code"], k_verifier, with_query_uri).status == 200);
}

TEST_CASE("an authorization request without response_type is invalid_request", "[oidc]") {
    // RFC 6749 4.1.1: response_type is REQUIRED; 4.1.2.1: a missing required parameter is invalid_request.
    OidcServer s;
    s.web_client("web");
    auto q = error_redirect(exact_http("GET", s.base(), authorize_path(without(code_request("web"), "response_type"))), s.base());
    CHECK(q["error"] == "invalid_request");
}

TEST_CASE("pkce plain is refused", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    s.public_client("spa");
    for (const char* client : {"web", "spa"}) {
        auto plain = with(with(code_request(client, "openid profile"), "code_challenge_method", "plain"), "code_challenge", k_verifier);
        auto q = error_redirect(exact_http("GET", s.base(), authorize_path(plain)), s.base());
        CHECK(q["error"] == "invalid_request");
        // RFC 7636 4.3: a missing method means plain, which is refused as well.
        q = error_redirect(exact_http("GET", s.base(), authorize_path(without(plain, "code_challenge_method"))), s.base());
        CHECK(q["error"] == "invalid_request");
    }
    // A malformed S256 challenge (RFC 7636 4.2: 43 base64url characters).
    auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("spa", "openid"), "code_challenge", "short"))), s.base());
    CHECK(q["error"] == "invalid_request");
}

TEST_CASE("a public client without a code_challenge is invalid_request", "[oidc]") {
    OidcServer s;
    s.public_client("spa");
    auto request = without(without(code_request("spa", "openid profile"), "code_challenge"), "code_challenge_method");
    auto q = error_redirect(exact_http("GET", s.base(), authorize_path(request)), s.base());
    CHECK(q["error"] == "invalid_request");
}

TEST_CASE("a scope the client may not request is invalid_scope", "[oidc]") {
    OidcServer s;
    s.public_client("spa");  // openid profile only
    for (const char* scope : {"openid email", "openid admin", "openid offline_access", ""}) {
        INFO("scope: " << scope);
        auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("spa"), "scope", scope))), s.base());
        CHECK(q["error"] == "invalid_scope");
    }
}

TEST_CASE("prompt=none without a browser session is login_required", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "prompt", "none"))), s.base());
    CHECK(q["error"] == "login_required");
}

TEST_CASE("prompt=none combined with another value is invalid_request", "[oidc]") {
    // OIDC Core 3.1.2.1: "If this parameter contains none with any other value, an error is returned."
    OidcServer s;
    s.web_client("web");
    for (const char* prompt : {"none login", "login none", "none consent"}) {
        INFO("prompt=" << prompt);
        auto q = error_redirect(exact_http("GET", s.base(), authorize_path(with(code_request("web"), "prompt", prompt))), s.base());
        CHECK(q["error"] == "invalid_request");
    }
}

TEST_CASE("an unauthenticated authorization request is sent to the hosted login page", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    const auto request = with(code_request("web"), "login_hint", "alice@example.com");
    auto r = exact_http("GET", s.base(), authorize_path(request));
    REQUIRE(r.status == 302);
    const auto location = r.header("Location");
    CHECK(without_query(location) == "/login");
    auto query = query_of(location);
    REQUIRE(query.count("return_to") == 1);
    const auto return_to = query["return_to"];
    CHECK(return_to.rfind("/oauth/authorize?", 0) == 0);
    // The whole request survives the detour.
    auto back = query_of(return_to);
    for (const auto& [k, v] : request) CHECK(back[k] == v);
    CHECK(query["login_hint"] == "alice@example.com");

    auto page = exact_http("GET", s.base(), location);
    REQUIRE(page.status == 200);
    CHECK(field(page.body, "return_to") == return_to);
    CHECK(contains(page.body, "value=\"alice@example.com\""));  // the hint fills in the email field

    // A hint cannot inject markup into the page.
    auto hostile = exact_http("GET", s.base(), "/login?login_hint=" + url_encode("\"><script>alert(1)</script>"));
    REQUIRE(hostile.status == 200);
    CHECK_FALSE(contains(hostile.body, "<script>"));
}

TEST_CASE("the login page refuses a return_to that leads anywhere but this server's authorization endpoint", "[oidc]") {
    OidcServer s;
    for (const char* target : {"https://evil.example", "//evil.example/oauth/authorize?x=1", "/\\evil.example",
                                      "https://evil.example/oauth/authorize?client_id=web", "/api/v1/users",
                                      "/oauth/authorize?x=1\r\nSet-Cookie: a=b"}) {
        INFO(target);
        check_error_page(exact_http("GET", s.base(), "/login?return_to=" + url_encode(target)));
        // And the form post does not redirect there either.
        Browser b(s.base(), s.email);
        auto page = b.get("/login");
        REQUIRE(page.status == 200);
        auto r = b.post("/login", {{"csrf_token", field(page.body, "csrf_token")}, {"return_to", target},
                                   {"email", s.email}, {"password", k_password}});
        check_error_page(r);
        CHECK_FALSE(set_cookie(r, "janua_session"));
    }
}

// ---- The hosted pages ---------------------------------------------------------------------------

TEST_CASE("the login form without its CSRF cookie and field signs nobody in", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    auto first = b.get(authorize_path(code_request("web")));
    REQUIRE(first.status == 302);
    auto page = b.get(first.header("Location"));
    REQUIRE(page.status == 200);
    const auto csrf = field(page.body, "csrf_token");
    const auto return_to = field(page.body, "return_to");

    SECTION("no cookie and no field") {
        auto r = exact_http("POST", s.base(), "/login", form({{"return_to", return_to}, {"email", s.email}, {"password", k_password}}),
                      {}, "application/x-www-form-urlencoded");
        CHECK(r.status != 302);
        CHECK_FALSE(set_cookie(r, "janua_session"));
    }
    SECTION("the field without the cookie (a cross-site post)") {
        auto r = exact_http("POST", s.base(), "/login",
                      form({{"csrf_token", csrf}, {"return_to", return_to}, {"email", s.email}, {"password", k_password}}), {},
                      "application/x-www-form-urlencoded");
        CHECK(r.status != 302);
        CHECK_FALSE(set_cookie(r, "janua_session"));
    }
    SECTION("the cookie without the field") {
        auto r = b.post("/login", {{"return_to", return_to}, {"email", s.email}, {"password", k_password}});
        CHECK(r.status != 302);
        CHECK_FALSE(set_cookie(r, "janua_session"));
    }
    SECTION("the cookie with a forged field") {
        auto r = b.post("/login", {{"csrf_token", std::string(64, 'a')}, {"return_to", return_to}, {"email", s.email},
                                   {"password", k_password}});
        CHECK(r.status != 302);
        CHECK_FALSE(set_cookie(r, "janua_session"));
    }
    CHECK(b.jar.count("janua_session") == 0);
    // Still not signed in: prompt=none says so.
    auto q = error_redirect(b.get(authorize_path(with(code_request("web"), "prompt", "none"))), s.base());
    CHECK(q["error"] == "login_required");
}

TEST_CASE("a wrong password on the login page is 401 and sets no session cookie", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    b.password = "Wrong-Password-99";
    CHECK(b.run(authorize_path(code_request("web"))).empty());
    CHECK(b.last.status == 401);
    CHECK(contains(b.last.header("Content-Type"), "text/html"));
    CHECK(contains(b.last.body, "action=\"/login\""));  // the form again, to try once more
    CHECK_FALSE(set_cookie(b.last, "janua_session"));
    CHECK(b.jar.count("janua_session") == 0);

    // An unknown account looks the same.
    Browser stranger(s.base(), "nobody@example.com");
    CHECK(stranger.run(authorize_path(code_request("web"))).empty());
    CHECK(stranger.last.status == 401);
    CHECK_FALSE(set_cookie(stranger.last, "janua_session"));
}

TEST_CASE("the hosted pages cannot be framed and their cookies are HttpOnly and SameSite", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    auto login = b.get("/login");
    REQUIRE(login.status == 200);
    CHECK(login.header("X-Frame-Options") == "DENY");
    CHECK(contains(login.header("Content-Security-Policy"), "frame-ancestors 'none'"));
    CHECK(contains(login.header("Content-Security-Policy"), "default-src 'none'"));
    CHECK(login.header("Cache-Control") == "no-store");
    auto csrf = set_cookie(login, "janua_csrf");
    REQUIRE(csrf);
    CHECK(contains(*csrf, "HttpOnly"));
    CHECK(contains(*csrf, "SameSite="));

    // Sign in through an authorization request and look at the session cookie and the consent page.
    auto first = b.get(authorize_path(code_request("web")));
    auto page = b.get(first.header("Location"));
    auto signed_in = b.post("/login", {{"csrf_token", field(page.body, "csrf_token")}, {"return_to", field(page.body, "return_to")},
                                       {"email", s.email}, {"password", k_password}});
    REQUIRE(signed_in.status == 302);
    auto session = set_cookie(signed_in, "janua_session");
    REQUIRE(session);
    CHECK(contains(*session, "HttpOnly"));
    CHECK(contains(*session, "SameSite=Lax"));
    CHECK(contains(*session, "Path=/"));
    CHECK_FALSE(contains(*session, "Secure"));  // BASE_URL is http://127.0.0.1 here
    auto consent = b.get(signed_in.header("Location"));
    REQUIRE(consent.status == 200);
    REQUIRE(contains(consent.body, "action=\"/consent\""));
    CHECK(consent.header("X-Frame-Options") == "DENY");
    CHECK(contains(consent.header("Content-Security-Policy"), "frame-ancestors 'none'"));
    // Each scope in words, then its name.
    CHECK(contains(consent.body, "Confirm who you are <span class=\"muted\">(openid)</span>"));
    CHECK(contains(consent.body, "Your email address <span class=\"muted\">(email)</span>"));
    // No external assets and no scripts, except the sign-in page's one passkey script, which
    // runs only under its per-response CSP nonce.
    for (const auto* body : {&login.body, &consent.body}) {
        CHECK_FALSE(contains(*body, "<link"));
        CHECK_FALSE(contains(*body, "src="));
    }
    CHECK_FALSE(contains(consent.body, "<script"));
    const auto csp = login.header("Content-Security-Policy");
    const auto nonce_at = csp.find("'nonce-");
    REQUIRE(nonce_at != std::string::npos);
    const auto nonce = csp.substr(nonce_at + 7, csp.find('\'', nonce_at + 7) - nonce_at - 7);
    CHECK(contains(login.body, "<script nonce=\"" + nonce + "\">"));
    CHECK(login.body.find("<script") == login.body.rfind("<script"));
}

// Whether a page's Content-Security-Policy lets a form submission navigate to `origin` (CSP 3
// form-action; it does not fall back to default-src). Browsers such as Chromium apply form-action
// to every redirect that follows the submission, not only to the form's action URL.
bool csp_form_action_allows(const std::string& csp, const std::string& self_origin, const std::string& origin) {
    std::istringstream directives(csp);
    for (std::string directive; std::getline(directives, directive, ';');) {
        std::istringstream words(directive);
        std::string name;
        words >> name;
        if (name != "form-action") continue;
        for (std::string source; words >> source;) {
            if (source == "*" || source == origin || source == origin + "/") return true;
            if (source == "'self'" && origin == self_origin) return true;
            if (source == origin.substr(0, origin.find(':') + 1)) return true;  // a scheme source such as http:
        }
        return false;
    }
    return true;
}

TEST_CASE("the hosted pages' CSP lets the form's redirects reach the client's redirect URI", "[oidc]") {
    // Allow on the consent page posts to /consent, which redirects to /oauth/authorize, which
    // redirects to the client's redirect URI. Chromium checks each hop against the consent
    // page's form-action and refuses the last one under "form-action 'self'" ("Sending form data
    // to '/consent' violates the following Content Security Policy directive"), so the user is
    // stuck on the provider and the client never gets its code. Same for the login page when
    // consent was remembered (POST /login -> /oauth/authorize -> redirect URI).
    OidcServer s;
    s.web_client("web");
    const std::string client_origin = "http://127.0.0.1:9";
    Browser b(s.base(), s.email);
    auto first = b.get(authorize_path(code_request("web")));
    auto login = b.get(first.header("Location"));
    REQUIRE(login.status == 200);
    INFO("login page CSP: " << login.header("Content-Security-Policy"));
    CHECK(csp_form_action_allows(login.header("Content-Security-Policy"), s.base(), client_origin));
    auto signed_in = b.post("/login", {{"csrf_token", field(login.body, "csrf_token")}, {"return_to", field(login.body, "return_to")},
                                       {"email", s.email}, {"password", k_password}});
    auto consent = b.get(signed_in.header("Location"));
    REQUIRE(contains(consent.body, "action=\"/consent\""));
    INFO("consent page CSP: " << consent.header("Content-Security-Policy"));
    CHECK(csp_form_action_allows(consent.header("Content-Security-Policy"), s.base(), client_origin));
}

// ---- Consent ------------------------------------------------------------------------------------

TEST_CASE("consent is remembered per client and scope set, prompt=consent asks again", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);

    b.code_for(code_request("web", "openid profile"));
    CHECK(steps_include(b, "login"));
    CHECK(steps_include(b, "consent"));

    // Same client, same scopes: neither the password nor the consent page again.
    const auto code = b.code_for(code_request("web", "openid profile"));
    CHECK(b.steps.empty());
    CHECK(exchange(s.base(), "web", secret, code).status == 200);

    // A subset is covered too.
    b.code_for(code_request("web", "openid"));
    CHECK(b.steps.empty());

    // prompt=consent shows the page although consent was given.
    b.code_for(with(code_request("web", "openid profile"), "prompt", "consent"));
    CHECK(b.steps == std::vector<std::string>{"consent"});

    // More scopes than were granted: asked again, for the new set.
    b.code_for(code_request("web", "openid profile email"));
    CHECK(b.steps == std::vector<std::string>{"consent"});
    b.code_for(code_request("web", "openid email"));
    CHECK(b.steps.empty());

    // Consent to one client says nothing about another.
    s.web_client("other");
    b.code_for(code_request("other", "openid"));
    CHECK(b.steps == std::vector<std::string>{"consent"});

    // prompt=none with consent missing: consent_required.
    s.web_client("third");
    auto q = error_redirect(b.get(authorize_path(with(code_request("third", "openid"), "prompt", "none"))), s.base());
    CHECK(q["error"] == "consent_required");
}

TEST_CASE("denying consent returns access_denied to the redirect URI", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    b.decision = "deny";
    const auto location = b.run(authorize_path(code_request("web")));
    REQUIRE_FALSE(location.empty());
    CHECK(b.steps == std::vector<std::string>{"login", "consent"});
    auto q = error_redirect(b.last, s.base());
    CHECK(q["error"] == "access_denied");

    // Nothing was remembered: the next request asks again.
    b.decision = "allow";
    b.code_for(code_request("web"));
    CHECK(b.steps == std::vector<std::string>{"consent"});
}

TEST_CASE("a consent form without its CSRF token records no consent", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    b.decision = "deny";
    b.run(authorize_path(code_request("web")));  // signs in, declines
    auto page = b.get(authorize_path(code_request("web")));
    REQUIRE(contains(page.body, "action=\"/consent\""));
    auto forged = b.post("/consent", {{"return_to", field(page.body, "return_to")}, {"decision", "allow"}});
    REQUIRE(forged.status == 302);
    // Back to the authorization request, which asks again instead of issuing a code.
    auto again = b.get(forged.header("Location"));
    CHECK(again.status == 200);
    CHECK(contains(again.body, "action=\"/consent\""));
}

TEST_CASE("a first-party client that does not require consent skips the consent page", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("first-party", {"--require-consent", "false"});
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("first-party"));
    CHECK(b.steps == std::vector<std::string>{"login"});
    CHECK(b.hops == std::vector<std::string>{"/login", "/oauth/authorize"});
    CHECK(exchange(s.base(), "first-party", secret, code).status == 200);
}

TEST_CASE("prompt=login and max_age ask for the password again despite a browser session", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web", {"--require-consent", "false"});
    Browser b(s.base(), s.email);
    b.code_for(code_request("web"));
    CHECK(steps_include(b, "login"));
    b.code_for(code_request("web"));
    CHECK(b.steps.empty());

    b.code_for(with(code_request("web"), "prompt", "login"));
    CHECK(steps_include(b, "login"));

    // A session signed in an hour ago is too old for max_age=600.
    s.sql("UPDATE sessions SET auth_time = now() - interval '1 hour'");
    const auto code = b.code_for(with(code_request("web"), "max_age", "600"));
    CHECK(steps_include(b, "login"));
    auto tokens = body_of(exchange(s.base(), "web", secret, code));
    const auto claims = parse_jwt(tokens["id_token"]).payload;
    REQUIRE(claims.contains("auth_time"));  // OIDC Core 3.1.2.1: required when max_age was sent
    CHECK(claims["auth_time"].get<long long>() > claims["iat"].get<long long>() - 120);
    // And the fresh sign-in passes max_age.
    b.code_for(with(code_request("web"), "max_age", "600"));
    CHECK(b.steps.empty());
}

// ---- The token endpoint -------------------------------------------------------------------------

TEST_CASE("authorization code replay revokes issued tokens", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("web"));
    auto first = exchange(s.base(), "web", secret, code);
    REQUIRE(first.status == 200);
    const auto tokens = body_of(first);
    REQUIRE(tokens["refresh_token"].is_string());
    const std::string access = tokens["access_token"];
    CHECK(get(s.base(), "/oauth/userinfo", access).status == 200);
    CHECK(body_of(introspect(s.base(), "web", secret, access))["active"] == true);

    auto second = exchange(s.base(), "web", secret, code);
    CHECK(second.status == 400);
    CHECK(oauth_error(second) == "invalid_grant");

    // RFC 6749 4.1.2 / OAuth 2.0 Security BCP 4.2.4: what the first exchange issued is revoked.
    auto refreshed = refresh(s.base(), "web", secret, tokens["refresh_token"]);
    CHECK(refreshed.status == 400);
    CHECK(oauth_error(refreshed) == "invalid_grant");
    auto userinfo = get(s.base(), "/oauth/userinfo", access);
    CHECK(userinfo.status == 401);
    CHECK(contains(userinfo.header("WWW-Authenticate"), "Bearer"));
    CHECK(body_of(introspect(s.base(), "web", secret, access))["active"] == false);
}

TEST_CASE("a wrong or missing code_verifier is invalid_grant", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    s.public_client("spa");
    Browser b(s.base(), s.email);
    SECTION("wrong verifier, confidential client") {
        auto r = exchange(s.base(), "web", secret, b.code_for(code_request("web")), std::string(43, 'x'));
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("the challenge itself as verifier, public client") {
        auto r = exchange(s.base(), "spa", "", b.code_for(code_request("spa", "openid")), k_challenge);
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("no verifier although a challenge was sent") {
        auto r = exchange(s.base(), "spa", "", b.code_for(code_request("spa", "openid")), "");
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("a verifier although no challenge was sent (PKCE downgrade)") {
        auto request = without(without(code_request("web"), "code_challenge"), "code_challenge_method");
        auto r = exchange(s.base(), "web", secret, b.code_for(request), k_verifier);
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
}

TEST_CASE("a redirect_uri that differs from the authorization request is invalid_grant", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    SECTION("another registered URI") {
        auto r = exchange(s.base(), "web", secret, b.code_for(code_request("web")), k_verifier, k_other_redirect);
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("left out although it was sent") {
        auto r = exchange(s.base(), "web", secret, b.code_for(code_request("web")), k_verifier, std::nullopt);
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
}

TEST_CASE("redirect_uri may be left out of the code exchange when the authorization request left it out", "[oidc]") {
    // RFC 6749 4.1.3: redirect_uri is REQUIRED at the token endpoint only "if the redirect_uri
    // parameter was included in the authorization request". A client with one registered URI may
    // leave it out of both (RFC 6749 3.1.2.3).
    OidcServer s;
    auto created = s.add_client("single", {"--grant-type", "authorization_code", "--redirect-uri", k_redirect,
                                           "--scope", "openid", "--require-consent", "false"});
    const std::string secret = created["client_secret"];
    Browser b(s.base(), s.email);
    const auto code = b.code_for(without(code_request("single", "openid"), "redirect_uri"));
    auto r = exchange(s.base(), "single", secret, code, k_verifier, std::nullopt);
    INFO(r.body);
    CHECK(r.status == 200);
}

TEST_CASE("a code exchanged by a different client is invalid_grant", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto thief_secret = s.web_client("thief");
    s.public_client("spa");
    Browser b(s.base(), s.email);
    SECTION("a confidential client") {
        auto r = exchange(s.base(), "thief", thief_secret, b.code_for(code_request("web")));
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("a public client") {
        auto r = exchange(s.base(), "spa", "", b.code_for(code_request("web")));
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "invalid_grant");
    }
    SECTION("a confidential client's code, claimed by naming the client without its secret") {
        auto r = exchange(s.base(), "web", "", b.code_for(code_request("web")));
        CHECK(r.status == 401);
        CHECK(oauth_error(r) == "invalid_client");
    }
}

TEST_CASE("an expired authorization code is invalid_grant", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("web"));
    s.sql("UPDATE authorization_codes SET expires_at = now() - interval '1 second'");
    auto r = exchange(s.base(), "web", secret, code);
    CHECK(r.status == 400);
    CHECK(oauth_error(r) == "invalid_grant");
    auto unknown = exchange(s.base(), "web", secret, "not-a-code");
    CHECK(unknown.status == 400);
    CHECK(oauth_error(unknown) == "invalid_grant");
}

TEST_CASE("a wrong client secret is 401 invalid_client with WWW-Authenticate", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto post_secret = s.web_client("poster", {"--token-auth-method", "client_secret_post"});
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("web"));

    auto wrong = exchange(s.base(), "web", secret + "x", code);
    CHECK(wrong.status == 401);
    CHECK(oauth_error(wrong) == "invalid_client");
    CHECK(contains(wrong.header("WWW-Authenticate"), "Basic"));  // RFC 6749 5.2: the scheme the client used
    CHECK(wrong.header("Cache-Control") == "no-store");

    auto unknown = exchange(s.base(), "ghost", secret, code);
    CHECK(unknown.status == 401);
    CHECK(oauth_error(unknown) == "invalid_client");

    auto post = token_call(s.base(), {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", k_redirect},
                                      {"code_verifier", k_verifier}, {"client_id", "poster"}, {"client_secret", "nope"}});
    CHECK(post.status == 401);
    CHECK(oauth_error(post) == "invalid_client");

    // A failed client authentication does not spend the code.
    auto good = exchange(s.base(), "web", secret, code);
    INFO(good.body);
    CHECK(good.status == 200);
    (void)post_secret;
}

TEST_CASE("client_secret_post authenticates a client at the token endpoint", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("poster", {"--token-auth-method", "client_secret_post"});
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("poster"));
    auto r = token_call(s.base(), {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", k_redirect},
                                   {"code_verifier", k_verifier}, {"client_id", "poster"}, {"client_secret", secret}});
    INFO(r.body);
    CHECK(r.status == 200);
}

TEST_CASE("an unsupported grant_type is unsupported_grant_type", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    for (const char* grant : {"password", "implicit", "urn:ietf:params:oauth:grant-type:saml2-bearer"}) {
        INFO(grant);
        auto r = token_call(s.base(), {{"grant_type", grant}, {"username", s.email}, {"password", k_password}}, basic("web", secret));
        CHECK(r.status == 400);
        CHECK(oauth_error(r) == "unsupported_grant_type");
    }
    // Supported by the server but not allowed for this client.
    auto r = token_call(s.base(), {{"grant_type", "client_credentials"}}, basic("web", secret));
    CHECK(r.status == 400);
    CHECK(oauth_error(r) == "unauthorized_client");
    // Missing.
    r = token_call(s.base(), {}, basic("web", secret));
    CHECK(r.status == 400);
    CHECK(oauth_error(r) == "invalid_request");
}

TEST_CASE("a JSON body at the token endpoint is invalid_request", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    auto r = exact_http("POST", s.base(), "/oauth/token", json{{"grant_type", "client_credentials"}}.dump(), basic("web", secret));
    CHECK(r.status == 400);
    CHECK(oauth_error(r) == "invalid_request");
    CHECK(r.header("Cache-Control") == "no-store");
    // A repeated parameter (RFC 6749 3.2) is invalid_request too.
    auto repeated = exact_http("POST", s.base(), "/oauth/token", "grant_type=refresh_token&grant_type=client_credentials",
                         basic("web", secret), "application/x-www-form-urlencoded");
    CHECK(repeated.status == 400);
    CHECK(oauth_error(repeated) == "invalid_request");
}

TEST_CASE("token responses carry Cache-Control no-store and the RFC 6749 members", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    const auto code = b.code_for(code_request("web"));
    auto r = exchange(s.base(), "web", secret, code);
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    CHECK(r.header("Pragma") == "no-cache");
    CHECK(contains(r.header("Content-Type"), "application/json"));
    auto tokens = body_of(r);
    CHECK(tokens["token_type"] == "Bearer");
    CHECK(tokens["expires_in"].is_number_integer());
    CHECK(tokens["scope"] == "openid profile email");
    CHECK(tokens["access_token"].is_string());
    CHECK(tokens["refresh_token"].is_string());
    CHECK(tokens["id_token"].is_string());
    auto failed = exchange(s.base(), "web", secret, code);
    CHECK(failed.header("Cache-Control") == "no-store");
    auto refreshed = refresh(s.base(), "web", secret, "unknown");
    CHECK(refreshed.header("Cache-Control") == "no-store");
}

TEST_CASE("a refresh may narrow the scope but not widen it", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret, "openid profile");

    auto wider = refresh(s.base(), "web", secret, tokens["refresh_token"], "openid profile email");
    CHECK(wider.status == 400);
    CHECK(oauth_error(wider) == "invalid_scope");

    // The refused request did not spend the token; a narrower one works.
    auto narrower = refresh(s.base(), "web", secret, tokens["refresh_token"], "openid");
    INFO(narrower.body);
    REQUIRE(narrower.status == 200);
    auto next = body_of(narrower);
    CHECK(next["scope"] == "openid");
    CHECK(next["refresh_token"] != tokens["refresh_token"]);
    CHECK(parse_jwt(next["access_token"]).payload["scope"] == "openid");

    // Another client cannot use it.
    const auto other_secret = s.web_client("other");
    auto stolen = refresh(s.base(), "other", other_secret, next["refresh_token"]);
    CHECK(stolen.status == 400);
    CHECK(oauth_error(stolen) == "invalid_grant");
}

TEST_CASE("a spent refresh token fails and revokes the grant", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret);
    auto rotated = refresh(s.base(), "web", secret, tokens["refresh_token"]);
    REQUIRE(rotated.status == 200);
    auto next = body_of(rotated);
    CHECK(next["refresh_token"] != tokens["refresh_token"]);
    CHECK(get(s.base(), "/oauth/userinfo", next["access_token"]).status == 200);

    auto replay = refresh(s.base(), "web", secret, tokens["refresh_token"]);
    CHECK(replay.status == 400);
    CHECK(oauth_error(replay) == "invalid_grant");
    // Reuse detection: the rotated token dies with its session.
    auto after = refresh(s.base(), "web", secret, next["refresh_token"]);
    CHECK(after.status == 400);
    CHECK(oauth_error(after) == "invalid_grant");
    CHECK(get(s.base(), "/oauth/userinfo", next["access_token"]).status == 401);
}

TEST_CASE("userinfo returns the claims of the granted scopes for the token's user", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret, "openid email");
    for (const char* method : {"GET", "POST"}) {
        auto r = exact_http(method, s.base(), "/oauth/userinfo", "", bearer(tokens["access_token"]), "application/x-www-form-urlencoded");
        REQUIRE(r.status == 200);
        CHECK(r.header("Cache-Control") == "no-store");
        auto claims = body_of(r);
        CHECK(claims["sub"] == s.user_id);
        CHECK(claims["email"] == s.email);
        CHECK(claims.contains("email_verified"));
        CHECK_FALSE(claims.contains("name"));  // profile was not granted
    }
    CHECK(parse_jwt(tokens["id_token"]).payload["sub"] == s.user_id);

    // Without openid (a plain OAuth 2.0 request) there is no ID token and no userinfo.
    auto plain = tokens_via(b, "web", secret, "profile");
    CHECK_FALSE(plain.contains("id_token"));
    auto refused = get(s.base(), "/oauth/userinfo", plain["access_token"]);
    CHECK(refused.status == 403);
    CHECK(contains(refused.header("WWW-Authenticate"), "insufficient_scope"));

    auto anonymous = get(s.base(), "/oauth/userinfo");
    CHECK(anonymous.status == 401);
    CHECK(contains(anonymous.header("WWW-Authenticate"), "Bearer"));
}

// ---- client_credentials -------------------------------------------------------------------------

TEST_CASE("client_credentials gives a client token with no refresh token and no ID token", "[oidc]") {
    OidcServer s;
    auto created = s.add_client("backend", {"--grant-type", "client_credentials", "--scope", "api:read", "--scope", "api:write"});
    const std::string secret = created["client_secret"];

    auto r = token_call(s.base(), {{"grant_type", "client_credentials"}, {"scope", "api:read"}}, basic("backend", secret));
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    auto tokens = body_of(r);
    CHECK(tokens["token_type"] == "Bearer");
    CHECK(tokens["scope"] == "api:read");
    CHECK_FALSE(tokens.contains("refresh_token"));  // RFC 6749 4.4.3
    CHECK_FALSE(tokens.contains("id_token"));
    const auto claims = parse_jwt(tokens["access_token"]).payload;
    CHECK(claims["sub"] == "backend");
    CHECK(claims["client_id"] == "backend");
    CHECK(claims["scope"] == "api:read");
    CHECK(claims["iss"] == s.base());

    // Without a scope: everything the client may have.
    auto all = body_of(token_call(s.base(), {{"grant_type", "client_credentials"}}, basic("backend", secret)));
    CHECK(all["scope"] == "api:read api:write");

    // Scopes the client was not given, and user scopes, are invalid_scope.
    for (const char* scope : {"api:admin", "openid", "api:read profile"}) {
        INFO(scope);
        auto refused = token_call(s.base(), {{"grant_type", "client_credentials"}, {"scope", scope}}, basic("backend", secret));
        CHECK(refused.status == 400);
        CHECK(oauth_error(refused) == "invalid_scope");
    }

    // Introspection shows the client as the subject; userinfo has no user for it.
    auto info = body_of(introspect(s.base(), "backend", secret, tokens["access_token"]));
    CHECK(info["active"] == true);
    CHECK(info["sub"] == "backend");
    CHECK(info["client_id"] == "backend");
    CHECK(get(s.base(), "/oauth/userinfo", tokens["access_token"]).status == 401);
}

TEST_CASE("a public client cannot use client_credentials", "[oidc]") {
    OidcServer s;
    s.public_client("spa");
    auto r = token_call(s.base(), {{"grant_type", "client_credentials"}, {"client_id", "spa"}});
    INFO(r.body);
    CHECK((r.status == 400 || r.status == 401));
    const auto error = oauth_error(r);
    CHECK((error == "unauthorized_client" || error == "invalid_client"));
    CHECK_FALSE(body_of(r).contains("access_token"));
}

// ---- Introspection and revocation ---------------------------------------------------------------

TEST_CASE("introspection (RFC 7662) reports active and inactive tokens to an authenticated client", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto other_secret = s.web_client("other");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret);
    const std::string access = tokens["access_token"];
    const std::string refresh_token = tokens["refresh_token"];

    auto r = introspect(s.base(), "web", secret, access);
    REQUIRE(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    auto info = body_of(r);
    CHECK(info["active"] == true);
    CHECK(info["sub"] == s.user_id);
    CHECK(info["client_id"] == "web");
    CHECK(info["scope"] == "openid profile email");
    CHECK(info["iss"] == s.base());
    CHECK(info["exp"].is_number_integer());

    // A tampered token: one character of the signature changed, or of the payload.
    std::string tampered = access;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    CHECK(body_of(introspect(s.base(), "web", secret, tampered)) == json{{"active", false}});
    auto jwt = parse_jwt(access);
    jwt.payload["scope"] = "openid profile email admin";
    CHECK(body_of(introspect(s.base(), "web", secret, compact(jwt.header, jwt.payload, jwt.signature_b64)))["active"] == false);
    CHECK(body_of(introspect(s.base(), "web", secret, "garbage"))["active"] == false);

    // The client's refresh token; not shown to another client.
    auto refresh_info = body_of(introspect(s.base(), "web", secret, refresh_token));
    CHECK(refresh_info["active"] == true);
    CHECK(refresh_info["client_id"] == "web");
    CHECK(refresh_info["sub"] == s.user_id);
    CHECK(body_of(introspect(s.base(), "other", other_secret, refresh_token))["active"] == false);

    // Introspection needs client authentication.
    auto anonymous = token_call(s.base(), {{"token", access}}, {}, "/oauth/introspect");
    CHECK(anonymous.status == 401);
    CHECK(oauth_error(anonymous) == "invalid_client");
    auto wrong = introspect(s.base(), "web", "wrong-secret", access);
    CHECK(wrong.status == 401);
    CHECK(oauth_error(wrong) == "invalid_client");
    s.public_client("spa");
    auto from_public = token_call(s.base(), {{"token", access}, {"client_id", "spa"}}, {}, "/oauth/introspect");
    CHECK(from_public.status == 401);
    CHECK(oauth_error(from_public) == "invalid_client");

    // After revocation both are inactive.
    REQUIRE(revoke(s.base(), "web", secret, refresh_token).status == 200);
    CHECK(body_of(introspect(s.base(), "web", secret, refresh_token))["active"] == false);
    CHECK(body_of(introspect(s.base(), "web", secret, access))["active"] == false);
}

TEST_CASE("revocation (RFC 7009) ends the grant and answers 200 for any token", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const auto other_secret = s.web_client("other");
    s.public_client("spa");
    Browser b(s.base(), s.email);

    SECTION("revoking the refresh token") {
        auto tokens = tokens_via(b, "web", secret);
        auto r = revoke(s.base(), "web", secret, tokens["refresh_token"]);
        CHECK(r.status == 200);
        CHECK(r.header("Cache-Control") == "no-store");
        auto refreshed = refresh(s.base(), "web", secret, tokens["refresh_token"]);
        CHECK(refreshed.status == 400);
        CHECK(oauth_error(refreshed) == "invalid_grant");
        CHECK(get(s.base(), "/oauth/userinfo", tokens["access_token"]).status == 401);
    }
    SECTION("revoking the access token with a token_type_hint") {
        auto tokens = tokens_via(b, "web", secret);
        auto r = token_call(s.base(), {{"token", tokens["access_token"]}, {"token_type_hint", "access_token"}}, basic("web", secret),
                            "/oauth/revoke");
        CHECK(r.status == 200);
        CHECK(get(s.base(), "/oauth/userinfo", tokens["access_token"]).status == 401);
    }
    SECTION("unknown tokens, and tokens of another client, are 200 and change nothing") {
        auto tokens = tokens_via(b, "web", secret);
        CHECK(revoke(s.base(), "web", secret, "no-such-token").status == 200);
        CHECK(revoke(s.base(), "web", secret, "a.b.c").status == 200);
        CHECK(revoke(s.base(), "other", other_secret, tokens["refresh_token"]).status == 200);
        CHECK(refresh(s.base(), "web", secret, tokens["refresh_token"]).status == 200);
    }
    SECTION("a public client revokes its own token by naming itself") {
        const auto code = b.code_for(code_request("spa", "openid"));
        auto tokens = body_of(exchange(s.base(), "spa", "", code));
        auto r = token_call(s.base(), {{"token", tokens["refresh_token"]}, {"client_id", "spa"}}, {}, "/oauth/revoke");
        CHECK(r.status == 200);
        CHECK(refresh(s.base(), "spa", "", tokens["refresh_token"]).status == 400);
    }
    SECTION("revocation needs client authentication") {
        auto tokens = tokens_via(b, "web", secret);
        auto anonymous = token_call(s.base(), {{"token", tokens["refresh_token"]}}, {}, "/oauth/revoke");
        CHECK(anonymous.status == 401);
        CHECK(oauth_error(anonymous) == "invalid_client");
        auto wrong = revoke(s.base(), "web", "wrong", tokens["refresh_token"]);
        CHECK(wrong.status == 401);
        CHECK(refresh(s.base(), "web", secret, tokens["refresh_token"]).status == 200);
    }
}

// ---- RP-initiated logout ------------------------------------------------------------------------

TEST_CASE("RP-initiated logout ends the browser session and returns to the registered URI with state", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret);
    REQUIRE(b.jar.count("janua_session") == 1);
    const auto old_cookie = b.jar["janua_session"];

    auto r = b.get("/oauth/logout?" + form({{"id_token_hint", tokens["id_token"]},
                                            {"post_logout_redirect_uri", k_post_logout},
                                            {"state", k_state}}));
    INFO(r.body);
    REQUIRE(r.status == 302);
    const auto location = r.header("Location");
    CHECK(without_query(location) == k_post_logout);
    CHECK(query_of(location)["state"] == k_state);
    auto cleared = set_cookie(r, "janua_session");
    REQUIRE(cleared);
    CHECK(contains(*cleared, "Max-Age=0"));
    CHECK(b.jar.count("janua_session") == 0);

    // The browser session is over: prompt=none is login_required, with or without the old cookie.
    auto q = error_redirect(b.get(authorize_path(with(code_request("web"), "prompt", "none"))), s.base());
    CHECK(q["error"] == "login_required");
    auto replayed = exact_http("GET", s.base(), authorize_path(with(code_request("web"), "prompt", "none")), {},
                         {{"Cookie", "janua_session=" + old_cookie}});
    q = error_redirect(replayed, s.base());
    CHECK(q["error"] == "login_required");
    // And a new authorization needs the password again.
    b.code_for(code_request("web"));
    CHECK(steps_include(b, "login"));
}

TEST_CASE("logout refuses an unregistered post_logout_redirect_uri and a forged id_token_hint", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    Browser b(s.base(), s.email);
    auto tokens = tokens_via(b, "web", secret);
    const std::string id_token = tokens["id_token"];

    for (const std::string& uri : {std::string("https://evil.example/"), k_redirect, k_post_logout + "/x"}) {
        INFO(uri);
        auto r = b.get("/oauth/logout?" + form({{"id_token_hint", id_token}, {"post_logout_redirect_uri", uri}, {"state", "s"}}));
        check_error_page(r);
    }
    // Without id_token_hint or client_id nobody knows whose URI it is.
    check_error_page(b.get("/oauth/logout?" + form({{"post_logout_redirect_uri", k_post_logout}})));
    // A hint that is not this provider's.
    auto jwt = parse_jwt(id_token);
    jwt.payload["aud"] = "evil";
    check_error_page(b.get("/oauth/logout?" + form({{"id_token_hint", compact(jwt.header, jwt.payload, jwt.signature_b64)},
                                                    {"post_logout_redirect_uri", k_post_logout}})));
    // None of that signed the browser out.
    b.code_for(code_request("web"));
    CHECK(b.steps.empty());
    // client_id instead of a hint works for the registered URI.
    auto by_client = b.get("/oauth/logout?" + form({{"client_id", "web"}, {"post_logout_redirect_uri", k_post_logout}}));
    CHECK(by_client.status == 302);
    CHECK(by_client.header("Location") == k_post_logout);
}

// ---- Audience and privilege of tokens issued to relying parties ---------------------------------

TEST_CASE("an access token issued to a relying party does not open the admin API", "[oidc]") {
    // A platform admin signs in to a third-party application that asked for "openid profile".
    // The application's access token must not let it act as the admin on Janua's own API
    // (OAuth 2.0 Security BCP, RFC 9700 2.3: privilege and audience restriction; RFC 9068 4).
    OidcServer s;
    s.add_user("root@example.com", {"--platform-admin"});
    const auto secret = s.web_client("third-party");
    Browser b(s.base(), "root@example.com");
    auto tokens = tokens_via(b, "third-party", secret, "openid profile");
    const std::string access = tokens["access_token"];
    CHECK(get(s.base(), "/oauth/userinfo", access).status == 200);

    auto users = get(s.base(), "/api/v1/users", access);
    INFO(users.body.substr(0, 300));
    CHECK((users.status == 401 || users.status == 403));
    auto clients = get(s.base(), "/api/v1/oauth/clients", access);
    CHECK((clients.status == 401 || clients.status == 403));
}

// ---- Audit of consent and client authentication ---------------------------------------------------

namespace {

long long audit_count(const OidcServer& s, const std::string& where) {
    pqxx::connection conn(s.db.url());
    pqxx::nontransaction tx(conn);
    return tx.exec1("SELECT count(*) FROM audit_events WHERE " + where)[0].as<long long>();
}

}  // namespace

TEST_CASE("consent decisions are audited with the user as actor", "[oidc]") {
    OidcServer s;
    s.web_client("web");
    Browser b(s.base(), s.email);
    b.decision = "deny";
    REQUIRE_FALSE(b.run(authorize_path(code_request("web"))).empty());
    CHECK(audit_count(s, "action = 'oauth.consent_denied' AND actor_id = '" + s.user_id +
                             "' AND target_id = 'web' AND outcome = 'success'") == 1);
    CHECK(audit_count(s, "action = 'oauth.consent_granted'") == 0);

    b.decision = "allow";
    b.code_for(code_request("web", "openid profile"));
    CHECK(audit_count(s, "action = 'oauth.consent_granted' AND actor_id = '" + s.user_id +
                             "' AND target_id = 'web' AND details->>'scope' = 'openid profile'") == 1);
}

TEST_CASE("client authentication failures at token, introspect and revoke are audited without the secret", "[oidc]") {
    OidcServer s;
    const auto secret = s.web_client("web");
    const std::string wrong = "not-the-secret-" + secret.substr(0, 8);
    for (const char* path : {"/oauth/token", "/oauth/introspect", "/oauth/revoke"}) {
        auto r = token_call(s.base(), {{"grant_type", "client_credentials"}, {"token", "x"}}, basic("web", wrong), path);
        CHECK(r.status == 401);
        CHECK(oauth_error(r) == "invalid_client");
        CHECK(audit_count(s, std::string("action = 'oauth.client_auth_failed' AND outcome = 'failure' AND actor_type = "
                                         "'client' AND actor_id = 'web' AND details->>'endpoint' = '") + path +
                                 "' AND details->>'method' = 'client_secret_basic'") == 1);
    }
    // An unknown client, with client_secret_post: the claimed id is the actor.
    auto unknown = token_call(s.base(), {{"grant_type", "client_credentials"}, {"client_id", "ghost"}, {"client_secret", wrong}});
    CHECK(unknown.status == 401);
    CHECK(audit_count(s, "action = 'oauth.client_auth_failed' AND actor_id = 'ghost' AND details->>'method' = "
                         "'client_secret_post'") == 1);
    // No credential, secret or hash ends up in the trail.
    CHECK(audit_count(s, "details::text LIKE '%" + wrong + "%' OR details::text LIKE '%" + secret + "%'") == 0);
    // Successful authentication is not a failure.
    auto ok = introspect(s.base(), "web", secret, "x");
    CHECK(ok.status == 200);
    CHECK(audit_count(s, "action = 'oauth.client_auth_failed'") == 4);
}
