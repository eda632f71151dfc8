#pragma once
// The billing webhook's input: a signature like the one Janua puts on its own outgoing webhooks,
//   Janua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// (several v1 values are accepted, for secret rotation on the sender's side), and one JSON event
// about a subscription (docs/api.md "Billing webhook"). Any provider, or a small adapter in front
// of one, can send it.

#include "core/common/result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace janua::billing {

// Check the header against the raw body: well-formed, `t` within `tolerance_seconds` of `now`, a
// v1 MAC that matches (compared in constant time). An authentication error otherwise, saying which.
Status verify_signature(const std::string& header, const std::string& body, const std::string& secret,
                        std::int64_t now, int tolerance_seconds);

struct BillingEvent {
    std::string id;    // the provider's event id: applied at most once
    std::string type;  // subscription.created | subscription.updated | subscription.canceled
    std::optional<std::int64_t> created;  // when the provider made it (unix seconds); orders events
    std::string organization_id;
    std::optional<std::string> plan_id;   // required except for subscription.canceled
    std::string status;                   // active | trialing | past_due | canceled
    std::optional<std::string> current_period_end;  // RFC 3339
    std::string provider = "webhook";
    std::optional<std::string> external_id;
};

// Parse and validate an event body; a validation error naming the field otherwise.
Result<BillingEvent> parse_event(const std::string& body);

}  // namespace janua::billing
