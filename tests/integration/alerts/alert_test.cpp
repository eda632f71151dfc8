// Alerts end to end against a real januad: rules with email and webhook channels fired by real
// failed sign-ins, the mail in the MailDir and a signed delivery at a local receiver,
// acknowledgement, statistics, validation, tenant isolation, the audit trail of every change, and
// evaluation that neither loses nor repeats an alert across restarts.
#include "tests/integration/audit/audit_support.hpp"
#include "tests/integration/orgs/org_support.hpp"
#include "tests/integration/webhooks/receiver.hpp"

using namespace janua::test;
using namespace janua::test::orgs;
using namespace janua::test::audit_support;
using janua::test::webhooks::Receiver;

namespace {

const std::string k_alerts = "/api/v1/alerts";

std::string org_alerts(const std::string& org) { return k_orgs + "/" + org + "/alerts"; }

void fail_signin(const Server& s, const std::string& email) {
    auto r = signin_response(s.base(), email, "Wrong-Password-99");
    REQUIRE((r.status == 401 || r.status == 423));
}

// Wait until the evaluator has read every audit entry written so far.
void wait_evaluated(const Server& s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        if (count_rows(s, "SELECT count(*) FROM alert_cursor c, audit_chain_head h WHERE c.last_seq >= h.last_seq") == 1) {
            // alert.fired entries written by the pass itself are read by the next one
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            if (count_rows(s, "SELECT count(*) FROM alert_cursor c, audit_chain_head h WHERE c.last_seq >= h.last_seq") == 1)
                return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("the alert evaluator did not catch up with the audit log");
}

// The alert mails in the MailDir (sign-in notices may be there too).
std::vector<std::string> alert_mails(const MailDir& mail) {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(mail.path())) {
        std::ifstream in(entry.path());
        std::stringstream raw;
        raw << in.rdbuf();
        if (raw.str().find("[Janua alert]") != std::string::npos) out.push_back(raw.str());
    }
    return out;
}

json wait_alerts(const Server& s, const std::string& path, const std::string& token, std::size_t count) {
    json page;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        page = ok_json(call(s, "GET", path, token));
        if (page["data"].size() >= count) return page;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(page.dump());
    FAIL("expected " << count << " alerts at " << path);
    return page;
}

std::vector<json> audit_entries(const Server& s, const std::string& token, const std::string& action) {
    auto page = ok_json(call(s, "GET", "/api/v1/audit-logs?action=" + action + "&order=asc&limit=200", token));
    return page["data"].get<std::vector<json>>();
}

}  // namespace

