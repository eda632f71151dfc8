// Organization webhooks end to end: the admin API and CLI, destination checks, signed delivery to
// a real receiver, retries while it is down, redelivery and test sends, the failing mark, and a
// daemon killed mid-delivery (nothing is lost).
#include "tests/integration/audit/audit_support.hpp"
#include "tests/integration/webhooks/receiver.hpp"

#include <signal.h>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::audit_support;
using janua::test::webhooks::Receiver;

namespace {

const Env k_private_ok = {{"WEBHOOK_ALLOW_PRIVATE", "true"}, {"WEBHOOK_RETRY_BASE_MS", "200"},
                          {"WEBHOOK_TIMEOUT_SECONDS", "2"}};

// A januad with a platform admin, a plain user and one organization.
struct HookServer : Server {
    std::string admin, plain, org;
    explicit HookServer(const Env& env) : Server(env) {
        cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin",
                  "--database-url", db.url(), "--output", "json"},
                 k_password);
        signup(base(), "plain@example.com");
        admin = signin(base(), "root@example.com")["access_token"];
        plain = signin(base(), "plain@example.com")["access_token"];
        org = create_organization(db.url(), "acme");
    }
    std::string hooks() const { return "/api/v1/organizations/" + org + "/webhooks"; }
    HttpResponse call(const std::string& method, const std::string& path, const json& body = nullptr,
                      const std::string& token = "") const {
        return http(method, base(), path, body.is_null() ? std::string() : body.dump(), bearer(token.empty() ? admin : token));
    }
    json create(const std::string& url, const json& types) const {
        auto r = call("POST", hooks(), {{"url", url}, {"event_types", types}});
        INFO(r.body);
        REQUIRE(r.status == 201);
        return body_of(r);
    }
};

long long count_of(const std::vector<janua::test::webhooks::Received>& all, const std::string& event_id) {
    return std::count_if(all.begin(), all.end(), [&](const auto& r) { return r.event_id == event_id && r.signature_ok; });
}

std::vector<std::string> record_events(janua::db::Pool& pool, const std::string& org, const std::string& action, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i)
        ids.push_back(pool.transact([&](janua::db::Transaction& tx) {
            return janua::audit::append(tx, event(action, org, "actor-" + std::to_string(i)));
        }));
    return ids;
}

}  // namespace

