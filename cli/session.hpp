#pragma once
// Which daemon and token remote commands use (documented in janua(1), ENVIRONMENT):
//   server: --server, else JANUA_SERVER, else the saved profile;
//   token:  --token, else JANUA_TOKEN, else the profile's token (only for the profile's server).
// The profile is --profile, else JANUA_PROFILE, else the default one (the last login). A
// default profile is only used when no database is configured (no --database-url,
// DATABASE_URL or --config/JANUA_CONFIG), so a saved login never turns a direct command remote.

#include "cli/context.hpp"
#include "cli/credentials.hpp"

namespace janua::cli {

// Fill options.server / options.token from a saved profile where the rules above say so; an
// expired device login is refreshed first (and saved again).
Status apply_profile(GlobalOptions& options);

// Refresh a device login's access token with its refresh token (rotating); saved on success.
Result<Profile> refresh_profile(Profile profile);

inline constexpr const char* k_cli_client_id = "janua-cli";

}  // namespace janua::cli
