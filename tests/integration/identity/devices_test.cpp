// Known devices and risk-based sign-in (core/devices) against a real januad and PostgreSQL:
// device tokens, the /api/v1/devices list/trust/remove routes, the new-sign-in mail, the risk
// signals in the audit log, the emailed confirmation of a risky sign-in, and the hosted /login page.
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

#include <strings.h>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

// Sign-ins come "through" a trusted proxy so each test can pick the client's address.
Env device_env(const MailDir& mail, Env extra = {}) {
    Env env = mail.env();
    env["TRUSTED_PROXIES"] = "127.0.0.1";
    for (auto& [k, v] : extra) env[k] = v;
    return env;
}

HttpResponse signin_from(const std::string& base, const std::string& email, const std::string& ip,
                         const std::string& device_token = {}, const std::string& password = k_password) {
    json body = {{"email", email}, {"password", password}};
    if (!device_token.empty()) body["device_token"] = device_token;
    return http("POST", base, "/api/v1/auth/signin", body.dump(), {{"X-Forwarded-For", ip}});
}

// Mails to `to` whose subject starts with `subject`.
int mails_with_subject(const MailDir& mail, const std::string& to, const std::string& subject) {
    int count = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(mail.path(), ec)) {
        std::ifstream in(entry.path());
        std::stringstream raw;
        raw << in.rdbuf();
        const std::string headers = raw.str().substr(0, raw.str().find("\r\n\r\n"));
        if (headers.find(to) != std::string::npos && headers.find("Subject: " + subject) != std::string::npos) ++count;
    }
    return count;
}

void wait_for_mails(const MailDir& mail, const std::string& to, const std::string& subject, int count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (mails_with_subject(mail, to, subject) < count && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    INFO(mail.listing());
    REQUIRE(mails_with_subject(mail, to, subject) == count);
}

// The details of the newest audit entry `action` of the user.
json last_audit(const Server& server, const std::string& email, const std::string& action) {
    pqxx::connection connection(server.db.url());
    pqxx::work tx(connection);
    auto r = tx.exec_params(
        "SELECT a.details::text FROM audit_events a JOIN users u ON u.id::text = a.actor_id "
        "WHERE u.email = $1 AND a.action = $2 ORDER BY a.occurred_at DESC, a.seq DESC LIMIT 1",
        email, action);
    REQUIRE(r.size() == 1);
    return json::parse(r[0][0].as<std::string>());
}

std::vector<std::string> signals_of(const json& risk) {
    std::vector<std::string> out;
    for (const auto& reason : risk["reasons"]) out.push_back(reason["signal"].get<std::string>());
    return out;
}

std::string url_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buffer[4];
            std::snprintf(buffer, sizeof buffer, "%%%02X", c);
            out += buffer;
        }
    }
    return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + url_encode(v);
    return out;
}

}  // namespace

