#pragma once
// SQL for iot_devices (migrations/0027): an organization's device and the OAuth client it signs
// in as. The client itself lives in oauth_clients (core/oidc/client_repository.hpp), the one
// client store; this table only says which organization's device it is.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::iot::repo {

struct DeviceRow {
    std::string id;
    std::string organization_id;
    std::string name;
    std::string client_id;
    std::vector<std::string> scopes;             // the client's
    std::optional<int> access_token_ttl_seconds;  // the client's
    bool enabled = true;                          // the client's
    std::optional<std::string> created_by;
    std::string created_at;
};

void insert(db::Transaction& tx, const std::string& id, const std::string& organization_id, const std::string& client_pk,
            const std::string& name, const std::optional<std::string>& created_by);
std::optional<DeviceRow> find(db::Transaction& tx, const std::string& organization_id, const std::string& id);
// Oldest first, after the (created_at, id) position when given; at most `limit` rows.
std::vector<DeviceRow> list(db::Transaction& tx, const std::string& organization_id,
                            const std::optional<std::string>& after_time, const std::optional<std::string>& after_id,
                            int limit);
bool organization_exists(db::Transaction& tx, const std::string& organization_id);

}  // namespace janua::iot::repo
