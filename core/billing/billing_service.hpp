#pragma once
// Billing plans and subscriptions (the API's /api/v1/billing and an organization's subscription).
// Platform admins define plans and may set an organization's plan by hand; a payment provider's
// signed webhook keeps subscriptions current (webhook_event.hpp). The limits themselves are
// enforced by the organization services through limits.hpp. Every change is audited in its own
// transaction.

#include "core/billing/limits.hpp"
#include "core/billing/plan.hpp"
#include "core/billing/webhook_event.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/user_admin.hpp"

#include <vector>

namespace janua::billing {

struct BillingSettings {
    std::string webhook_secret;  // BILLING_WEBHOOK_SECRET(_FILE); empty: the webhook is off
    int tolerance_seconds = 300;  // BILLING_WEBHOOK_TOLERANCE_SECONDS
};

struct WebhookOutcome {
    std::string event_id;
    std::string outcome;  // applied | duplicate | stale
};

class BillingService {
public:
    BillingService(db::Pool& pool, BillingSettings settings) : m_pool(pool), m_settings(std::move(settings)) {}

    std::vector<Plan> plans();
    Result<Plan> plan(const std::string& id);
    Result<Plan> create_plan(const PlanSpec& spec, const identity::Actor& actor);
    Result<Plan> update_plan(const std::string& id, const PlanSpec& spec, const identity::Actor& actor);
    // Conflict while a subscription uses the plan.
    Status delete_plan(const std::string& id, const identity::Actor& actor);

    // `org_ref` is an organization id or slug.
    Result<Subscription> subscription(const std::string& org_ref);
    Result<Subscription> set_subscription(const std::string& org_ref, const SubscriptionSpec& spec, const identity::Actor& actor);
    // Back to the default plan.
    Status remove_subscription(const std::string& org_ref, const identity::Actor& actor);

    bool webhook_enabled() const { return !m_settings.webhook_secret.empty(); }
    // A signed event from a payment provider; `now` is the current Unix time. Nothing changes on
    // any error, on a redelivered event (duplicate) or on one older than the last applied (stale).
    Result<WebhookOutcome> receive(const std::string& signature, const std::string& body, std::int64_t now,
                                   const identity::RequestMeta& meta);

private:
    db::Pool& m_pool;
    BillingSettings m_settings;
};

}  // namespace janua::billing
