#pragma once
// The erasure of one person inside a caller's transaction (ComplianceService::erase_user and the
// retention sweep of inactive accounts share it).

#include "core/compliance/service.hpp"

namespace janua::compliance {

// Erase `user_id` in `tx`; a conflict error (and no change) for the sole owner of an organization.
Result<ErasureReport> erase_in(db::Transaction& tx, const std::string& user_id, const identity::Actor& actor,
                               const std::string& reason);

}  // namespace janua::compliance