TEST_CASE("webhook endpoints: create shows the secret once, validation, access, update, delete", "[webhooks]") {
    HookServer s(Env{{"WEBHOOK_ALLOW_PRIVATE", "true"}, {"MAX_WEBHOOKS_PER_TENANT", "2"}});
    auto created = s.create("http://127.0.0.1:9/hook", {"user.*", "session.revoked"});
    CHECK(created["secret"].get<std::string>().rfind("whsec_", 0) == 0);
    CHECK(created["enabled"] == true);
    CHECK(created["failing"] == false);
    const std::string id = created["id"];
    auto fetched = body_of(s.call("GET", s.hooks() + "/" + id));
    CHECK_FALSE(fetched.contains("secret"));
    CHECK(fetched["event_types"] == json({"user.*", "session.revoked"}));
    // The secret is stored encrypted, never in clear.
    CHECK(superuser_value(s.db.url(), "SELECT count(*) FROM webhook_endpoints WHERE secret_encrypted LIKE '%" +
                                          created["secret"].get<std::string>().substr(6) + "%'") == "0");

    CHECK(error_code(s.call("POST", s.hooks(), {{"event_types", {"user.*"}}})) == "VALIDATION_ERROR");
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "ftp://x.example/"}, {"event_types", {"user.*"}}})) ==
          "VALIDATION_ERROR");
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "https://u:p@x.example/"}, {"event_types", {"user.*"}}})) ==
          "VALIDATION_ERROR");
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "https://x.example/"}, {"event_types", {"User Signin"}}})) ==
          "VALIDATION_ERROR");
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "https://x.example/"}, {"event_types", json::array()}})) ==
          "VALIDATION_ERROR");
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "https://x.example/"}, {"event_types", {"*"}}, {"colour", 1}})) ==
          "VALIDATION_ERROR");
    CHECK(s.call("POST", "/api/v1/organizations/00000000-0000-0000-0000-000000000000/webhooks",
                 {{"url", "https://x.example/"}, {"event_types", {"*"}}})
              .status == 404);
    CHECK(s.call("GET", "/api/v1/organizations/not-a-uuid/webhooks/" + id).status == 404);
    CHECK(s.call("GET", s.hooks(), nullptr, s.plain).status == 404);  // outsiders cannot tell the organization exists
    CHECK(s.call("GET", s.hooks() + "/" + id + "/deliveries?limit=0").status == 422);
    CHECK(superuser_value(s.db.url(), "SELECT count(*) FROM webhook_endpoints") == "1");

    s.create("https://hooks.example.com/two", {"*"});
    CHECK(error_code(s.call("POST", s.hooks(), {{"url", "https://hooks.example.com/three"}, {"event_types", {"*"}}})) ==
          "CONFLICT_ERROR");

    auto patched = s.call("PATCH", s.hooks() + "/" + id, {{"enabled", false}, {"event_types", {"user.signin"}}});
    REQUIRE(patched.status == 200);
    CHECK(body_of(patched)["enabled"] == false);
    CHECK(body_of(patched)["event_types"] == json({"user.signin"}));
    auto rotated = body_of(s.call("POST", s.hooks() + "/" + id + "/rotate-secret", json::object()));
    CHECK(rotated["secret"].get<std::string>() != created["secret"].get<std::string>());
    CHECK(s.call("DELETE", s.hooks() + "/" + id).status == 204);
    CHECK(s.call("GET", s.hooks() + "/" + id).status == 404);
    CHECK(s.call("DELETE", s.hooks() + "/" + id).status == 404);
    // Each change is audited, with the organization.
    CHECK(superuser_value(s.db.url(), "SELECT count(*) FROM audit_events WHERE action LIKE 'webhook.%' AND "
                                      "organization_id = '" + s.org + "'") == "5");

    // The CLI, directly and through the daemon.
    auto listed = cli_json({"webhook", "list", "--org", s.org, "--server", s.base(), "--token", s.admin, "--output", "json"});
    CHECK(listed["data"].size() == 1);
    auto made = cli_json({"webhook", "create", "--org", s.org, "--url", "https://hooks.example.com/x", "--event", "*",
                          "--database-url", s.db.url(), "--output", "json"});
    CHECK(made["secret"].get<std::string>().rfind("whsec_", 0) == 0);
    // Direct mode reads its own configuration: the limit applies there too.
    auto too_many = run_janua({"webhook", "create", "--org", s.org, "--url", "https://hooks.example.com/y", "--event",
                               "*", "--database-url", s.db.url(), "--output", "json"},
                              {{"MAX_WEBHOOKS_PER_TENANT", "2"}});
    CHECK(too_many.exit_code == 4);
    auto no_event = run_janua({"webhook", "create", "--org", s.org, "--url", "https://hooks.example.com/x",
                               "--database-url", s.db.url()});
    CHECK(no_event.exit_code == 2);
}

TEST_CASE("webhooks refuse private, loopback and link-local destinations by default", "[webhooks]") {
    HookServer s(Env{});
    for (const char* url : {"http://hooks.example.com/x", "https://127.0.0.1/x", "https://10.1.2.3/x",
                            "https://169.254.169.254/latest", "https://[::1]/x", "https://localhost/x",
                            "https://192.168.0.10:8443/x", "https://[fd00::1]/x", "https://[::ffff:127.0.0.1]/x"}) {
        auto r = s.call("POST", s.hooks(), {{"url", url}, {"event_types", {"*"}}});
        INFO(url << " -> " << r.body);
        CHECK(r.status == 422);
    }
    CHECK(s.call("POST", s.hooks(), {{"url", "https://hooks.example.com/janua"}, {"event_types", {"*"}}}).status == 201);
}

