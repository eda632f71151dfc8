#pragma once
// Saved logins of `janua login`: $XDG_CONFIG_HOME/janua/credentials (default
// ~/.config/janua/credentials), a JSON file readable by its owner only (0600, in a 0700
// directory), one profile per server. Remote commands take the server and token from
// --server/--token, else JANUA_SERVER/JANUA_TOKEN, else the profile (--profile, JANUA_PROFILE,
// else the default one).

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::cli {

struct Profile {
    std::string name;
    std::string server;
    std::string token;          // API key or access token
    std::string kind;           // api_key | device
    std::string refresh_token;  // device logins
    long long expires_at = 0;   // unix seconds; 0: does not expire (API keys)
};

std::string credentials_path();

// The named profile (empty: JANUA_PROFILE, else the default); none when there is none.
Result<std::optional<Profile>> load_profile(const std::string& name);
// Store (or replace) a profile and make it the default.
Status save_profile(const Profile& profile);
// Forget a profile (empty: the default one); not_found when there is none.
Result<std::string> remove_profile(const std::string& name);

}  // namespace janua::cli
