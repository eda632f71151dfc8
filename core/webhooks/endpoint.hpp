#pragma once
// Webhook endpoints and delivery records, and the validation of what operators send.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::webhooks {

struct Endpoint {
    std::string id;
    std::string organization_id;
    std::string url;
    std::optional<std::string> description;
    std::vector<std::string> event_types;
    bool enabled = true;
    bool failing = false;
    std::string failing_since;
    std::string last_success_at;
    std::string last_failure_at;
    std::string created_at;
    std::string updated_at;
};

// What create and update accept. Absent members stay as they are on update.
struct EndpointSpec {
    std::optional<std::string> url;
    std::optional<std::optional<std::string>> description;
    std::optional<std::vector<std::string>> event_types;
    std::optional<bool> enabled;
};

struct Delivery {
    std::string id;
    std::string endpoint_id;
    std::string event_id;
    std::string event_type;
    std::optional<std::string> job_id;
    int attempt = 0;
    std::string outcome;  // succeeded | failed
    std::optional<int> http_status;
    long long latency_ms = 0;
    std::optional<std::string> response_excerpt;
    std::optional<std::string> error;
    std::string created_at;
};

// Parse a JSON body (url, event_types, description, enabled); unknown members are refused.
Result<EndpointSpec> spec_from_json(const nlohmann::json& body);

// Check event type patterns: "*", an action ("user.signin") or a prefix ("user.*").
Status validate_event_types(const std::vector<std::string>& types);

nlohmann::json to_json(const Endpoint& endpoint);
nlohmann::json to_json(const Delivery& delivery);

}  // namespace janua::webhooks
