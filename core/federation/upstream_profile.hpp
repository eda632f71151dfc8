#pragma once
// Who the upstream says the user is, in one shape whatever the provider: its stable subject, and
// an email address with whether the provider vouches for it. Only a verified address may ever
// find or create a januad account; each reader below is strict about what "verified" means for
// its provider.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::federation {

struct UpstreamProfile {
    std::string subject;
    std::optional<std::string> email;
    bool email_verified = false;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> name;
};

// OIDC claims (ID token, or userinfo merged in): email_verified must be the JSON true (or the
// string "true", which Apple sends) in `verified_claim` ("email_verified", or Microsoft's "xms_edov").
UpstreamProfile profile_from_claims(const nlohmann::json& claims, const std::string& verified_claim);

// GitHub: GET /user (numeric id) and GET /user/emails; the email is the entry that is primary and
// verified, and there is none when no such entry exists.
Result<UpstreamProfile> github_profile(const nlohmann::json& user, const nlohmann::json& emails);
// Discord: GET /users/@me: id, email, verified.
Result<UpstreamProfile> discord_profile(const nlohmann::json& me);
// X: GET /2/users/me: {"data": {"id", "name", "username"}}; X gives no email address.
Result<UpstreamProfile> twitter_profile(const nlohmann::json& me);

}  // namespace janua::federation
