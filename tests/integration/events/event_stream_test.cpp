// GET /api/v1/events end to end: a real januad, a client reading the stream off the socket as it
// arrives, audit entries produced through the API (and in-process for organizations' entries),
// filters, resumption with Last-Event-ID, who may listen, overflow, the connection cap,
// heartbeats and shutdown.
#include "tests/integration/audit/audit_support.hpp"
#include "tests/integration/events/sse_client.hpp"
#include "tests/integration/orgs/org_support.hpp"

#include <signal.h>

using namespace janua::test;
using namespace janua::test::orgs;
using namespace janua::test::audit_support;
using janua::test::sse::Client;

namespace {

std::map<std::string, std::string> auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// The audit events among a stream's events, as JSON.
std::vector<json> audit_of(Client& c) {
    std::vector<json> out;
    for (const auto& e : c.events())
        if (e.type == "audit") out.push_back(json::parse(e.data));
    return out;
}

bool has_event(Client& c, const std::string& type) {
    for (const auto& e : c.events())
        if (e.type == type) return true;
    return false;
}

void fail_signin(const Server& s, const std::string& email) {
    auto r = signin_response(s.base(), email, "Wrong-Password-99");
    REQUIRE((r.status == 401 || r.status == 423));
}

}  // namespace

TEST_CASE("the event stream delivers new audit entries in order, filtered, as the audit-logs API shows them",
          "[events]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    auto alice = make_user(s, "alice@example.com");

    // A client that accepts compression still gets each event as it happens (no gzip buffering).
    auto headers = auth(admin.token);
    headers["Accept-Encoding"] = "gzip, deflate, br";
    Client stream(s.daemon->port(), "/api/v1/events?action=user.signin&outcome=failure", headers);
    REQUIRE(stream.status() == 200);
    CHECK(stream.header("Content-Type").rfind("text/event-stream", 0) == 0);
    CHECK(stream.header("Content-Encoding").empty());
    CHECK(stream.header("Cache-Control") == "no-store");
    REQUIRE(stream.wait_until([&] { return has_event(stream, "ready"); }));

    fail_signin(s, "alice@example.com");
    signin(s.base(), "alice@example.com");  // a success: filtered out
    fail_signin(s, "nobody@example.com");
    fail_signin(s, "alice@example.com");
    REQUIRE(stream.wait_until([&] { return audit_of(stream).size() >= 3; }));

    // What the stream sent is exactly what the audit API lists for the same filter.
    auto listed = body_of(get(s.base(), "/api/v1/audit-logs?action=user.signin&outcome=failure&order=asc", admin.token))["data"];
    const auto streamed = audit_of(stream);
    REQUIRE(listed.size() == 3);
    REQUIRE(streamed.size() == 3);
    long long previous = 0;
    std::size_t i = 0;
    for (const auto& e : stream.events()) {
        if (e.type != "audit") continue;
        CHECK(json::parse(e.data) == listed[i]);
        CHECK(e.id == std::to_string(listed[i]["seq"].get<long long>()));
        CHECK(listed[i]["seq"].get<long long>() > previous);
        previous = listed[i]["seq"];
        ++i;
    }
    CHECK(streamed[0]["target_id"] == alice.id);
    CHECK(streamed[1]["actor_type"] == "anonymous");
    CHECK_FALSE(stream.ended());
}

