#include "cli/session.hpp"

#include <chrono>
#include <cstdlib>

namespace janua::cli {
namespace {

bool env_set(const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<Profile> refresh_profile(Profile profile) {
    auto reply = remote_form(profile.server, "/oauth/token",
                             {{"grant_type", "refresh_token"}, {"refresh_token", profile.refresh_token}, {"client_id", k_cli_client_id}});
    if (!reply) return reply.error();
    if (reply->status != 200 || !reply->body.contains("access_token"))
        return make_error(ErrorCode::authentication, "the login of profile '" + profile.name +
                                                         "' has expired; run: janua login --server " + profile.server +
                                                         " --profile " + profile.name);
    profile.token = reply->body.value("access_token", "");
    if (reply->body.contains("refresh_token")) profile.refresh_token = reply->body.value("refresh_token", "");
    profile.expires_at = now_seconds() + reply->body.value("expires_in", 300LL);
    if (auto saved = save_profile(profile); !saved) return saved.error();
    return profile;
}

Status apply_profile(GlobalOptions& options) {
    const bool explicit_profile = !options.profile.empty() || env_set("JANUA_PROFILE");
    if (!explicit_profile) {
        if (!options.server.empty() && !options.token.empty()) return Ok{};
        const bool database_configured = !options.database_url.empty() || env_set("DATABASE_URL") ||
                                         !options.config_file.empty() || env_set("JANUA_CONFIG");
        if (options.server.empty() && database_configured) return Ok{};  // direct mode
    } else if (!options.database_url.empty() && options.server.empty()) {
        return make_error(ErrorCode::validation, "give either --database-url (direct mode) or --profile (remote mode), not both");
    }
    auto loaded = load_profile(options.profile);
    if (!loaded) return loaded.error();
    if (!*loaded) return Ok{};
    Profile profile = **loaded;
    if (!options.server.empty() && options.server != profile.server) {
        if (explicit_profile)
            return make_error(ErrorCode::validation, "--server " + options.server + " is not the server of profile '" +
                                                         profile.name + "' (" + profile.server + ")");
        return Ok{};  // another server: its token must come from --token or JANUA_TOKEN
    }
    if (!options.token.empty()) {  // --token / JANUA_TOKEN win over the saved one
        if (options.server.empty()) options.server = profile.server;
        return Ok{};
    }
    if (profile.kind == "device" && profile.expires_at != 0 && profile.expires_at < now_seconds() + 30 &&
        !profile.refresh_token.empty()) {
        auto fresh = refresh_profile(profile);
        if (!fresh) return fresh.error();
        profile = *fresh;
    }
    options.server = profile.server;
    options.token = profile.token;
    return Ok{};
}

}  // namespace janua::cli
