#pragma once
// Signing in through an upstream provider (januad as an OAuth 2.0 / OpenID Connect relying
// party), and linking upstream accounts to januad users.
//
// start(): a fresh state (256 bits), nonce and PKCE S256 verifier; the state is kept server-side
// (hashed, single use, UPSTREAM_LOGIN_STATE_TTL_SECONDS) with the provider it was made for, so a
// callback is bound to one request and one issuer (mix-up defence, RFC 9700 4.4). complete():
// spends the state, checks RFC 9207's iss, exchanges the code at that provider's token endpoint
// only, validates the ID token (id_token.hpp) or reads the OAuth 2.0 profile, then finds the
// januad user by (provider, subject), or by a VERIFIED email address only, creates one when that
// is allowed, and signs them in exactly like a password sign-in (AuthService).

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/federation/discovery.hpp"
#include "core/federation/linked_accounts.hpp"
#include "core/federation/provider_service.hpp"
#include "core/federation/upstream_profile.hpp"
#include "core/identity/auth_service.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace janua::federation {

struct LoginSettings {
    std::string base_url;
    std::string frontend_url;
    int state_ttl_seconds = 600;   // UPSTREAM_LOGIN_STATE_TTL_SECONDS
    int clock_skew_seconds = 120;  // UPSTREAM_CLOCK_SKEW_SECONDS
    bool signups_enabled = true;   // ENABLE_SIGNUPS: social login may create accounts
};

// Which family of providers a route serves.
enum class Channel { social, enterprise };

struct StartRequest {
    Channel channel = Channel::social;
    std::string provider;                     // social: the slug in the URL
    std::optional<std::string> organization;  // enterprise: ?org= (id or slug)
    std::optional<std::string> domain;        // enterprise: ?domain= (email domain)
    std::optional<std::string> connection;    // enterprise: which of the organization's connections
    std::optional<std::string> return_to;     // validated by checked_return_to
    std::optional<std::string> link_user_id;  // set: link to this signed-in user instead of signing in
    std::optional<std::string> login_hint;
    std::string browser_binding;              // the binding cookie the browser presented, if any
};

struct Started {
    std::string authorization_url;
    std::string provider_slug;
    std::string browser_binding;   // the value for the binding cookie (crypto/browser_binding.hpp)
    bool callback_is_post = false;  // the provider answers with a cross-site POST (form_post)
};

struct CallbackRequest {
    Channel channel = Channel::social;
    std::string provider;  // social: the slug in the URL
    std::map<std::string, std::string> params;
    std::string browser_binding;  // the binding cookie the browser presented
};

struct LoginOutcome {
    std::string purpose = "login";  // login | link
    identity::User user;
    bool created = false;           // a new januad account
    bool linked = false;            // a new link to an existing account
    linked_accounts::LinkedAccount account;
    std::optional<std::string> organization_id;  // enterprise: the organization signed into
    std::optional<identity::TokenPair> tokens;   // json mode
    std::optional<std::string> cookie_token;     // the browser session (both modes)
    std::optional<std::string> mfa_token;        // the user owes a second factor first
    std::optional<std::string> return_to;
    std::string response_mode = "json";
};

class LoginService {
public:
    LoginService(LoginSettings settings, db::Pool& pool, crypto::FernetKeyring cipher, DiscoveryCache& discovery,
                 ProviderService& providers, identity::AuthService& auth)
        : m_settings(std::move(settings)), m_pool(pool), m_cipher(std::move(cipher)), m_discovery(discovery),
          m_providers(providers), m_auth(auth) {}

    Result<Started> start(const StartRequest& request, const identity::RequestMeta& meta);
    Result<LoginOutcome> complete(const CallbackRequest& request, const identity::RequestMeta& meta);

    // The enabled platform providers (for the sign-in page and GET /auth/oauth/providers).
    std::vector<IdentityProvider> social_providers();
    std::vector<linked_accounts::LinkedAccount> linked(const std::string& user_id);
    // Remove the user's link to a platform provider; refused when it is their last way to sign in.
    Status unlink(const std::string& user_id, const std::string& provider, const identity::RequestMeta& meta);

    std::string redirect_uri_for(const IdentityProvider& provider) const;

private:
    Result<IdentityProvider> provider_for(const StartRequest& request);
    Result<UpstreamProfile> fetch_profile(const IdentityProvider& provider, const ProviderMetadata& metadata,
                                          const std::string& code, const std::string& redirect_uri,
                                          const std::string& verifier, const std::string& nonce,
                                          nlohmann::json* token_response);
    // `token_response`: the upstream token endpoint's answer, kept when the provider says so.
    Result<LoginOutcome> settle(const IdentityProvider& provider, const UpstreamProfile& profile,
                                const nlohmann::json& token_response, const std::string& purpose,
                                const std::optional<std::string>& link_user_id, const std::string& response_mode,
                                const identity::RequestMeta& meta);
    void keep_tokens(db::Transaction& tx, const IdentityProvider& provider, const linked_accounts::LinkedAccount& account,
                     const nlohmann::json& token_response, const identity::RequestMeta& meta);
    void record_failure(const std::optional<IdentityProvider>& provider, const Error& error, const identity::RequestMeta& meta,
                        const std::optional<std::string>& user_id);

    LoginSettings m_settings;
    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    DiscoveryCache& m_discovery;
    ProviderService& m_providers;
    identity::AuthService& m_auth;
};

}  // namespace janua::federation
