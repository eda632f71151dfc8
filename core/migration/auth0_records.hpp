#pragma once
// Auth0's three user file shapes (../shared/AUTH0-FORMATS.md) mapped to ImportUser:
// a record of the bulk-import array (current and legacy custom_password_hash schemas), a line of
// the user export (NDJSON, identities[] kept as linked accounts) and a record of the support
// team's password-hash export (_id/_ID, alt_id, passwordHash), joined on user_id.

#include "core/migration/import_user.hpp"

#include <nlohmann/json.hpp>

namespace janua::migration::auth0 {

enum class Shape { bulk_import, user_export, password_export };

Shape classify(const nlohmann::json& record);

// Validate and map one parsed record (of any shape).
Mapped map_record(const nlohmann::json& record);
// A record known to come from the user export (a CSV row): mapped as one whatever fields it has.
Mapped map_export_record(const nlohmann::json& record);

// The id Janua keeps for an Auth0 user_id: "auth0|<id>" for database users (a doubled
// "auth0|auth0|" prefix is undone), the user_id as is for other connections.
std::string external_id(const std::string& user_id, bool database_connection);

}  // namespace janua::migration::auth0
