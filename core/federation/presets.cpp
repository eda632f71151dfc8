#include "core/federation/presets.hpp"

namespace janua::federation {

// Endpoints as each provider documents them (checked 2026-11; docs/sso-oidc.md cites the sources).
const std::vector<Preset>& all_presets() {
    static const std::vector<Preset> presets = [] {
        std::vector<Preset> p;
        Preset google;
        google.name = "google";
        google.display_name = "Google";
        google.protocol = "oidc";
        google.issuer = "https://accounts.google.com";
        google.scopes = {"openid", "email", "profile"};
        google.issuer_aliases = {"accounts.google.com"};
        p.push_back(google);

        Preset microsoft;
        microsoft.name = "microsoft";
        microsoft.display_name = "Microsoft";
        microsoft.protocol = "oidc";
        // The multi-tenant metadata names the issuer "https://login.microsoftonline.com/{tenantid}/v2.0";
        // the token's `tid` fills it in (see id_token.hpp). A single-tenant app sets its tenant's issuer.
        microsoft.issuer = "https://login.microsoftonline.com/common/v2.0";
        microsoft.scopes = {"openid", "email", "profile"};
        microsoft.email_verified_claim = "xms_edov";
        p.push_back(microsoft);

        Preset apple;
        apple.name = "apple";
        apple.display_name = "Apple";
        apple.protocol = "oidc";
        apple.issuer = "https://appleid.apple.com";
        apple.scopes = {"openid", "email", "name"};
        apple.form_post = true;
        p.push_back(apple);

        Preset linkedin;
        linkedin.name = "linkedin";
        linkedin.display_name = "LinkedIn";
        linkedin.protocol = "oidc";
        linkedin.issuer = "https://www.linkedin.com/oauth";
        linkedin.scopes = {"openid", "profile", "email"};
        p.push_back(linkedin);

        Preset slack;
        slack.name = "slack";
        slack.display_name = "Slack";
        slack.protocol = "oidc";
        slack.issuer = "https://slack.com";
        slack.scopes = {"openid", "profile", "email"};
        p.push_back(slack);

        Preset github;
        github.name = "github";
        github.display_name = "GitHub";
        github.protocol = "oauth2";
        github.authorization_endpoint = "https://github.com/login/oauth/authorize";
        github.token_endpoint = "https://github.com/login/oauth/access_token";
        github.userinfo_endpoint = "https://api.github.com/user";
        github.emails_endpoint = "https://api.github.com/user/emails";
        github.scopes = {"read:user", "user:email"};
        github.profile = ProfileSource::github;
        p.push_back(github);

        Preset discord;
        discord.name = "discord";
        discord.display_name = "Discord";
        discord.protocol = "oauth2";
        discord.authorization_endpoint = "https://discord.com/oauth2/authorize";
        discord.token_endpoint = "https://discord.com/api/oauth2/token";
        discord.userinfo_endpoint = "https://discord.com/api/users/@me";
        discord.scopes = {"identify", "email"};
        discord.profile = ProfileSource::discord;
        p.push_back(discord);

        Preset twitter;
        twitter.name = "twitter";
        twitter.display_name = "X (Twitter)";
        twitter.protocol = "oauth2";
        twitter.authorization_endpoint = "https://x.com/i/oauth2/authorize";
        twitter.token_endpoint = "https://api.x.com/2/oauth2/token";
        twitter.userinfo_endpoint = "https://api.x.com/2/users/me";
        twitter.scopes = {"users.read", "tweet.read"};
        twitter.profile = ProfileSource::twitter;
        p.push_back(twitter);

        Preset generic;
        generic.name = "oidc";
        generic.display_name = "OpenID Connect";
        generic.protocol = "oidc";
        generic.scopes = {"openid", "email", "profile"};
        p.push_back(generic);
        return p;
    }();
    return presets;
}

std::optional<Preset> find_preset(const std::string& name) {
    for (const auto& preset : all_presets())
        if (preset.name == name) return preset;
    return std::nullopt;
}

}  // namespace janua::federation
