#pragma once
// Plans and subscriptions as the API shows them, and the request bodies that change them.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::billing {

struct Plan {
    std::string id;  // chosen by the operator: "free", "team", "enterprise"
    std::string name;
    std::string description;
    std::optional<int> max_members;  // none: unlimited
    bool sso_allowed = true;
    bool scim_allowed = true;
    bool is_default = false;  // the plan of organizations without a current subscription
    nlohmann::json metadata = nlohmann::json::object();  // free-form (price shown, provider price ids)
    std::string created_at;
    std::string updated_at;
};
nlohmann::json to_json(const Plan& plan);

// A create (every field given or defaulted) or a patch (only the members present change; a JSON
// null max_members means unlimited).
struct PlanSpec {
    std::optional<std::string> id;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::optional<int>> max_members;
    std::optional<bool> sso_allowed;
    std::optional<bool> scim_allowed;
    std::optional<bool> is_default;
    std::optional<nlohmann::json> metadata;
};
Result<PlanSpec> plan_spec_from_json(const nlohmann::json& body, bool creating);

inline bool valid_status(const std::string& s) {
    return s == "active" || s == "trialing" || s == "past_due" || s == "canceled";
}

// What a platform admin sets (PUT /api/v1/billing/subscriptions/{organization_id}).
struct SubscriptionSpec {
    std::string plan_id;
    std::string status = "active";
    std::optional<std::string> current_period_end;  // RFC 3339
};
Result<SubscriptionSpec> subscription_spec_from_json(const nlohmann::json& body);

struct Subscription {
    std::string organization_id;
    // "subscription": the organization's own; "default": none current, the default plan applies;
    // "none": no limits at all.
    std::string source;
    std::optional<Plan> plan;
    std::optional<std::string> status;  // active | trialing | past_due | canceled; none without a subscription
    std::optional<std::string> subscribed_plan_id;  // the subscription's plan, even when canceled
    std::optional<std::string> current_period_end;
    std::string provider;  // "manual" or the webhook's provider name; empty without a subscription
    int members = 0;
    std::string updated_at;
};
nlohmann::json to_json(const Subscription& subscription);

}  // namespace janua::billing