TEST_CASE("devices: a second device is reported by email and can be listed, trusted and removed", "[identity][devices]") {
    MailDir mail;
    Server server(device_env(mail));
    const auto base = server.base();
    signup(base, "alice@example.com");
    signup(base, "bob@example.com");

    // The first device of an account is nothing to warn about.
    auto first = signin_from(base, "alice@example.com", "203.0.113.5");
    REQUIRE(first.status == 200);
    const std::string t1 = body_of(first)["device_token"];
    REQUIRE(t1.size() >= 32);
    CHECK(last_audit(server, "alice@example.com", "user.signin")["risk"]["score"] == 0);

    // Sent back, the token names the same device.
    auto again = signin_from(base, "alice@example.com", "203.0.113.5", t1);
    REQUIRE(again.status == 200);
    CHECK(body_of(again)["device_token"] == t1);

    // No token (or one Janua never issued) from the same network: a new device, allowed, reported.
    auto second = signin_from(base, "alice@example.com", "203.0.113.9", "made-up-token");
    REQUIRE(second.status == 200);
    const json second_body = body_of(second);
    const std::string t2 = second_body["device_token"];
    CHECK(t2 != t1);
    CHECK(t2 != "made-up-token");
    const auto risk = last_audit(server, "alice@example.com", "user.signin")["risk"];
    CHECK(risk["score"] == 40);
    CHECK(signals_of(risk) == std::vector<std::string>{"new_device"});
    CHECK(risk["decision"] == "allow");
    CHECK(risk["new_device"] == true);
    wait_for_mails(mail, "alice@example.com", "New sign-in", 1);

    // A non-ASCII user agent is kept and mailed as printable ASCII, so cutting it to length never
    // breaks a character (313 bytes: the mail's cut at 200 falls inside one; sessions and the audit
    // log cut at 512).
    std::string agent = "Browser/1.01 ";
    for (int i = 0; i < 150; ++i) agent += "\xc3\xa9";
    auto third = http("POST", base, "/api/v1/auth/signin", json{{"email", "alice@example.com"}, {"password", k_password}}.dump(),
                      {{"X-Forwarded-For", "203.0.113.9"}, {"User-Agent", agent}});
    REQUIRE(third.status == 200);
    wait_for_mails(mail, "alice@example.com", "New sign-in", 2);
    const std::string third_token = body_of(third)["access_token"];
    const auto newest = body_of(get(base, "/api/v1/devices", third_token))["data"][0];
    CHECK(newest["user_agent"] == "Browser/1.01 " + std::string(300, '?'));  // stored as printable ASCII
    CHECK(http("DELETE", base, "/api/v1/devices/" + newest["id"].get<std::string>(), {}, bearer(third_token)).status == 204);

    const std::string token = second_body["access_token"];
    auto listed = body_of(get(base, "/api/v1/devices", token));
    REQUIRE(listed["data"].size() == 2);
    for (const auto& d : listed["data"]) {
        CHECK(d["trusted"] == false);
        CHECK(d["first_ip"].get<std::string>().rfind("203.0.113.", 0) == 0);
        CHECK_FALSE(d.contains("token_hash"));
    }
    const std::string id = listed["data"][0]["id"];

    auto trusted = post(base, "/api/v1/devices/" + id + "/trust", json::object(), token);
    REQUIRE(trusted.status == 200);
    CHECK(body_of(trusted)["trusted"] == true);
    CHECK(last_audit(server, "alice@example.com", "device.trusted")["via"] == "user");

    // Someone else's device, an unknown id, a malformed id: not found, and nothing changes.
    const std::string bob = signin(base, "bob@example.com")["access_token"];
    CHECK(post(base, "/api/v1/devices/" + id + "/trust", json::object(), bob).status == 404);
    CHECK(http("DELETE", base, "/api/v1/devices/" + id, {}, bearer(bob)).status == 404);
    CHECK(post(base, "/api/v1/devices/00000000-0000-0000-0000-000000000000/trust", json::object(), token).status == 404);
    CHECK(post(base, "/api/v1/devices/not-a-uuid/trust", json::object(), token).status == 404);
    CHECK(get(base, "/api/v1/devices").status == 401);
    CHECK(body_of(get(base, "/api/v1/devices", bob))["data"].size() == 1);

    CHECK(http("DELETE", base, "/api/v1/devices/" + id, {}, bearer(token)).status == 204);
    CHECK(http("DELETE", base, "/api/v1/devices/" + id, {}, bearer(token)).status == 404);
    CHECK(body_of(get(base, "/api/v1/devices", token))["data"].size() == 1);
    CHECK(last_audit(server, "alice@example.com", "device.removed").is_object());
}

