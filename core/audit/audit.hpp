#pragma once
// Security-relevant events, written in the same transaction as the change they describe.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

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

void record(db::Transaction& tx, const Event& event);

}  // namespace janua::audit
