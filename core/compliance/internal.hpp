#pragma once
// Helpers shared by the files of core/compliance (not part of its interface).

#include "core/audit/audit.hpp"
#include "core/common/result.hpp"
#include "core/db/atomically.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"

#include <optional>
#include <string>

namespace janua::compliance::detail {

// Record `action` by `actor` on `target_type`/`target_id` in `tx`.
void record(db::Transaction& tx, const identity::Actor& actor, const std::string& action,
            const std::string& target_type, const std::optional<std::string>& target_id,
            nlohmann::json details = nlohmann::json::object(), const std::string& user_agent = {});

// The same, for an event in organization `organization_id`.
void record_in_org(db::Transaction& tx, const identity::Actor& actor, const std::string& organization_id,
                   const std::string& action, const std::string& target_type, const std::optional<std::string>& target_id,
                   nlohmann::json details = nlohmann::json::object());

// The id of the organization `ref` names (an id or a slug); not_found otherwise.
Result<std::string> find_org(db::Transaction& tx, const std::string& ref);

// A 422 naming `field`, in the envelope's details.
Error invalid(const std::string& field, const std::string& message);

// The id of the user `key` names (an id, or an email when it holds '@').
std::optional<std::string> find_user(db::Transaction& tx, const std::string& key);

Error user_not_found(const std::string& key);

std::optional<std::string> optional_text(const pqxx::field& field);

}  // namespace janua::compliance::detail