TEST_CASE("failed sign-ins fire an alert by email and signed webhook, once per burst, then acknowledge and stats",
          "[alerts]") {
    MailDir mail;
    Env env = mail.env();
    env["WEBHOOK_ALLOW_PRIVATE"] = "true";
    env["WEBHOOK_RETRY_BASE_MS"] = "200";
    Server s(env);
    auto admin = make_user(s, "root@example.com", true);
    auto alice = make_user(s, "alice@example.com");
    auto bob = make_user(s, "bob@example.com");
    const std::string org = make_org(s, admin, "ops")["id"];
    Receiver receiver;
    auto hook = ok_json(call(s, "POST", k_orgs + "/" + org + "/webhooks", admin.token,
                             {{"url", receiver.url()}, {"event_types", {"member.*"}}}),
                        201);
    receiver.set_secret(hook["secret"]);

    auto rule = ok_json(call(s, "POST", k_alerts + "/rules", admin.token,
                             {{"name", "Brute force on one account"},
                              {"action", "user.signin"},
                              {"outcome", "failure"},
                              {"threshold", 3},
                              {"window_seconds", 300},
                              {"group_by", "target"},
                              {"cooldown_seconds", 3600},
                              {"severity", "critical"},
                              {"channels",
                               {{{"type", "email"}, {"addresses", {"ops@example.com", "oncall@example.com"}}},
                                {{"type", "webhook"}, {"webhook_id", hook["id"]}}}}}),
                        201);
    CHECK(rule["organization_id"].is_null());
    CHECK(rule["channels"].size() == 2);

    // Two failures on each account: below the threshold for both groups.
    for (int i = 0; i < 2; ++i) {
        fail_signin(s, "alice@example.com");
        fail_signin(s, "bob@example.com");
    }
    wait_evaluated(s);
    CHECK(ok_json(call(s, "GET", k_alerts, admin.token))["data"].empty());

    fail_signin(s, "alice@example.com");  // alice's third
    auto page = wait_alerts(s, k_alerts, admin.token, 1);
    const auto alert = page["data"][0];
    CHECK(alert["rule_id"] == rule["id"]);
    CHECK(alert["group_key"] == alice.id);
    CHECK(alert["event_count"] == 3);
    CHECK(alert["state"] == "open");
    CHECK(alert["severity"] == "critical");
    REQUIRE(alert["audit_event_id"].is_string());

    // Email to both addresses, and one signed webhook delivery of the alert.fired entry.
    const auto mail_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (alert_mails(mail).size() < 2 && std::chrono::steady_clock::now() < mail_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    INFO(mail.listing());
    const auto mails = alert_mails(mail);
    REQUIRE(mails.size() == 2);
    for (const auto& m : mails) {
        CHECK(m.find("Subject: [Janua alert] Brute force on one account") != std::string::npos);
        CHECK(m.find(alert["id"].get<std::string>()) != std::string::npos);
    }
    CHECK(((mails[0].find("To: ops@example.com") != std::string::npos) !=
           (mails[1].find("To: ops@example.com") != std::string::npos)));
    REQUIRE(receiver.wait_until([&] { return receiver.verified_event_ids().count(alert["audit_event_id"]) == 1; },
                                std::chrono::seconds(20)));
    CHECK(receiver.bad_signatures() == 0);
    const auto delivered = json::parse(receiver.received()[0].body);
    CHECK(delivered["type"] == "alert.fired");
    CHECK(delivered["data"]["rule_id"] == rule["id"]);
    CHECK(delivered["data"]["event_count"] == 3);
    CHECK(delivered["data"]["group_key"] == alice.id);

    // More failures on alice inside the cooldown, and bob's third: only bob's alert is new.
    fail_signin(s, "alice@example.com");
    fail_signin(s, "alice@example.com");
    fail_signin(s, "alice@example.com");
    fail_signin(s, "bob@example.com");
    page = wait_alerts(s, k_alerts, admin.token, 2);
    wait_evaluated(s);
    page = ok_json(call(s, "GET", k_alerts, admin.token));
    REQUIRE(page["data"].size() == 2);
    CHECK(page["data"][0]["group_key"] == bob.id);

    // Acknowledge: who, when, note; a second acknowledgement conflicts.
    const std::string id = alert["id"];
    auto acked = ok_json(call(s, "POST", k_alerts + "/" + id + "/acknowledge", admin.token, {{"note", "alice forgot her password"}}));
    CHECK(acked["state"] == "acknowledged");
    CHECK(acked["acknowledgement"]["by"] == "user:" + admin.id);
    CHECK(acked["acknowledgement"]["note"] == "alice forgot her password");
    CHECK(acked["acknowledgement"]["at"].is_string());
    auto again = call(s, "POST", k_alerts + "/" + id + "/acknowledge", admin.token, json::object());
    CHECK(again.status == 409);
    CHECK(error_code(again) == "CONFLICT_ERROR");
    CHECK(ok_json(call(s, "GET", k_alerts + "?state=open", admin.token))["data"].size() == 1);
    CHECK(ok_json(call(s, "GET", k_alerts + "?limit=1", admin.token))["next_cursor"].is_string());

    auto stats = ok_json(call(s, "GET", k_alerts + "/stats", admin.token));
    CHECK(stats["total"] == 2);
    CHECK(stats["by_state"]["open"] == 1);
    CHECK(stats["by_state"]["acknowledged"] == 1);
    REQUIRE(stats["by_rule"].size() == 1);
    CHECK(stats["by_rule"][0]["rule_id"] == rule["id"]);
    CHECK(stats["by_rule"][0]["total"] == 2);
    auto future = ok_json(call(s, "GET", k_alerts + "/stats?since=2099-01-01T00:00:00Z&until=2099-02-01T00:00:00Z", admin.token));
    CHECK(future["total"] == 0);
    CHECK(call(s, "GET", k_alerts + "/stats?since=yesterday", admin.token).status == 422);

    // Every change and acknowledgement is in the audit log, as are the firings.
    CHECK(audit_entries(s, admin.token, "alert.rule_created").size() == 1);
    CHECK(audit_entries(s, admin.token, "alert.acknowledged").size() == 1);
    CHECK(audit_entries(s, admin.token, "alert.fired").size() == 2);
    auto patched = ok_json(call(s, "PATCH", k_alerts + "/rules/" + rule["id"].get<std::string>(), admin.token, {{"enabled", false}}));
    CHECK(patched["enabled"] == false);
    auto updates = audit_entries(s, admin.token, "alert.rule_updated");
    REQUIRE(updates.size() == 1);
    CHECK(updates[0]["details"]["fields"] == json::array({"enabled"}));
    CHECK(call(s, "DELETE", k_alerts + "/rules/" + rule["id"].get<std::string>(), admin.token).status == 204);
    CHECK(audit_entries(s, admin.token, "alert.rule_deleted").size() == 1);
    CHECK(call(s, "GET", k_alerts + "/rules/" + rule["id"].get<std::string>(), admin.token).status == 404);
}

TEST_CASE("alert rules refuse invalid input with the error envelope and change nothing", "[alerts]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    auto owner_b = make_user(s, "owner-b@example.com");
    const std::string b = make_org(s, owner_b, "org-b")["id"];
    auto hook_b = ok_json(call(s, "POST", k_orgs + "/" + b + "/webhooks", owner_b.token,
                               {{"url", "https://hooks.example.com/b"}, {"event_types", {"*"}}}),
                          201);
    const json valid = {{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}};
    const std::vector<std::pair<json, std::string>> cases = {
        {json::object(), "name"},
        {{{"name", "r\r\nBcc: x@example.com"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}}, "name"},
        {{{"name", "r"}, {"threshold", 1}, {"window_seconds", 60}}, "action"},
        {{{"name", "r"}, {"action", "user.signin"}, {"window_seconds", 60}}, "threshold"},
        {{{"name", "r"}, {"action", "user signin"}, {"threshold", 1}, {"window_seconds", 60}}, "action"},
        {{{"name", "r"}, {"action", "alert.fired"}, {"threshold", 1}, {"window_seconds", 60}}, "action"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 0}, {"window_seconds", 60}}, "threshold"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", "60"}}, "window_seconds"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}, {"group_by", "country"}}, "group_by"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}, {"outcome", "maybe"}}, "outcome"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}, {"colour", "red"}}, "colour"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60}, {"details_match", {1, 2}}}, "details_match"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60},
          {"channels", {{{"type", "sms"}}}}}, "channels[0].type"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60},
          {"channels", {{{"type", "email"}, {"addresses", {"not an address"}}}}}}, "channels[0].addresses"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60},
          {"channels", {{{"type", "email"}, {"addresses", {"a@example.com\r\nBcc: x@example.com"}}}}}}, "channels[0].addresses"},
        {{{"name", "r"}, {"action", "user.signin"}, {"threshold", 1}, {"window_seconds", 60},
          {"channels", {{{"type", "webhook"}, {"webhook_id", "00000000-0000-4000-8000-000000000001"}}}}}, "channels[0].webhook_id"},
    };
    for (const auto& [body, field] : cases) {
        INFO(body.dump());
        auto r = call(s, "POST", k_alerts + "/rules", admin.token, body);
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
        CHECK(error_of(r)["details"][0]["field"] == field);
    }
    // Not JSON at all.
    auto raw = http("POST", s.base(), k_alerts + "/rules", "{not json", bearer(admin.token));
    CHECK(raw.status == 400);
    CHECK(error_code(raw) == "BAD_REQUEST");
    // An organization's rule may only name its own webhooks.
    auto owner_a = make_user(s, "owner-a@example.com");
    const std::string a = make_org(s, owner_a, "org-a")["id"];
    auto foreign = call(s, "POST", org_alerts(a) + "/rules", owner_a.token,
                        {{"name", "r"}, {"action", "org.*"}, {"threshold", 1}, {"window_seconds", 60},
                         {"channels", {{{"type", "webhook"}, {"webhook_id", hook_b["id"]}}}}});
    CHECK(foreign.status == 422);
    // Its email channels reach only its members' verified addresses (the platform's sender must
    // not mail strangers for a self-service organization).
    // (owner_a's own address is not verified yet.)
    for (const std::string& address : {std::string("someone@elsewhere.example"), owner_b.email, owner_a.email}) {
        INFO(address);
        auto stranger = call(s, "POST", org_alerts(a) + "/rules", owner_a.token,
                             {{"name", "r"}, {"action", "org.*"}, {"threshold", 1}, {"window_seconds", 60},
                              {"channels", {{{"type", "email"}, {"addresses", {address}}}}}});
        CHECK(stranger.status == 422);
        CHECK(error_of(stranger)["details"][0]["field"] == "channels[0].addresses");
    }
    CHECK(count_rows(s, "SELECT count(*) FROM alert_rules") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action LIKE 'alert.%'") == 0);

    // A bad PATCH leaves the rule as it was.
    auto rule = ok_json(call(s, "POST", k_alerts + "/rules", admin.token, valid), 201);
    const std::string path = k_alerts + "/rules/" + rule["id"].get<std::string>();
    CHECK(call(s, "PATCH", path, admin.token, {{"threshold", -1}}).status == 422);
    CHECK(call(s, "PATCH", path, admin.token, {{"name", "renamed"}, {"severity", "panic"}}).status == 422);
    CHECK(ok_json(call(s, "GET", path, admin.token)) == rule);
    CHECK(call(s, "GET", k_alerts + "/rules/not-a-uuid", admin.token).status == 404);
    CHECK(call(s, "POST", k_alerts + "/00000000-0000-4000-8000-000000000001/acknowledge", admin.token, json::object()).status == 404);
    CHECK(call(s, "GET", k_alerts + "?state=closed", admin.token).status == 422);
    CHECK(call(s, "GET", k_alerts + "?limit=500", admin.token).status == 422);

    cli_json({"user", "update", owner_a.email, "--email-verified", "true", "--database-url", s.db.url(), "--output", "json"});
    ok_json(call(s, "POST", org_alerts(a) + "/rules", owner_a.token,
                 {{"name", "to the owner"}, {"action", "org.*"}, {"threshold", 1}, {"window_seconds", 60},
                  {"channels", {{{"type", "email"}, {"addresses", {owner_a.email}}}}}}),
            201);

    // Templates are rules the API takes as they are.
    auto templates = ok_json(call(s, "GET", k_alerts + "/templates", admin.token))["data"];
    REQUIRE(templates.size() >= 4);
    for (const auto& t : templates) {
        INFO(t.dump());
        const std::string base = t["scope"] == "platform" ? k_alerts : org_alerts(a);
        const std::string token = t["scope"] == "platform" ? admin.token : owner_a.token;
        ok_json(call(s, "POST", base + "/rules", token, t["rule"]), 201);
    }
}

