// /api/v1/admin and `janua admin ...`: statistics, maintenance mode, runtime settings, with two
// januad processes on one database to show that changes apply everywhere without a restart.
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

struct AdminServer : Server {
    std::string admin, plain, admin_id;

    AdminServer() {
        admin_id = cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin",
                             "--database-url", db.url(), "--output", "json"},
                            k_password)["id"];
        cli_json({"user", "create", "--email", "plain@example.com", "--password-stdin", "--database-url", db.url(),
                  "--output", "json"},
                 k_password);
        admin = signin(base(), "root@example.com")["access_token"];
        plain = signin(base(), "plain@example.com")["access_token"];
    }

    HttpResponse call(const std::string& method, const std::string& path, const json& body = nullptr,
                      const std::string& token = "", const std::string& base_url = "") const {
        return http(method, base_url.empty() ? base() : base_url, path, body.is_null() ? std::string() : body.dump(),
                    bearer(token.empty() ? admin : token));
    }

    std::string sql_value(const std::string& sql) const {
        pqxx::connection c{db.url()};
        pqxx::work w{c};
        auto r = w.exec(sql);
        w.commit();
        return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
    }

    std::vector<std::string> direct(std::vector<std::string> args) const {
        args.insert(args.end(), {"--database-url", db.url(), "--output", "json"});
        return args;
    }
    std::vector<std::string> remote(std::vector<std::string> args, const std::string& token = "") const {
        args.insert(args.end(), {"--server", base(), "--token", token.empty() ? admin : token, "--output", "json"});
        return args;
    }
};

// Poll `probe` until it returns true or `timeout` passes.
template <class F>
bool eventually(F probe, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return probe();
}

int signup_status(const std::string& base, const std::string& email, const std::string& password) {
    return post(base, "/api/v1/auth/signup", {{"email", email}, {"password", password}}).status;
}

}  // namespace

TEST_CASE("admin stats count users, organizations, sessions and sign-ins per day", "[admin]") {
    AdminServer server;
    signin(server.base(), "plain@example.com");  // a second session for plain
    CHECK(signin_response(server.base(), "plain@example.com", "Wrong-Password-1").status == 401);
    server.sql_value("INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme')");
    server.sql_value("UPDATE users SET email_verified = true WHERE email = 'root@example.com'");

    auto r = server.call("GET", "/api/v1/admin/stats?days=3");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto stats = body_of(r);
    CHECK(stats["users"]["total"] == 2);
    CHECK(stats["users"]["active"] == 2);
    CHECK(stats["users"]["verified"] == 1);
    CHECK(stats["users"]["platform_admins"] == 1);
    CHECK(stats["organizations"]["total"] == 1);
    CHECK(stats["sessions"]["active"] == 3);
    CHECK(stats["sessions"]["users_with_active_sessions"] == 2);
    REQUIRE(stats["signins"]["per_day"].size() == 3);
    const auto today = stats["signins"]["per_day"][2];
    CHECK(today["signins"] == 3);
    CHECK(today["unique_users"] == 2);
    CHECK(today["failed_signins"] == 1);
    CHECK(stats["signins"]["per_day"][0]["signins"] == 0);
    CHECK(stats["signins"]["total"] == 3);
    CHECK(stats["maintenance"]["enabled"] == false);

    for (const char* days : {"0", "367", "abc", "5x"}) {
        auto bad = server.call("GET", std::string("/api/v1/admin/stats?days=") + days);
        CHECK(bad.status == 422);
    }
    CHECK(server.call("GET", "/api/v1/admin/stats", nullptr, server.plain).status == 403);
    CHECK(http("GET", server.base(), "/api/v1/admin/stats").status == 401);

    // The CLI, direct and remote, prints the same numbers.
    auto direct = cli_json(server.direct({"admin", "stats", "--days", "3"}));
    auto remote = cli_json(server.remote({"admin", "stats", "--days", "3"}));
    CHECK(direct["users"] == stats["users"]);
    CHECK(remote["signins"]["per_day"] == direct["signins"]["per_day"]);
    auto usage = run_janua(server.direct({"admin", "stats", "--days", "0"}));
    CHECK(usage.exit_code == 2);
}

