// The billing webhook's signature and event shape (core/billing/webhook_event), without a database.
#include "core/billing/webhook_event.hpp"
#include "core/webhooks/signature.hpp"

#include <catch2/catch.hpp>

using namespace janua::billing;

namespace {

const std::string k_secret = "billing-secret-0123456789";
const std::string k_body = R"({"id":"evt_1","type":"subscription.updated","created":1700000000,)"
                           R"("data":{"organization_id":"0b7c6e0e-8c6e-4b7a-9a53-1f2b3c4d5e6f","plan_id":"team",)"
                           R"("status":"past_due","current_period_end":1702592000,"provider":"stripe","external_id":"sub_9"}})";

}  // namespace

TEST_CASE("billing webhook signatures verify like Janua's outgoing ones", "[billing]") {
    const std::int64_t now = 1700000100;
    // The same header format Janua signs its own webhook deliveries with.
    const std::string header = janua::webhooks::signature_header(k_secret, now, k_body);
    CHECK(verify_signature(header, k_body, k_secret, now, 300));
    CHECK(verify_signature(header, k_body, k_secret, now + 300, 300));
    // A second v1 (the sender rotating its secret) is accepted when one matches.
    CHECK(verify_signature("t=" + std::to_string(now) + ",v1=00ff," + header.substr(header.find("v1=")), k_body, k_secret, now, 300));

    struct Case {
        std::string header, body, secret;
        std::int64_t now;
        std::string reason;
    };
    const std::vector<Case> refused = {
        {header, k_body + " ", k_secret, now, "invalid_signature"},         // body changed
        {header, k_body, k_secret + "x", now, "invalid_signature"},          // other secret
        {header, k_body, k_secret, now + 301, "stale_timestamp"},            // too old
        {header, k_body, k_secret, now - 301, "stale_timestamp"},            // from the future
        {"", k_body, k_secret, now, "invalid_signature"},                    // missing
        {"v1=" + header.substr(header.find("v1=") + 3), k_body, k_secret, now, "invalid_signature"},  // no t
        {"t=" + std::to_string(now), k_body, k_secret, now, "invalid_signature"},                        // no v1
        {"t=abc," + header.substr(header.find("v1=")), k_body, k_secret, now, "invalid_signature"},
        {header.substr(0, header.size() - 1), k_body, k_secret, now, "invalid_signature"},              // truncated MAC
    };
    for (const auto& c : refused) {
        INFO(c.header);
        auto result = verify_signature(c.header, c.body, c.secret, c.now, 300);
        REQUIRE_FALSE(result);
        CHECK(result.error().code == janua::ErrorCode::authentication);
        CHECK(result.error().details["reason"] == c.reason);
    }
}

TEST_CASE("billing events parse into subscription changes", "[billing]") {
    auto event = parse_event(k_body);
    REQUIRE(event);
    CHECK(event->id == "evt_1");
    CHECK(event->type == "subscription.updated");
    CHECK(event->created == 1700000000);
    CHECK(event->plan_id == "team");
    CHECK(event->status == "past_due");
    CHECK(event->current_period_end == "2023-12-14T22:13:20Z");
    CHECK(event->provider == "stripe");
    CHECK(event->external_id == "sub_9");

    auto canceled = parse_event(R"({"id":"e2","type":"subscription.canceled","data":{"organization_id":"0b7c6e0e-8c6e-4b7a-9a53-1f2b3c4d5e6f"}})");
    REQUIRE(canceled);
    CHECK(canceled->status == "canceled");
    CHECK_FALSE(canceled->plan_id);

    for (const char* bad : {"not json", "[]", R"({"type":"subscription.updated","data":{}})",
                            R"({"id":"e","type":"invoice.paid","data":{}})",
                            R"({"id":"e","type":"subscription.updated","data":{"organization_id":"x","plan_id":"p","status":"active"}})",
                            R"({"id":"e","type":"subscription.updated","data":{"organization_id":"0b7c6e0e-8c6e-4b7a-9a53-1f2b3c4d5e6f","status":"active"}})",
                            R"({"id":"e","type":"subscription.updated","data":{"organization_id":"0b7c6e0e-8c6e-4b7a-9a53-1f2b3c4d5e6f","plan_id":"p","status":"paused"}})",
                            R"({"id":"e","type":"subscription.created","created":"yesterday","data":{}})"}) {
        INFO(bad);
        CHECK_FALSE(parse_event(bad));
    }
}
