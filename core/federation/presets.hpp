#pragma once
// The provider presets: what januad knows about each social provider, as data. An administrator
// picks one (`--preset github`) and supplies only the client id and secret; every endpoint here
// can still be overridden in the provider's configuration, so a provider that moves an endpoint
// needs a configuration change, not a release. `oidc` is the generic preset: any issuer with
// OpenID Connect Discovery.

#include <optional>
#include <string>
#include <vector>

namespace janua::federation {

// How the identity is read after the token exchange.
enum class ProfileSource {
    id_token,  // OpenID Connect: the validated ID token (plus userinfo when it lacks the email)
    github,    // GET /user, then GET /user/emails (primary and verified)
    discord,   // GET /users/@me: id, email, verified
    twitter,   // GET /2/users/me: data.id, no email at all
};

struct Preset {
    std::string name;          // as in --preset and the API's "preset"
    std::string display_name;
    std::string protocol;      // oidc | oauth2
    std::string issuer;        // oidc: discovery base
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string userinfo_endpoint;
    std::string emails_endpoint;
    std::vector<std::string> scopes;
    ProfileSource profile = ProfileSource::id_token;
    // The claim that says the email address is verified. Microsoft Entra's `email` can be set by a
    // tenant administrator to any value; only `xms_edov` (email domain owner verified) vouches for it.
    std::string email_verified_claim = "email_verified";
    // Other spellings of the issuer in ID tokens (Google also issues "accounts.google.com").
    std::vector<std::string> issuer_aliases;
    // Apple returns to the callback with an HTTP POST (response_mode=form_post) when it is asked
    // for the name or email.
    bool form_post = false;
};

// The preset with this name, or nullopt.
std::optional<Preset> find_preset(const std::string& name);
// Every preset, in the order the docs list them.
const std::vector<Preset>& all_presets();

}  // namespace janua::federation