TEST_CASE("maintenance mode refuses non-admin writes with 503 and keeps reads working", "[admin]") {
    AdminServer server;
    auto on = server.call("PUT", "/api/v1/admin/maintenance", {{"enabled", true}, {"message", "Upgrading until 14:00 UTC"}});
    INFO(on.body);
    REQUIRE(on.status == 200);
    CHECK(body_of(on)["enabled"] == true);
    CHECK(body_of(on)["message"] == "Upgrading until 14:00 UTC");
    CHECK(body_of(on)["since"].is_string());

    // A non-admin write: 503 with the message and Retry-After; nothing changes.
    auto write = server.call("PATCH", "/api/v1/auth/me", {{"first_name", "Changed"}}, server.plain);
    CHECK(write.status == 503);
    CHECK(error_code(write) == "SERVICE_UNAVAILABLE");
    CHECK(error_of(write)["message"] == "Upgrading until 14:00 UTC");
    CHECK(write.header("Retry-After") == "300");
    CHECK(server.sql_value("SELECT first_name FROM users WHERE email = 'plain@example.com'").empty());
    CHECK(signup_status(server.base(), "new@example.com", k_password) == 503);
    CHECK(server.sql_value("SELECT count(*) FROM users") == "2");

    // Reads, health and signing in keep working, for everyone.
    CHECK(me_status(server.base(), server.plain) == 200);
    CHECK(http("GET", server.base(), "/health/ready").status == 200);
    const std::string plain_again = signin(server.base(), "plain@example.com")["access_token"];
    CHECK(me_status(server.base(), plain_again) == 200);
    const std::string admin_again = signin(server.base(), "root@example.com")["access_token"];

    // Admins still write.
    auto admin_write = server.call("PATCH", "/api/v1/auth/me", {{"first_name", "Root"}}, admin_again);
    CHECK(admin_write.status == 200);
    CHECK(server.call("GET", "/api/v1/admin/maintenance").status == 200);

    // The CLI sees it, and turns it off.
    auto status = cli_json(server.direct({"admin", "maintenance", "status"}));
    CHECK(status["enabled"] == true);
    auto off = cli_json(server.remote({"admin", "maintenance", "off"}));
    CHECK(off["enabled"] == false);
    CHECK(server.call("PATCH", "/api/v1/auth/me", {{"first_name", "Plain"}}, server.plain).status == 200);

    // Bad requests change nothing.
    CHECK(server.call("PUT", "/api/v1/admin/maintenance", {{"enabled", "yes"}}).status == 422);
    CHECK(server.call("PUT", "/api/v1/admin/maintenance", {{"message", "x"}}).status == 422);
    CHECK(server.call("PUT", "/api/v1/admin/maintenance", {{"enabled", true}, {"message", std::string(501, 'x')}}).status == 422);
    CHECK(server.call("PUT", "/api/v1/admin/maintenance", {{"enabled", true}, {"why", "x"}}).status == 422);
    CHECK(server.call("PUT", "/api/v1/admin/maintenance", {{"enabled", true}}, server.plain).status == 403);
    CHECK(body_of(server.call("GET", "/api/v1/admin/maintenance"))["enabled"] == false);
    auto usage = run_janua(server.direct({"admin", "maintenance", "off", "--message", "x"}));
    CHECK(usage.exit_code == 2);

    CHECK(server.sql_value("SELECT string_agg(action, ',' ORDER BY seq) FROM audit_events WHERE action LIKE "
                           "'admin.maintenance%'") == "admin.maintenance_enabled,admin.maintenance_disabled");
    CHECK(server.sql_value("SELECT actor_id FROM audit_events WHERE action = 'admin.maintenance_enabled'") ==
          server.admin_id);
}

