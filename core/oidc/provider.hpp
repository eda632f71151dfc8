#pragma once
// The OAuth 2.0 authorization server and OpenID Connect provider: the decisions behind
// /oauth/authorize, /oauth/token, userinfo, introspection (RFC 7662), revocation (RFC 7009),
// RP-initiated logout and discovery. The daemon renders what these return; no HTTP here.

#include "core/audit/group_writer.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user.hpp"
#include "core/oidc/authorization_codes.hpp"
#include "core/oidc/client_service.hpp"
#include "core/oidc/remote_jwks.hpp"
#include "core/tokens/signing_keys.hpp"

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace janua::oidc {

using Params = std::map<std::string, std::string>;

// RFC 9126 2.2: the request_uri /oauth/par hands out is this prefix and a random reference.
inline constexpr const char* k_request_uri_prefix = "urn:ietf:params:oauth:request_uri:";

struct ProviderSettings {
    std::string issuer;
    std::string audience;
    int access_token_seconds = 900;
    int refresh_token_days = 7;
    int id_token_seconds = 3600;
    int max_sessions = 5;
    int code_seconds = 60;
    int device_code_seconds = 600;    // RFC 8628 3.2 expires_in
    int device_poll_interval = 5;     // RFC 8628 3.2 interval (seconds)
    int par_seconds = 90;             // RFC 9126 2.2 expires_in
    bool dynamic_registration = false;  // /oauth/register is listed in discovery
    std::string registration_initial_access_token;  // when set, registering needs it as Bearer
    bool jwks_uri_allow_private = false;  // fetch jwks_uri from private/loopback addresses (tests, dev)
};


// An RFC 6749 error: {"error", "error_description"} with its HTTP status.
struct OAuthError {
    std::string error;
    std::string description;
    int status = 400;
};

// What /oauth/register answers (RFC 7591 3.2, RFC 7592 2): 201, 200 or 204 with this body.
struct RegistrationResponse {
    int status = 200;
    nlohmann::json body = nlohmann::json::object();
};
using RegistrationResult = std::variant<RegistrationResponse, OAuthError>;

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
    std::string dpop;  // the DPoP header (RFC 9449), if any
    std::optional<std::string> dpop_jkt;  // set by the provider once the proof checked out
};

// A pending device authorization as the /device page shows it (RFC 8628 3.3).
struct DeviceRequestView {
    std::string user_code;  // normalised, e.g. "BCDF-GHJK"
    std::string client_id;
    std::string client_name;
    std::vector<std::string> scopes;
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
    // Audited as oauth.consent_denied (actor the signed-in user, when there is one).
    AuthorizeDecision deny(const Params& params, const std::optional<BrowserLogin>& browser = std::nullopt,
                           const identity::RequestMeta& meta = {});
    // The hosted consent page approved `scopes` for the client; audited as oauth.consent_granted.
    void grant_consent(const std::string& user_id, const std::string& client_id, const std::vector<std::string>& scopes,
                       const identity::RequestMeta& meta = {});

    TokenResult token(const TokenRequest& request);
    TokenResult userinfo(const identity::Principal& caller);
    TokenResult introspect(const TokenRequest& request);
    // Always succeeds for an authenticated client (RFC 7009 2.2), whatever the token.
    std::optional<OAuthError> revoke(const TokenRequest& request);
    std::variant<LogoutDecision, OAuthError> logout(const Params& params, const std::optional<BrowserLogin>& browser);

    // The clients a user consented to, and taking a consent back (audited as oauth.consent_revoked;
    // the client's refresh tokens for the user are revoked with it). NOT_FOUND when there is none.
    std::vector<consents::Granted> consents_of(const std::string& user_id);
    Status revoke_consent(const std::string& user_id, const std::string& client_id, const identity::RequestMeta& meta);

    // The browser session behind a hosted-pages cookie.
    std::optional<BrowserLogin> browser_login(const std::string& cookie_token);

    // RFC 8628: POST /oauth/device_authorization.
    TokenResult device_authorization(const TokenRequest& request);
    // The pending request a user code names; nullopt when unknown, expired or already decided.
    std::optional<DeviceRequestView> device_request(const std::string& user_code);
    // The signed-in user approves or denies it; false when the code is no longer pending.
    bool decide_device_request(const std::string& user_code, const BrowserLogin& browser, bool approve,
                               const identity::RequestMeta& meta);