TEST_CASE("alerts are per organization: rules see their organization's entries, other tenants see nothing",
          "[alerts]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    auto owner_a = make_user(s, "owner-a@example.com");
    auto member_a = make_user(s, "member-a@example.com");
    auto admin_a = make_user(s, "admin-a@example.com");
    auto owner_b = make_user(s, "owner-b@example.com");
    const std::string a = make_org(s, owner_a, "org-a")["id"];
    const std::string b = make_org(s, owner_b, "org-b")["id"];
    add_member(s, a, owner_a.token, member_a, "member");
    add_member(s, a, owner_a.token, admin_a, "admin");

    // The built-in admin role may manage alerts; a plain member may not even read them.
    auto rule_a = ok_json(call(s, "POST", org_alerts(a) + "/rules", admin_a.token,
                               {{"name", "new webhooks"}, {"action", "webhook.*"}, {"threshold", 1}, {"window_seconds", 60}}),
                          201);
    CHECK(rule_a["organization_id"] == a);
    CHECK(call(s, "GET", org_alerts(a) + "/rules", member_a.token).status == 403);
    CHECK(call(s, "GET", org_alerts(b) + "/rules", owner_a.token).status == 404);
    CHECK(call(s, "GET", k_alerts + "/rules", owner_a.token).status == 403);
    CHECK(call(s, "GET", k_alerts + "/rules", "").status == 401);
    // Platform and organization rules live apart.
    CHECK(ok_json(call(s, "GET", k_alerts + "/rules", admin.token))["data"].empty());
    CHECK(ok_json(call(s, "GET", org_alerts(a) + "/rules", admin.token))["data"].size() == 1);
    CHECK(call(s, "GET", k_alerts + "/rules/" + rule_a["id"].get<std::string>(), admin.token).status == 404);

    // B's entries do not fire A's rule; A's do.
    ok_json(call(s, "POST", k_orgs + "/" + b + "/webhooks", owner_b.token,
                 {{"url", "https://hooks.example.com/b"}, {"event_types", {"member.*"}}}),
            201);
    wait_evaluated(s);
    CHECK(ok_json(call(s, "GET", org_alerts(a), owner_a.token))["data"].empty());
    ok_json(call(s, "POST", k_orgs + "/" + a + "/webhooks", owner_a.token,
                 {{"url", "https://hooks.example.com/a"}, {"event_types", {"member.*"}}}),
            201);
    auto fired = wait_alerts(s, org_alerts(a), owner_a.token, 1)["data"][0];
    CHECK(fired["organization_id"] == a);
    const std::string alert_path = org_alerts(a) + "/" + fired["id"].get<std::string>();

    // B's owner cannot see, acknowledge or count A's alert, by either route.
    CHECK(call(s, "GET", org_alerts(b), owner_b.token).status == 200);
    CHECK(ok_json(call(s, "GET", org_alerts(b), owner_b.token))["data"].empty());
    CHECK(call(s, "GET", org_alerts(b) + "/" + fired["id"].get<std::string>(), owner_b.token).status == 404);
    CHECK(call(s, "POST", org_alerts(b) + "/" + fired["id"].get<std::string>() + "/acknowledge", owner_b.token, json::object()).status == 404);
    CHECK(call(s, "POST", alert_path + "/acknowledge", owner_b.token, json::object()).status == 404);
    CHECK(ok_json(call(s, "GET", org_alerts(b) + "/stats", owner_b.token))["total"] == 0);
    CHECK(call(s, "POST", alert_path + "/acknowledge", member_a.token, json::object()).status == 403);
    CHECK(ok_json(call(s, "GET", alert_path, owner_a.token))["state"] == "open");
    // The organization's audit log shows the firing and the acknowledgement to its admins.
    ok_json(call(s, "POST", alert_path + "/acknowledge", admin_a.token, json::object()));
    auto org_log = ok_json(call(s, "GET", k_orgs + "/" + a + "/audit-logs?action=alert.*&order=asc", admin_a.token))["data"];
    std::vector<std::string> actions;
    for (const auto& e : org_log) actions.push_back(e["action"]);
    CHECK(actions == std::vector<std::string>{"alert.rule_created", "alert.fired", "alert.acknowledged"});
    CHECK(ok_json(call(s, "GET", k_orgs + "/" + b + "/audit-logs?action=alert.*", owner_b.token))["data"].empty());
}