TEST_CASE("runtime settings change every daemon without a restart", "[admin]") {
    AdminServer server;
    auto second = start_daemon(server.db.url());
    const std::string other = second->base_url();

    // Sign-up is on by configuration; turn it off on the first daemon, the second follows.
    CHECK(signup_status(other, "one@example.com", k_password) == 201);
    auto off = server.call("PUT", "/api/v1/admin/settings/signup_enabled", {{"value", false}});
    INFO(off.body);
    REQUIRE(off.status == 200);
    CHECK(body_of(off)["value"] == false);
    CHECK(body_of(off)["source"] == "database");
    CHECK(body_of(off)["default"] == true);
    CHECK(signup_status(server.base(), "two@example.com", k_password) == 403);
    CHECK(eventually([&] { return signup_status(other, "three@example.com", k_password) == 403; }));

    // Password minimum length, set through the CLI in direct mode (no daemon involved).
    cli_json(server.direct({"admin", "settings", "reset", "signup_enabled"}));
    const std::string sixteen = "Sixteen-Chars-16";
    auto set = cli_json(server.direct({"admin", "settings", "set", "password_min_length", "20"}));
    CHECK(set["value"] == 20);
    for (const auto& base : {server.base(), other}) {
        CHECK(eventually([&] {
            auto r = post(base, "/api/v1/auth/signup", {{"email", "short@example.com"}, {"password", sixteen}});
            return r.status == 422 && r.body.find("at least 20 characters") != std::string::npos;
        }));
    }
    // Admin-created users follow it too (remote, through the second daemon).
    auto weak = run_janua({"user", "create", "--email", "weak@example.com", "--password-stdin", "--server", other,
                           "--token", server.admin, "--output", "json"},
                          {}, sixteen);
    CHECK(weak.exit_code != 0);
    // Reset: the configured 12 applies again everywhere.
    auto reset = cli_json(server.remote({"admin", "settings", "reset", "password_min_length"}));
    CHECK(reset["source"] == "configuration");
    CHECK(reset["value"] == 12);
    CHECK(eventually([&] { return signup_status(other, "long@example.com", sixteen) == 201; }));

    // The list shows every setting with its source.
    auto all = cli_json(server.remote({"admin", "settings", "get"}));
    std::set<std::string> keys;
    for (const auto& s : all["data"]) keys.insert(s["key"]);
    CHECK(keys == std::set<std::string>{"signup_enabled", "magic_links_enabled", "password_min_length",
                                        "rate_limit_per_minute", "rate_limit_per_hour", "maintenance_mode",
                                        "maintenance_message"});
    CHECK(server.sql_value("SELECT count(*) FROM audit_events WHERE action = 'admin.settings_changed'") == "4");
}

TEST_CASE("runtime settings are validated by type and range", "[admin]") {
    AdminServer server;
    struct Case {
        std::string key;
        json value;
        int status;
    };
    for (const auto& c : std::vector<Case>{{"signup_enabled", "no", 422},
                                           {"password_min_length", 7, 422},
                                           {"password_min_length", 73, 422},
                                           {"password_min_length", 12.5, 422},
                                           {"rate_limit_per_minute", -1, 422},
                                           {"maintenance_message", 5, 422},
                                           {"jwt_secret", "x", 404}}) {
        auto r = server.call("PUT", "/api/v1/admin/settings/" + c.key, {{"value", c.value}});
        INFO(c.key << " = " << c.value.dump() << " -> " << r.body);
        CHECK(r.status == c.status);
        if (c.status == 422) CHECK(error_of(r)["details"][0]["field"] == c.key);
    }
    auto patch = server.call("PATCH", "/api/v1/admin/settings", {{"signup_enabled", false}, {"bogus", 1}});
    CHECK(patch.status == 422);
    CHECK(error_of(patch)["details"][0]["field"] == "bogus");
    CHECK(server.call("PUT", "/api/v1/admin/settings/signup_enabled", {{"val", false}}).status == 422);
    CHECK(server.call("PUT", "/api/v1/admin/settings/signup_enabled", {{"value", false}}, server.plain).status == 403);
    CHECK(server.sql_value("SELECT count(*) FROM system_settings") == "0");
    CHECK(server.sql_value("SELECT count(*) FROM audit_events WHERE action LIKE 'admin.%'") == "0");

    // The CLI refuses the same, with a usage-style message.
    auto bad = run_janua(server.direct({"admin", "settings", "set", "password_min_length", "many"}));
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("whole number") != std::string::npos);
    auto unknown = run_janua(server.remote({"admin", "settings", "get", "nope"}));
    CHECK(unknown.exit_code == 3);
    auto missing_key = run_janua(server.direct({"admin", "settings", "set"}));
    CHECK(missing_key.exit_code == 2);

    // A PATCH of several settings applies them together.
    auto both = server.call("PATCH", "/api/v1/admin/settings", {{"signup_enabled", false}, {"magic_links_enabled", false}});
    REQUIRE(both.status == 200);
    CHECK(post(server.base(), "/api/v1/auth/magic-link", {{"email", "plain@example.com"}}).status == 403);
    CHECK(signup_status(server.base(), "new@example.com", k_password) == 403);
    // Rate limits apply at once: with 2 per minute, the third attempt in a minute is refused.
    REQUIRE(server.call("PUT", "/api/v1/admin/settings/rate_limit_per_minute", {{"value", 2}}).status == 200);
    signin_response(server.base(), "plain@example.com", k_password);
    signin_response(server.base(), "plain@example.com", k_password);
    CHECK(signin_response(server.base(), "plain@example.com", k_password).status == 429);
}
