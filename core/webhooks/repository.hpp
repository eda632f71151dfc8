#pragma once
// SQL for webhook_endpoints and webhook_deliveries; functions run in the caller's transaction.

#include "core/db/pool.hpp"
#include "core/webhooks/endpoint.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::webhooks::repo {

// Lock the organization row (serializes creation against the per-organization limit); false
// when it does not exist.
bool lock_organization(db::Transaction& tx, const std::string& organization_id);
int count(db::Transaction& tx, const std::string& organization_id);

Endpoint insert(db::Transaction& tx, const std::string& organization_id, const std::string& url,
                const std::optional<std::string>& description, const std::vector<std::string>& event_types,
                bool enabled, const std::string& secret_encrypted, const std::optional<std::string>& created_by);
std::vector<Endpoint> list(db::Transaction& tx, const std::string& organization_id);
std::optional<Endpoint> find(db::Transaction& tx, const std::string& organization_id, const std::string& id);
std::optional<Endpoint> update(db::Transaction& tx, const Endpoint& endpoint);
std::optional<Endpoint> replace_secret(db::Transaction& tx, const std::string& organization_id, const std::string& id,
                                       const std::string& secret_encrypted);
bool remove(db::Transaction& tx, const std::string& organization_id, const std::string& id);

// The endpoint (any organization) with its encrypted secret, for delivery.
struct Target {
    Endpoint endpoint;
    std::string secret_encrypted;
};
std::optional<Target> find_target(db::Transaction& tx, const std::string& id);

void record_delivery(db::Transaction& tx, const Delivery& delivery);
// Success clears the failing mark; `give_up` marks the endpoint failing.
void mark_success(db::Transaction& tx, const std::string& endpoint_id);
void mark_failure(db::Transaction& tx, const std::string& endpoint_id, bool give_up);

std::optional<Delivery> find_delivery(db::Transaction& tx, const std::string& endpoint_id, const std::string& id);
// Newest first; `before`: (created_at, id) of the last row seen.
std::vector<Delivery> deliveries(db::Transaction& tx, const std::string& endpoint_id,
                                 const std::optional<std::string>& before_time,
                                 const std::optional<std::string>& before_id, int limit);

}  // namespace janua::webhooks::repo