    // RFC 9126: POST /oauth/par. The body is {"request_uri", "expires_in"} (HTTP 201).
    TokenResult pushed_authorization_request(const TokenRequest& request);
    // The parameters an authorization request stands for: those pushed, when it names a
    // request_uri that is still usable; otherwise `params` unchanged.
    Params effective_params(const Params& params);

    // Dynamic client registration (RFC 7591) and management (RFC 7592). `authorization` is the
    // request's Authorization header: the initial access token, or the registration access token.
    bool registration_enabled() const { return m_settings.dynamic_registration; }
    RegistrationResult register_client(const std::string& authorization, const nlohmann::json& metadata,
                                       const identity::RequestMeta& meta);
    RegistrationResult read_registration(const std::string& client_id, const std::string& authorization);
    RegistrationResult update_registration(const std::string& client_id, const std::string& authorization,
                                           const nlohmann::json& metadata, const identity::RequestMeta& meta);
    RegistrationResult delete_registration(const std::string& client_id, const std::string& authorization,
                                           const identity::RequestMeta& meta);

    // RFC 9449 7: a resource request with `token` under `scheme` ("Bearer" or "DPoP"). A DPoP-bound
    // token needs scheme DPoP and a proof of its key over this request (with ath); a Bearer token
    // may not be sent as DPoP. Nullopt when the binding holds.
    std::optional<OAuthError> check_token_binding(const std::string& token, const std::string& scheme,
                                                  const std::string& dpop_header, const std::string& method,
                                                  const std::string& path);

private:
    // Client authentication at `endpoint` ("/oauth/token", ...); a failure is audited as
    // oauth.client_auth_failed (actor the client id as claimed, never the credential).
    std::variant<OAuthClient, OAuthError> authenticate_client(const TokenRequest& request, const char* endpoint);
    std::variant<OAuthClient, OAuthError> check_client_credentials(const TokenRequest& request);
    TokenResult authorization_code_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult refresh_token_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult client_credentials_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult device_code_grant(const OAuthClient& client, const TokenRequest& request);
    TokenResult token_exchange_grant(const OAuthClient& client, const TokenRequest& request);

    // What a user grant (code or device) issues: a client session, an access token (DPoP-bound
    // when the request proved a key), a refresh token when the client may refresh, an ID token
    // for openid; audited. `session_id` receives the new session's id.
    struct UserGrant {
        std::string grant_type;
        std::string scope;
        std::vector<std::string> amr;
        std::string auth_time;  // RFC 3339
        std::optional<std::string> nonce;
        // The organization of the browser session the code came from (an enterprise SSO sign-in):
        // the new session keeps it, the tokens carry it as org_id.
        std::optional<std::string> organization_id = std::nullopt;
    };
    std::variant<nlohmann::json, OAuthError> issue_user_tokens(db::Transaction& tx, const OAuthClient& client,
                                                               const identity::User& user, const UserGrant& grant,
                                                               const TokenRequest& request, std::string& session_id);
    // Verify the request's DPoP proof for `path` and remember its jti; the key's thumbprint.
    std::variant<std::string, OAuthError> check_dpop_proof(const std::string& proof, const std::string& method,
                                                           const std::string& path,
                                                           const std::optional<std::string>& access_token);
    // The pushed parameters behind a request_uri of this client, or why it cannot be used.
    std::variant<Params, std::string> load_pushed_request(const std::string& client_id, const std::string& request_uri);
    // Mark a pushed request used (when a code is issued from it); false when it already was.
    bool spend_pushed_request(db::Transaction& tx, const std::string& request_id);
    void drop_pushed_prompt(const std::string& request_id);
    // An authorization request's parameter rules that need no user (shared with PAR).
    std::optional<OAuthError> authorization_request_problem(const OAuthClient& client, const Params& params);
    std::string endpoint(const std::string& path) const;
    // The registration access token of a dynamically registered client matches; else an error.
    std::optional<OAuthError> check_registration_token(const std::string& client_id, const std::string& authorization);
    nlohmann::json registration_metadata(const OAuthClient& client) const;

    ProviderSettings m_settings;
    db::Pool& m_pool;
    tokens::KeyManager& m_keys;
    ClientService& m_clients;
    RemoteJwksCache m_remote_jwks;
    // client_credentials grants write nothing but their audit entry: those are group-committed.
    audit::GroupWriter m_grant_events;
};

}  // namespace janua::oidc