TEST_CASE("a stream resumes from Last-Event-ID with the entries it missed, then continues live", "[events]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    make_user(s, "alice@example.com");
    for (int i = 0; i < 3; ++i) fail_signin(s, "alice@example.com");
    auto listed = body_of(get(s.base(), "/api/v1/audit-logs?action=user.signin&outcome=failure&order=asc", admin.token))["data"];
    REQUIRE(listed.size() == 3);
    const std::string first = std::to_string(listed[0]["seq"].get<long long>());

    for (const bool by_header : {true, false}) {
        INFO((by_header ? "Last-Event-ID header" : "?last_event_id="));
        auto headers = auth(admin.token);
        std::string path = "/api/v1/events?action=user.signin&outcome=failure";
        if (by_header) headers["Last-Event-ID"] = first;
        else path += "&last_event_id=" + first;
        Client stream(s.daemon->port(), path, headers);
        REQUIRE(stream.status() == 200);
        // The entries after the first come from the database...
        const std::size_t known = listed.size();
        REQUIRE(stream.wait_until([&] { return audit_of(stream).size() >= known - 1; }));
        auto replayed = audit_of(stream);
        for (std::size_t i = 0; i + 1 < known; ++i) CHECK(replayed[i] == listed[i + 1]);
        CHECK(stream.events().front().type == "ready");
        CHECK(stream.events().front().id == first);
        // ...and the stream goes on live without a gap or a repeat.
        fail_signin(s, "alice@example.com");
        REQUIRE(stream.wait_until([&] { return audit_of(stream).size() >= known; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        auto all = audit_of(stream);
        REQUIRE(all.size() == known);
        CHECK(all.back()["seq"].get<long long>() > listed.back()["seq"].get<long long>());
        listed.push_back(all.back());
    }

    SECTION("a malformed Last-Event-ID is a validation error") {
        auto r = http("GET", s.base(), "/api/v1/events", {}, {{"Authorization", "Bearer " + admin.token}, {"Last-Event-ID", "12x"}});
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
        auto bad_filter = get(s.base(), "/api/v1/events?outcome=maybe", admin.token);
        CHECK(bad_filter.status == 422);
        CHECK(error_of(bad_filter)["message"].get<std::string>().find("outcome") != std::string::npos);
    }
}

TEST_CASE("who may listen: platform admins, and organization admins to their own organization only", "[events]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    auto owner_a = make_user(s, "owner-a@example.com");
    auto member_a = make_user(s, "member-a@example.com");
    auto owner_b = make_user(s, "owner-b@example.com");
    const std::string a = make_org(s, owner_a, "org-a")["id"];
    const std::string b = make_org(s, owner_b, "org-b")["id"];
    add_member(s, a, owner_a.token, member_a, "member");

    CHECK(get(s.base(), "/api/v1/events").status == 401);
    CHECK(get(s.base(), "/api/v1/events", "not-a-token").status == 401);
    CHECK(get(s.base(), "/api/v1/events", owner_a.token).status == 403);
    CHECK(get(s.base(), "/api/v1/organizations/" + b + "/events", owner_a.token).status == 404);
    CHECK(get(s.base(), "/api/v1/organizations/" + a + "/events", member_a.token).status == 403);

    Client scoped(s.daemon->port(), "/api/v1/organizations/" + a + "/events", auth(owner_a.token));
    REQUIRE(scoped.status() == 200);
    // Asking for B's entries through A's stream still yields only A's.
    Client sneaky(s.daemon->port(), "/api/v1/organizations/" + a + "/events?organization_id=" + b, auth(owner_a.token));
    REQUIRE(sneaky.status() == 200);
    Client everything(s.daemon->port(), "/api/v1/events", auth(admin.token));
    REQUIRE(everything.status() == 200);
    REQUIRE(scoped.wait_until([&] { return has_event(scoped, "ready") && has_event(sneaky, "ready") && has_event(everything, "ready"); }));

    auto pool = pool_on(s.db.url(), 1);
    write_events(*pool, 1, b, "webhook.created");
    write_events(*pool, 2, a, "webhook.created");
    REQUIRE(everything.wait_until([&] { return audit_of(everything).size() >= 3; }));
    REQUIRE(scoped.wait_until([&] { return audit_of(scoped).size() >= 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (auto* c : {&scoped, &sneaky}) {
        CHECK(audit_of(*c).size() == 2);
        for (const auto& e : audit_of(*c)) CHECK(e["organization_id"] == a);
    }
}

TEST_CASE("stream slots are shared: per principal, per organization, and one kept for platform streams", "[events]") {
    Server s(Env{{"EVENT_STREAM_MAX_CONNECTIONS", "3"}});
    auto admin = make_user(s, "root@example.com", true);
    std::vector<std::string> orgs;
    std::vector<decltype(admin)> owners;
    for (const std::string name : {"a", "b", "c"}) {
        owners.push_back(make_user(s, "owner-" + name + "@example.com"));
        orgs.push_back(make_org(s, owners.back(), "org-" + name)["id"]);
    }
    const auto path = [&](int i) { return "/api/v1/organizations/" + orgs[i] + "/events"; };
    const auto refused_because = [&](const HttpResponse& r) {
        CHECK(r.status == 503);
        CHECK_FALSE(r.header("Retry-After").empty());
        return error_of(r)["message"].get<std::string>();
    };

    Client a(s.daemon->port(), path(0), auth(owners[0].token));
    REQUIRE(a.status() == 200);
    // 3 slots: a principal holds at most one of them.
    CHECK(refused_because(get(s.base(), path(0), owners[0].token)).find("you already have 1 event stream") != std::string::npos);
    Client b(s.daemon->port(), path(1), auth(owners[1].token));
    REQUIRE(b.status() == 200);
    // Organizations together leave the last slot to platform-wide streams.
    CHECK(refused_because(get(s.base(), path(2), owners[2].token)).find("kept for platform administrators") != std::string::npos);
    Client everything(s.daemon->port(), "/api/v1/events", auth(admin.token));
    REQUIRE(everything.status() == 200);
    CHECK(refused_because(get(s.base(), path(2), owners[2].token)).find("EVENT_STREAM_MAX_CONNECTIONS") != std::string::npos);
}

TEST_CASE("a stream ends within a heartbeat when its reader loses access", "[events]") {
    Server s(Env{{"EVENT_STREAM_HEARTBEAT_SECONDS", "1"}});
    auto admin = make_user(s, "root@example.com", true);
    auto owner = make_user(s, "owner@example.com");
    auto helper = make_user(s, "helper@example.com");
    const std::string org = make_org(s, owner, "org")["id"];
    add_member(s, org, owner.token, helper, "admin");

    // Removed from the organization: the organization's stream stops.
    Client scoped(s.daemon->port(), k_orgs + "/" + org + "/events", auth(helper.token));
    REQUIRE(scoped.status() == 200);
    REQUIRE(scoped.wait_until([&] { return scoped.comments() >= 1; }, std::chrono::seconds(10)));
    CHECK_FALSE(has_event(scoped, "reauthenticate"));
    REQUIRE(call(s, "DELETE", k_orgs + "/" + org + "/members/" + helper.id, owner.token).status == 204);
    REQUIRE(scoped.wait_until([&] { return scoped.ended(); }, std::chrono::seconds(10)));
    CHECK(has_event(scoped, "reauthenticate"));

    // Signed out: the platform stream stops too.
    Client everything(s.daemon->port(), "/api/v1/events", auth(admin.token));
    REQUIRE(everything.status() == 200);
    REQUIRE(everything.wait_until([&] { return everything.comments() >= 1; }, std::chrono::seconds(10)));
    REQUIRE(http("POST", s.base(), "/api/v1/auth/signout", "{}", bearer(admin.token)).status == 204);
    REQUIRE(everything.wait_until([&] { return everything.ended(); }, std::chrono::seconds(10)));
    CHECK(has_event(everything, "reauthenticate"));
}

TEST_CASE("a client that falls behind gets an overflow event, and resumes without losing an entry", "[events]") {
    Server s(Env{{"EVENT_STREAM_QUEUE_SIZE", "2"}});
    auto admin = make_user(s, "root@example.com", true);
    Client stream(s.daemon->port(), "/api/v1/events?action=test.*", auth(admin.token));
    REQUIRE(stream.status() == 200);
    REQUIRE(stream.wait_until([&] { return has_event(stream, "ready"); }));

    // One transaction of five entries reaches the hub as one burst: more than the queue holds.
    auto pool = pool_on(s.db.url(), 1);
    std::vector<janua::audit::Event> burst;
    for (int i = 0; i < 5; ++i) burst.push_back(event("test.burst", std::nullopt, "actor-" + std::to_string(i)));
    pool->transact([&](janua::db::Transaction& tx) { janua::audit::append_all(tx, burst); });

    REQUIRE(stream.wait_until([&] { return stream.ended(); }));
    auto events = stream.events();
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().type == "overflow");
    const auto overflow = json::parse(events.back().data);
    CHECK(audit_of(stream).empty());

    Client resumed(s.daemon->port(), "/api/v1/events?action=test.*",
                   {{"Authorization", "Bearer " + admin.token}, {"Last-Event-ID", std::to_string(overflow["last_event_id"].get<long long>())}});
    REQUIRE(resumed.status() == 200);
    REQUIRE(resumed.wait_until([&] { return audit_of(resumed).size() >= 5; }));
    auto all = audit_of(resumed);
    for (int i = 0; i < 5; ++i) CHECK(all[i]["actor_id"] == "actor-" + std::to_string(i));
}

TEST_CASE("open streams are capped, idle streams carry heartbeats, and shutdown ends them", "[events]") {
    Server s(Env{{"EVENT_STREAM_MAX_CONNECTIONS", "1"}, {"EVENT_STREAM_HEARTBEAT_SECONDS", "1"}});
    auto admin = make_user(s, "root@example.com", true);
    {
        Client first(s.daemon->port(), "/api/v1/events", auth(admin.token));
        REQUIRE(first.status() == 200);
        REQUIRE(first.wait_until([&] { return first.comments() >= 2; }, std::chrono::seconds(10)));

        auto refused = get(s.base(), "/api/v1/events", admin.token);
        CHECK(refused.status == 503);
        CHECK(error_code(refused) == "SERVICE_UNAVAILABLE");
        CHECK_FALSE(refused.header("Retry-After").empty());
    }
    // The first client went away: its slot frees once the server notices (at the next heartbeat).
    std::unique_ptr<Client> second;
    const bool reopened = [&] {
        for (int i = 0; i < 50; ++i) {
            second = std::make_unique<Client>(s.daemon->port(), "/api/v1/events", auth(admin.token));
            if (second->status() == 200) return true;
            second.reset();
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }();
    REQUIRE(reopened);
    REQUIRE(second->wait_until([&] { return has_event(*second, "ready"); }));

    const auto start = std::chrono::steady_clock::now();
    s.daemon->signal(SIGTERM);
    REQUIRE(second->wait_until([&] { return second->ended(); }, std::chrono::seconds(10)));
    auto code = s.daemon->wait_exit(std::chrono::seconds(10));
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
}
