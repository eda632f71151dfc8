#pragma once
// The OAuth 2.0 authorization server and OpenID Connect provider: the decisions behind
// /oauth/authorize, /oauth/token, userinfo, introspection (RFC 7662), revocation (RFC 7009),
// RP-initiated logout and discovery. The daemon renders what these return; no HTTP here.

#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user.hpp"
#include "core/oidc/client_service.hpp"
#include "core/tokens/signing_keys.hpp"

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace janua::oidc {

using Params = std::map<std::string, std::string>;

struct ProviderSettings {
    std::string issuer;
    std::string audience;
    int access_token_seconds = 900;
    int refresh_token_days = 7;
    int id_token_seconds = 3600;
    int max_sessions = 5;
    int code_seconds = 60;
};

// An RFC 6749 error: {"error", "error_description"} with its HTTP status.
struct OAuthError {
    std::string error;
    std::string description;
    int status = 400;
};

// The signed-in browser, from the hosted pages' session cookie.
struct BrowserLogin {
    identity::User user;
    identity::sessions::Session session;
};

enum class AuthorizeStep {
    show_error,  // the redirect URI cannot be trusted: an error page, never a redirect
    redirect,    // to the client: with a code, or with an error
    login,       // the hosted login page, then back here
    consent,     // the hosted consent page, then back here
};

struct AuthorizeDecision {
    AuthorizeStep step = AuthorizeStep::show_error;
    std::string location;       // redirect
    std::string error_message;  // show_error
    std::string client_id;      // login / consent
    std::string client_name;
    std::vector<std::string> scopes;
    std::string login_hint;
};

struct TokenRequest {
    Params form;
    std::string authorization_header;
    identity::RequestMeta meta;
};

using TokenResult = std::variant<nlohmann::json, OAuthError>;

struct LogoutDecision {
    std::string location;  // empty: show a "signed out" page
    std::optional<std::string> session_to_end;
};

class Provider {
public:
    Provider(ProviderSettings settings, db::Pool& pool, tokens::KeyManager& keys, ClientService& clients);

    nlohmann::json discovery() const;

    AuthorizeDecision authorize(const Params& params, const std::optional<BrowserLogin>& browser);
    // The user declined on the consent page: access_denied to a registered redirect URI.
    AuthorizeDecision deny(const Params& params);
    // The hosted consent page approved `scopes` for the client.
    void grant_consent(const std::string& user_id, const std::string& client_id, const std::vector<std::string>& scopes);

    TokenResult token(const TokenRequest& request);
    TokenResult userinfo(const identity::Principal& caller);
    TokenResult introspect(const TokenRequest& request);
    // Always succeeds for an authenticated client (RFC 7009 2.2), whatever the token.
    std::optional<OAuthError> revoke(const TokenRequest& request);
    std::variant<LogoutDecision, OAuthError> logout(const Params& params, const std::optional<BrowserLogin>& browser);

    // The browser session behind a hosted-pages cookie.
    std::optional<BrowserLogin> browser_login(const std::string& cookie_token);

private:
    std::variant<OAuthClient, OAuthError> authenticate_client(const TokenRequest& request);
    TokenResult authorization_code_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult refresh_token_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult client_credentials_grant(const OAuthClient& client, const TokenRequest& request);
    std::string endpoint(const std::string& path) const;

    ProviderSettings m_settings;
    db::Pool& m_pool;
    tokens::KeyManager& m_keys;
    ClientService& m_clients;
};

}  // namespace janua::oidc
