#pragma once
// SQL for identity_providers. Functions run inside the caller's transaction.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/federation/provider.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::federation::providers {

// Platform providers when `organization_id` is empty, else that organization's connections.
std::vector<IdentityProvider> list(db::Transaction& tx, const std::optional<std::string>& organization_id);
// By id or slug within the same scope.
std::optional<IdentityProvider> find(db::Transaction& tx, const std::optional<std::string>& organization_id,
                                     const std::string& ref);
std::optional<IdentityProvider> find_by_id(db::Transaction& tx, const std::string& id);
// Conflict when the slug is taken in that scope.
Result<IdentityProvider> insert(db::Transaction& tx, const IdentityProvider& provider,
                                const std::optional<std::string>& created_by);
Result<IdentityProvider> update(db::Transaction& tx, const IdentityProvider& provider);
bool remove(db::Transaction& tx, const std::string& id);
// Enabled enterprise connections that list `domain` (lower-case) among their allowed domains.
std::vector<IdentityProvider> find_by_domain(db::Transaction& tx, const std::string& domain);

}  // namespace janua::federation::providers