TEST_CASE("devices: a new device on a new network waits for an emailed confirmation", "[identity][devices]") {
    MailDir mail;
    Server server(device_env(mail));
    const auto base = server.base();
    signup(base, "carol@example.com");
    REQUIRE(signin_from(base, "carol@example.com", "198.51.100.7").status == 200);

    auto refused = signin_from(base, "carol@example.com", "192.0.2.44");
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "AUTHORIZATION_ERROR");
    const json details = error_of(refused)["details"];
    CHECK(details["reason"] == "device_confirmation_required");
    const std::string pending = details["device_token"];
    CHECK_FALSE(body_of(refused).contains("access_token"));
    const auto audit = last_audit(server, "carol@example.com", "user.signin");
    CHECK(audit["reason"] == "device_confirmation_required");
    CHECK(audit["risk"]["score"] == 70);
    CHECK(signals_of(audit["risk"]) == std::vector<std::string>{"new_device", "new_network"});
    CHECK(audit["risk"]["decision"] == "email_confirmation");
    const std::string first_link = mail.wait_for_token("carol@example.com", "/api/v1/devices/confirm");

    // Trying again from the waiting device is refused again (it proved nothing yet), with a new link.
    auto retry = signin_from(base, "carol@example.com", "192.0.2.44", pending);
    CHECK(retry.status == 403);
    CHECK(error_of(retry)["details"]["device_token"] == pending);
    auto links = mail.wait_for_tokens("carol@example.com", "/api/v1/devices/confirm", 2);
    links.erase(first_link);
    REQUIRE(links.size() == 1);
    const std::string link = *links.begin();

    // The link opens a page; only its button confirms.
    auto page = get(base, "/api/v1/devices/confirm?token=" + link);
    CHECK(page.status == 200);
    CHECK(page.body.find("<form method=\"post\" action=\"/api/v1/devices/confirm\">") != std::string::npos);
    {
        pqxx::connection connection(server.db.url());
        pqxx::work tx(connection);
        CHECK(tx.exec("SELECT count(*) FROM devices WHERE trusted_at IS NOT NULL")[0][0].as<int>() == 0);
    }

    // A replaced link, a made-up one and an empty one do nothing.
    auto stale = post(base, "/api/v1/devices/confirm", {{"token", first_link}});
    CHECK(stale.status == 401);
    CHECK(error_code(stale) == "TOKEN_ERROR");
    CHECK(post(base, "/api/v1/devices/confirm", {{"token", "nope"}}).status == 401);
    CHECK(post(base, "/api/v1/devices/confirm", {{"token", 7}}).status == 422);

    // The latest link works (here through the form the page posts), once.
    auto confirmed = http("POST", base, "/api/v1/devices/confirm", form({{"token", link}}), {},
                          "application/x-www-form-urlencoded");
    INFO(confirmed.body);
    CHECK(confirmed.status == 200);
    CHECK(confirmed.body.find("Device confirmed") != std::string::npos);
    CHECK(post(base, "/api/v1/devices/confirm", {{"token", link}}).status == 401);
    CHECK(last_audit(server, "carol@example.com", "device.trusted")["via"] == "email_confirmation");

    // The confirmed device signs in; a trusted device is not stepped up although its score is high.
    auto allowed = signin_from(base, "carol@example.com", "192.0.2.44", pending);
    REQUIRE(allowed.status == 200);
    CHECK(body_of(allowed)["device_token"] == pending);
    const auto risk = last_audit(server, "carol@example.com", "user.signin")["risk"];
    CHECK(risk["trusted_device"] == true);
    CHECK(risk["decision"] == "allow");
    auto listed = body_of(get(base, "/api/v1/devices", body_of(allowed)["access_token"]));
    CHECK(listed["data"].size() == 2);
}

TEST_CASE("devices: wrong passwords and impossible travel raise the score, and MFA users step up to MFA",
          "[identity][devices]") {
    MailDir mail;
    char pattern[] = "/tmp/janua-geoip-XXXXXX";
    const int fd = ::mkstemp(pattern);
    REQUIRE(fd >= 0);
    ::close(fd);
    const std::string geo_file = pattern;
    {
        std::ofstream out(geo_file);
        out << "network,latitude,longitude\n"
            << "# Paris and Sydney\n"
            << "198.51.100.0/24,48.8566,2.3522\n"
            << "203.0.113.0/24,-33.8688,151.2093\n"
            << "2001:db8::/32,35.6762,139.6503\n";
    }
    Server server(device_env(mail, {{"RISK_GEOIP_FILE", geo_file}}));
    const auto base = server.base();
    signup(base, "dave@example.com");
    const std::string t1 = body_of(signin_from(base, "dave@example.com", "198.51.100.7"))["device_token"];

    // Three wrong passwords, then the right one from a new device on the same network: 25 + 40, allowed.
    for (int i = 0; i < 3; ++i)
        CHECK(signin_from(base, "dave@example.com", "198.51.100.8", "", "Wrong-Password-1").status == 401);
    REQUIRE(signin_from(base, "dave@example.com", "198.51.100.8").status == 200);
    auto risk = last_audit(server, "dave@example.com", "user.signin")["risk"];
    CHECK(risk["score"] == 65);
    CHECK(signals_of(risk) == std::vector<std::string>{"new_device", "failed_attempts"});
    CHECK(risk["reasons"][1]["failures"] == 3);

    // Paris to Sydney in a minute, on the known device: impossible travel (and a new network).
    auto travel = signin_from(base, "dave@example.com", "203.0.113.20", t1);
    CHECK(travel.status == 403);
    auto audit = last_audit(server, "dave@example.com", "user.signin");
    CHECK(signals_of(audit["risk"]) == std::vector<std::string>{"new_network", "failed_attempts", "impossible_travel"});
    CHECK(audit["risk"]["reasons"][2]["distance_km"].get<int>() > 16000);

    // A user with MFA always owes the second factor: the same risk steps up to MFA instead.
    {
        pqxx::connection connection(server.db.url());
        pqxx::work tx(connection);
        tx.exec("UPDATE users SET mfa_enabled = true WHERE email = 'dave@example.com'");
        tx.commit();
    }
    auto stepped = signin_from(base, "dave@example.com", "2001:db8::5", t1);
    REQUIRE(stepped.status == 200);
    CHECK(body_of(stepped)["mfa_required"] == true);
    CHECK(body_of(stepped)["device_token"] == t1);
    auto mfa = last_audit(server, "dave@example.com", "user.signin_mfa_required")["risk"];
    CHECK(mfa["decision"] == "mfa");
    CHECK(mfa["score"].get<int>() >= 70);

    std::filesystem::remove(geo_file);
}

