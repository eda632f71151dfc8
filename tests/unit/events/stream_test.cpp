// The pieces of the event stream that need no database: SSE framing, Last-Event-ID, the filter
// test applied to live entries, and a subscriber's bounded queue.
#include "core/audit/log.hpp"
#include "core/events/hub.hpp"
#include "core/events/stream.hpp"

#include <catch2/catch.hpp>

using namespace janua;

namespace {

audit::LogEntry entry(long long seq, const std::string& action, const std::string& outcome = "success") {
    audit::LogEntry e;
    e.seq = seq;
    e.id = "id-" + std::to_string(seq);
    e.occurred_at = "2026-11-23T10:00:00Z";
    e.action = action;
    e.outcome = outcome;
    e.actor_id = "actor-1";
    e.organization_id = "00000000-0000-4000-8000-00000000000a";
    e.details = nlohmann::json::object();
    return e;
}

}  // namespace

TEST_CASE("SSE messages carry id, event and one data line", "[events]") {
    CHECK(events::sse_event("audit", R"({"a":1})", 42) == "id: 42\nevent: audit\ndata: {\"a\":1}\n\n");
    CHECK(events::sse_event("overflow", "{}", std::nullopt) == "event: overflow\ndata: {}\n\n");
}

TEST_CASE("Last-Event-ID must be a non-negative seq", "[events]") {
    CHECK(events::parse_last_event_id("0").value() == 0);
    CHECK(events::parse_last_event_id("123456").value() == 123456);
    for (const char* bad : {"", "-1", "12a", " 1", "1.5", "9999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(events::parse_last_event_id(bad));
    }
}

TEST_CASE("live entries pass the same filter as the audit-logs query", "[events]") {
    audit::LogFilter f;
    f.action = "user.*";
    f.outcome = "failure";
    CHECK(audit::matches(f, entry(1, "user.signin", "failure")));
    CHECK_FALSE(audit::matches(f, entry(2, "user.signin", "success")));
    CHECK_FALSE(audit::matches(f, entry(3, "users.signin", "failure")));
    CHECK_FALSE(audit::matches(f, entry(4, "user", "failure")));
    f = {};
    f.organization_id = "00000000-0000-4000-8000-00000000000b";
    CHECK_FALSE(audit::matches(f, entry(5, "org.updated")));
    f = {};
    f.since = "2026-11-23T10:00:01Z";
    CHECK_FALSE(audit::matches(f, entry(6, "org.updated")));
    f.since = "2026-11-23T09:59:59Z";
    f.until = "2026-11-23T10:00:00Z";  // exclusive
    CHECK_FALSE(audit::matches(f, entry(7, "org.updated")));
    CHECK(audit::action_matches("*", "anything"));
    CHECK(audit::action_matches("user.signin", "user.signin"));
    CHECK_FALSE(audit::action_matches("user.signin", "user.signin_mfa_required"));
}

TEST_CASE("a subscriber queues whole bursts or overflows, and keeps what it queued before", "[events]") {
    audit::LogFilter f;
    f.action = "user.*";
    events::Subscriber s(f, "user:u1", 3);
    std::vector<audit::LogEntry> got;
    CHECK(s.wait(got, std::chrono::milliseconds(1)) == events::Subscriber::Wake::timeout);

    s.offer({entry(1, "user.signin"), entry(2, "org.updated"), entry(3, "user.created")});
    CHECK(s.wait(got, std::chrono::milliseconds(1)) == events::Subscriber::Wake::events);
    REQUIRE(got.size() == 2);
    CHECK(got[0].seq == 1);
    CHECK(got[1].seq == 3);

    s.offer({entry(4, "user.a"), entry(5, "user.b")});
    s.offer({entry(6, "user.c"), entry(7, "user.d")});  // 2 + 2 > 3: refused whole, overflowed
    s.offer({entry(8, "user.e")});                      // nothing more after an overflow
    CHECK(s.wait(got, std::chrono::milliseconds(1)) == events::Subscriber::Wake::events);
    REQUIRE(got.size() == 2);
    CHECK(got[1].seq == 5);
    CHECK(s.wait(got, std::chrono::milliseconds(1)) == events::Subscriber::Wake::overflow);

    events::Subscriber closing(f, "user:u1", 3);
    closing.close();
    CHECK(closing.wait(got, std::chrono::seconds(5)) == events::Subscriber::Wake::closed);
}
