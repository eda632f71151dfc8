#pragma once
// SQL for the oauth_clients table. Functions run inside the caller's transaction; specs are
// validated (validate_client_spec) before they get here.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/oidc/client.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::oidc::clients {

std::optional<OAuthClient> find(db::Transaction& tx, const std::string& client_id);
// Lock the row for the rest of the transaction (updates, secret rotation).
std::optional<OAuthClient> lock(db::Transaction& tx, const std::string& client_id);

// The client and whether its previous secret is still inside its grace period (judged by the
// database clock, which also set the expiry).
struct SecretState {
    OAuthClient client;
    bool previous_secret_valid = false;
};
std::optional<SecretState> find_secret_state(db::Transaction& tx, const std::string& client_id);

// Conflict when the client_id is taken. `spec.client_id` must be set.
Result<OAuthClient> insert(db::Transaction& tx, const ClientSpec& spec, const std::optional<std::string>& secret_hash,
                           const std::optional<std::string>& created_by);

// Replace every setting of the client with `spec` (client_id and is_public stay).
std::optional<OAuthClient> update(db::Transaction& tx, const std::string& client_id, const ClientSpec& spec);

// Make `secret_hash` current. With grace_seconds > 0 the current secret becomes the previous
// one until now + grace_seconds; with 0 the previous secret is dropped.
std::optional<OAuthClient> replace_secret(db::Transaction& tx, const std::string& client_id,
                                          const std::string& secret_hash, int grace_seconds);

bool remove(db::Transaction& tx, const std::string& client_id);

struct ListFilter {
    std::optional<std::string> query;  // substring of client_id or name
    int limit = 50;
    std::optional<std::string> cursor;
};

struct ClientPage {
    std::vector<OAuthClient> clients;
    std::optional<std::string> next_cursor;
};

Result<ClientPage> list(db::Transaction& tx, const ListFilter& filter);

}  // namespace janua::oidc::clients
