#pragma once
// An alert rule and its notification channels, as stored and as the API shows them, and the
// parsing and checking of the JSON that creates or changes one (no database here).

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::alerts {

// Where a fired alert is sent: email to a few addresses, or one of the organization's webhook
// endpoints (signed and retried by core/webhooks exactly as its other deliveries).
struct Channel {
    std::string type;  // email | webhook
    std::vector<std::string> addresses;
    std::string webhook_id;
};

struct Rule {
    std::string id;
    std::optional<std::string> organization_id;  // nullopt: a platform rule over every entry
    std::string name;
    std::optional<std::string> description;
    std::string action;                  // exact, "<prefix>.*" or "*"
    std::optional<std::string> outcome;  // success | failure
    nlohmann::json details_match;        // null, or an object the entry's details must contain
    int threshold = 0;
    int window_seconds = 0;
    std::string group_by = "none";  // none | actor | ip | target
    int cooldown_seconds = 0;
    std::string severity = "warning";  // info | warning | critical
    bool enabled = true;
    std::vector<Channel> channels;
    std::string created_at;
    std::string updated_at;
};

inline constexpr int k_max_channels = 10;
inline constexpr int k_max_addresses = 10;

nlohmann::json to_json(const Rule& rule);
nlohmann::json channels_to_json(const std::vector<Channel>& channels);
std::vector<Channel> channels_from_json(const nlohmann::json& stored);

// Apply the members of a create or update body to `rule`: each present member is checked
// (type, range, format) and an unknown member is refused. Names the field on error.
Status apply(const nlohmann::json& body, Rule& rule);

// Check that a rule is complete (name, action, threshold, window): after apply() on create.
Status check_complete(const Rule& rule);

// The group an audit entry falls in for `group_by`: the actor, IP or target ("" when absent).
std::string group_key(const std::string& group_by, const std::optional<std::string>& actor_id,
                      const std::optional<std::string>& ip, const std::optional<std::string>& target_id);

// Built-in rules an operator can start from (GET /api/v1/alerts/templates).
nlohmann::json templates();

}  // namespace janua::alerts
