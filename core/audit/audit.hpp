#pragma once
// Security-relevant events, written in the same transaction as the change they describe.
// The rows form a hash chain sealed at commit (migrations/0004_audit_chain_webhooks.sql, see
// core/audit/chain.hpp), and an event of an organization is also the outbox of its webhooks:
// record() queues one delivery job per enabled endpoint subscribed to the action, in the same
// transaction, so a change, its audit entry and its webhooks commit or vanish together.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::audit {

struct Event {
    std::string action;                // e.g. "user.signin", "session.refresh_token_reused"
    std::string outcome = "success";   // success | failure
    std::string actor_type = "user";   // user | api_key | client | system | anonymous
    std::optional<std::string> actor_id;
    std::optional<std::string> organization_id;
    std::optional<std::string> target_type;
    std::optional<std::string> target_id;
    std::string ip_address;
    std::string user_agent;
    std::string request_id;
    nlohmann::json details = nlohmann::json::object();
};

// The job kind of a webhook delivery (core/webhooks registers its handler).
inline constexpr const char* k_webhook_job_kind = "webhook";
// Attempts per delivery before the endpoint is marked failing (with the default
// WEBHOOK_RETRY_BASE_MS of 10 s, about 3 to 6 hours of retries).
inline constexpr int k_webhook_max_attempts = 12;
// An action never fanned out to subscribers: a test delivery goes to one endpoint only.
inline constexpr const char* k_webhook_test_action = "webhook.test";

void record(db::Transaction& tx, const Event& event);

// The same, returning the new entry's id.
std::string append(db::Transaction& tx, const Event& event);

// Several events in one statement, chained in the order given (see GroupWriter).
void append_all(db::Transaction& tx, const std::vector<Event>& events);

// Replace every mention of `subject` (a user id, say) as actor or target with `replacement`
// and drop the other personal fields of those entries, through the one update path the
// append-only trigger allows; the chain still verifies. Returns the number of entries changed.
// For the compliance erasure flow; the caller records its own audit event.
long long pseudonymize(db::Transaction& tx, const std::string& subject, const std::string& replacement);

}  // namespace janua::audit