TEST_CASE("events are delivered signed, retried while the receiver is down, redelivered and test-sent",
          "[webhooks]") {
    HookServer s(k_private_ok);
    Receiver receiver;
    auto created = s.create(receiver.url(), {"user.*"});
    receiver.set_secret(created["secret"]);
    const std::string hook = s.hooks() + "/" + created["id"].get<std::string>();
    const std::string other_org = create_organization(s.db.url(), "other");
    auto pool = pool_on(s.db.url());

    auto first = record_events(*pool, s.org, "user.signin", 3);
    record_events(*pool, s.org, "session.revoked", 1);      // not subscribed
    record_events(*pool, other_org, "user.signin", 1);      // another organization
    REQUIRE(receiver.wait_until([&] { return receiver.verified_event_ids().size() >= 3; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(receiver.verified_event_ids() == std::set<std::string>(first.begin(), first.end()));
    CHECK(receiver.bad_signatures() == 0);
    const auto got = receiver.received();
    CHECK(got[0].type == "user.signin");
    auto payload = json::parse(got[0].body);
    CHECK(payload["organization_id"] == s.org);
    CHECK(payload["data"]["n"] == 1);
    CHECK(payload["actor"]["type"] == "user");

    // Down: deliveries fail and are retried with backoff until it is back.
    receiver.set_down(true);
    auto second = record_events(*pool, s.org, "user.updated", 3);
    REQUIRE(receiver.wait_until([&] { return receiver.refused() >= 6; }, std::chrono::seconds(20)));
    receiver.set_down(false);
    REQUIRE(receiver.wait_until([&] { return receiver.verified_event_ids().size() >= 6; }, std::chrono::seconds(30)));
    for (const auto& id : second) CHECK(count_of(receiver.received(), id) >= 1);

    auto log = body_of(s.call("GET", hook + "/deliveries?limit=200"));
    bool saw_503 = false, saw_success = false;
    for (const auto& d : log["data"]) {
        if (d["outcome"] == "failed" && d["http_status"] == 503) {
            saw_503 = true;
            CHECK(d["response_excerpt"] == "down for maintenance");
        }
        if (d["outcome"] == "succeeded") saw_success = true;
    }
    CHECK(saw_503);
    CHECK(saw_success);
    auto cli_log = cli_json({"webhook", "deliveries", "--org", s.org, created["id"], "--limit", "2", "--database-url",
                             s.db.url(), "--output", "json"});
    CHECK(cli_log["data"].size() == 2);
    CHECK(cli_log["next_cursor"].is_string());
    auto endpoint = body_of(s.call("GET", hook));
    CHECK(endpoint["failing"] == false);
    CHECK(endpoint["last_success_at"].is_string());

    // Redeliver: the same event arrives again.
    std::string delivery_id;
    for (const auto& d : log["data"])
        if (d["event_id"] == first[0] && d["outcome"] == "succeeded") delivery_id = d["id"];
    REQUIRE_FALSE(delivery_id.empty());
    auto queued = cli_json({"webhook", "redeliver", "--org", s.org, created["id"], delivery_id, "--server", s.base(),
                            "--token", s.admin, "--output", "json"});
    CHECK(queued["event_id"] == first[0]);
    REQUIRE(receiver.wait_until([&] { return count_of(receiver.received(), first[0]) >= 2; }, std::chrono::seconds(20)));
    CHECK(s.call("POST", hook + "/deliveries/00000000-0000-0000-0000-000000000000/redeliver", json::object()).status ==
          404);

    // Test send: one webhook.test to this endpoint, whatever it subscribes to.
    auto test = s.call("POST", hook + "/test", json::object());
    REQUIRE(test.status == 202);
    const std::string test_event = body_of(test)["event_id"];
    REQUIRE(receiver.wait_until([&] { return count_of(receiver.received(), test_event) == 1; }, std::chrono::seconds(20)));
    CHECK(receiver.bad_signatures() == 0);
}

TEST_CASE("an endpoint that never answers is marked failing after the last attempt", "[webhooks]") {
    HookServer s(Env{{"WEBHOOK_ALLOW_PRIVATE", "true"}, {"WEBHOOK_RETRY_BASE_MS", "10"}});
    const std::string closed = "http://127.0.0.1:" + std::to_string(free_port()) + "/hook";
    auto created = s.create(closed, {"*"});
    auto pool = pool_on(s.db.url());
    record_events(*pool, s.org, "user.signin", 1);
    const std::string hook = s.hooks() + "/" + created["id"].get<std::string>();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json endpoint;
    do {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        endpoint = body_of(s.call("GET", hook));
    } while (endpoint["failing"] != true && std::chrono::steady_clock::now() < deadline);
    CHECK(endpoint["failing"] == true);
    CHECK(endpoint["failing_since"].is_string());
    CHECK(superuser_value(s.db.url(), "SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed'") ==
          std::to_string(janua::audit::k_webhook_max_attempts));
    CHECK(superuser_value(s.db.url(), "SELECT status FROM jobs WHERE kind = 'webhook'") == "dead");
}

TEST_CASE("a daemon killed with SIGKILL mid-delivery loses no event", "[webhooks]") {
    HookServer s(k_private_ok);
    Receiver receiver;
    receiver.set_delay(std::chrono::milliseconds(300));
    // Created with the CLI in direct mode (same database, same field key as the daemon).
    auto made = run_janua({"webhook", "create", "--org", s.org, "--url", receiver.url(), "--event", "user.*",
                           "--database-url", s.db.url(), "--output", "json"},
                          {{"WEBHOOK_ALLOW_PRIVATE", "true"}});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    auto created = json::parse(made.out);
    receiver.set_secret(created["secret"]);
    auto pool = pool_on(s.db.url());
    auto ids = record_events(*pool, s.org, "user.signin", 30);
    REQUIRE(receiver.wait_until([&] { return receiver.received().size() >= 3; }, std::chrono::seconds(20)));
    s.daemon->signal(SIGKILL);
    REQUIRE(s.daemon->wait_exit(std::chrono::seconds(10)));
    CHECK(receiver.verified_event_ids().size() < ids.size());

    // A new daemon takes over: the killed one's leases expire and its jobs run again.
    auto second = start_daemon(s.db.url(), k_private_ok);
    REQUIRE(receiver.wait_until([&] { return receiver.verified_event_ids().size() == ids.size(); },
                                std::chrono::seconds(90)));
    CHECK(receiver.verified_event_ids() == std::set<std::string>(ids.begin(), ids.end()));
    CHECK(receiver.bad_signatures() == 0);
    CHECK(janua::audit::verify_chain(*pool).valid);
}

TEST_CASE("WEBHOOK_WORKERS bounds how many deliveries are in flight at once", "[webhooks]") {
    const int workers = GENERATE(1, 3);
    INFO("WEBHOOK_WORKERS=" << workers);
    Env env = k_private_ok;
    env["WEBHOOK_WORKERS"] = std::to_string(workers);
    HookServer s(env);
    Receiver receiver;
    receiver.set_delay(std::chrono::milliseconds(400));
    auto created = s.create(receiver.url(), {"user.*"});
    receiver.set_secret(created["secret"]);
    auto pool = pool_on(s.db.url());
    auto ids = record_events(*pool, s.org, "user.signin", 6);
    REQUIRE(receiver.wait_until([&] { return receiver.verified_event_ids().size() >= 6; }, std::chrono::seconds(30)));
    CHECK(receiver.max_in_flight() <= workers);
    if (workers > 1) CHECK(receiver.max_in_flight() >= 2);  // several threads really deliver at once
}