TEST_CASE("devices: a GeoIP file with a bad line stops the daemon and names the line", "[identity][devices]") {
    char pattern[] = "/tmp/janua-geoip-XXXXXX";
    const int fd = ::mkstemp(pattern);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        std::ofstream out(pattern);
        out << "198.51.100.0/24,48.8,2.3\n10.0.0.1/8,1,2\n";
    }
    TempDatabase db;
    migrate(db);
    DaemonProcess daemon(db.url(), {{"RISK_GEOIP_FILE", pattern}});
    const auto code = daemon.wait_exit(std::chrono::seconds(20));
    INFO(daemon.log());
    CHECK(code == 2);
    CHECK(daemon.log().find("RISK_GEOIP_FILE") != std::string::npos);
    CHECK(daemon.log().find("line 2") != std::string::npos);
    std::filesystem::remove(pattern);
}

TEST_CASE("devices: the hosted login page keeps the device in a cookie", "[identity][devices]") {
    MailDir mail;
    Server server(device_env(mail));
    const auto base = server.base();
    signup(base, "erin@example.com");
    std::map<std::string, std::string> jar;
    auto send = [&](const std::string& method, const std::string& path, const std::string& body, const std::string& ip) {
        std::map<std::string, std::string> headers{{"X-Forwarded-For", ip}};
        std::string cookies;
        for (const auto& [k, v] : jar) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
        if (!cookies.empty()) headers["Cookie"] = cookies;
        auto r = http(method, base, path, body, headers, "application/x-www-form-urlencoded");
        for (const auto& [name, value] : r.headers) {
            if (strcasecmp(name.c_str(), "Set-Cookie") != 0) continue;
            const auto pair = value.substr(0, value.find(';'));
            jar[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
        }
        return r;
    };
    auto login = [&](const std::string& ip) {
        auto page = send("GET", "/login", {}, ip);
        REQUIRE(page.status == 200);
        const auto at = page.body.find("name=\"csrf_token\" value=\"");
        REQUIRE(at != std::string::npos);
        const auto start = at + std::string("name=\"csrf_token\" value=\"").size();
        const auto csrf = page.body.substr(start, page.body.find('"', start) - start);
        return send("POST", "/login",
                    form({{"csrf_token", csrf}, {"return_to", ""}, {"email", "erin@example.com"}, {"password", k_password}}),
                    ip);
    };
    REQUIRE(login("198.51.100.7").status == 200);
    REQUIRE(jar.count("janua_device"));
    const std::string browser = jar["janua_device"];
    CHECK(last_audit(server, "erin@example.com", "user.signin")["via"] == "hosted_login");

    // The same browser somewhere else is a known device: allowed, no new-device mail.
    jar.erase("janua_session");
    REQUIRE(login("192.0.2.10").status == 200);
    CHECK(jar["janua_device"] == browser);
    auto risk = last_audit(server, "erin@example.com", "user.signin")["risk"];
    CHECK(risk["new_device"] == false);
    CHECK(signals_of(risk) == std::vector<std::string>{"new_network"});

    // Another browser on yet another network: the page says why, and the browser keeps its device.
    jar.clear();
    auto refused = login("203.0.113.99");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("emailed you a link") != std::string::npos);
    CHECK(jar.count("janua_device"));
    CHECK_FALSE(jar.count("janua_session"));
    CHECK(mails_with_subject(mail, "erin@example.com", "New sign-in") == 0);
}