TEST_CASE("evaluation survives restarts: entries written while no daemon runs fire once, never twice", "[alerts]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    const std::string org = create_organization(s.db.url(), "acme");
    auto rule = ok_json(call(s, "POST", k_alerts + "/rules", admin.token,
                             {{"name", "exports"}, {"action", "data.exported"}, {"threshold", 2}, {"window_seconds", 3600},
                              {"group_by", "actor"}}),
                        201);
    wait_evaluated(s);
    s.daemon.reset();  // SIGTERM, waits for the exit

    auto pool = pool_on(s.db.url(), 1);
    write_events(*pool, 1, org, "data.exported");                     // actor-0
    pool->transact([&](janua::db::Transaction& tx) {                   // actor-0 again, and actor-1 once
        janua::audit::record(tx, event("data.exported", org, "actor-0"));
        janua::audit::record(tx, event("data.exported", org, "actor-1"));
    });

    for (int run = 0; run < 2; ++run) {
        s.daemon = start_daemon(s.db.url());
        const std::string token = signin(s.base(), admin.email)["access_token"];  // a new port is a new issuer
        auto page = wait_alerts(s, k_alerts, token, 1);
        wait_evaluated(s);
        page = ok_json(call(s, "GET", k_alerts, token));
        REQUIRE(page["data"].size() == 1);
        CHECK(page["data"][0]["group_key"] == "actor-0");
        CHECK(page["data"][0]["event_count"] == 2);
        s.daemon.reset();
    }
    CHECK(count_rows(s, "SELECT count(*) FROM alert_instances") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'alert.fired'") == 1);
    s.daemon = start_daemon(s.db.url());
}
