// Discovery, userinfo, introspection, revocation and logout.
#include "core/oidc/provider.hpp"

#include "core/audit/audit.hpp"
#include "core/common/time.hpp"
#include "core/common/url.hpp"
#include "core/identity/user_repository.hpp"
#include "core/oidc/client_repository.hpp"
#include "core/oidc/id_token.hpp"
#include "core/oidc/scopes.hpp"
#include "core/tokens/access_token.hpp"
#include "core/tokens/refresh_tokens.hpp"

namespace janua::oidc {
namespace {

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

constexpr db::Statement k_end_session{
    "oauth_end_session",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL"};
// The client sessions that codes from one browser session created.
constexpr db::Statement k_end_child_sessions{
    "oauth_end_child_sessions",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE revoked_at IS NULL AND id IN "
    "(SELECT issued_session_id FROM authorization_codes WHERE browser_session_id = $1 AND issued_session_id IS NOT NULL)"};

}  // namespace

Provider::Provider(ProviderSettings settings, db::Pool& pool, tokens::KeyManager& keys, ClientService& clients)
    : m_settings(std::move(settings)),
      m_pool(pool),
      m_keys(keys),
      m_clients(clients),
      m_remote_jwks(RemoteJwksOptions{300, 5, 5000, 64 * 1024, m_settings.jwks_uri_allow_private}),
      m_grant_events(pool) {}

nlohmann::json Provider::discovery() const {
    nlohmann::json doc = {
        {"issuer", m_settings.issuer},
        {"authorization_endpoint", endpoint("/oauth/authorize")},
        {"token_endpoint", endpoint("/oauth/token")},
        {"userinfo_endpoint", endpoint("/oauth/userinfo")},
        {"jwks_uri", endpoint("/.well-known/jwks.json")},
        {"introspection_endpoint", endpoint("/oauth/introspect")},
        {"revocation_endpoint", endpoint("/oauth/revoke")},
        {"end_session_endpoint", endpoint("/oauth/logout")},
        {"device_authorization_endpoint", endpoint("/oauth/device_authorization")},
        {"pushed_authorization_request_endpoint", endpoint("/oauth/par")},
        {"require_pushed_authorization_requests", false},
        {"dpop_signing_alg_values_supported", {"RS256", "ES256", "EdDSA"}},
        {"scopes_supported", supported_scopes()},
        {"claims_supported", supported_claims()},
        {"response_types_supported", {"code"}},
        {"response_modes_supported", {"query"}},
        {"grant_types_supported", {"authorization_code", "refresh_token", "client_credentials", k_grant_device_code,
                                   k_grant_token_exchange}},
        {"subject_types_supported", {"public"}},
        {"acr_values_supported", {"aal1", "aal2"}},
        {"id_token_signing_alg_values_supported", {"RS256", "ES256", "EdDSA"}},
        {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}},
        {"token_endpoint_auth_signing_alg_values_supported", {"RS256", "ES256", "EdDSA"}},
        {"introspection_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "private_key_jwt"}},
        {"revocation_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}},
        {"code_challenge_methods_supported", {"S256"}},
        {"prompt_values_supported", {"none", "login", "consent"}},
        {"claims_parameter_supported", false},
        {"request_parameter_supported", false},
        {"request_uri_parameter_supported", false},
        {"authorization_response_iss_parameter_supported", true},
        {"frontchannel_logout_supported", false},
        {"backchannel_logout_supported", false},
    };
    if (m_settings.dynamic_registration) doc["registration_endpoint"] = endpoint("/oauth/register");
    return doc;
}

TokenResult Provider::userinfo(const identity::Principal& caller) {
    if (!has_scope(caller.scope, "openid")) return OAuthError{"insufficient_scope", "the access token lacks the openid scope", 403};
    auto user = m_pool.read([&](db::Transaction& tx) { return identity::users::find_by_id(tx, caller.user_id); });
    if (!user) return OAuthError{"invalid_token", "the user no longer exists", 401};
    return user_claims(*user, caller.scope);
}

TokenResult Provider::introspect(const TokenRequest& request) {
    auto authenticated = authenticate_client(request, "/oauth/introspect");
    if (auto* error = std::get_if<OAuthError>(&authenticated)) return *error;
    const auto& client = std::get<OAuthClient>(authenticated);
    if (client.is_public) return OAuthError{"invalid_client", "public clients may not introspect", 401};
    const std::string token = param(request.form, "token");
    const nlohmann::json inactive = {{"active", false}};
    if (token.empty()) return OAuthError{"invalid_request", "token is required", 400};

    if (token.find('.') != std::string::npos) {
        if (auto kid = tokens::peek_kid(token)) m_keys.reload_if_unknown(*kid);
        auto verified = tokens::verify_access_token(token, *m_keys.snapshot(),
                                                    {m_settings.issuer, "", unix_seconds_now(), 0});
        if (!verified) return inactive;
        if (!verified->session_id.empty()) {
            const bool active = m_pool.read([&](db::Transaction& tx) {
                return identity::sessions::active_owner_is_admin(tx, verified->session_id, verified->subject).has_value();
            });
            if (!active) return inactive;
        } else {
            // A client's own token (client_credentials) is worth no more than the client: the tokens
            // of a deleted or disabled client (a removed IoT device, core/iot) are inactive.
            const bool client_active = m_pool.read([&](db::Transaction& tx) {
                auto owner = clients::find(tx, verified->client_id);
                return owner.has_value() && owner->enabled;
            });
            if (!client_active) return inactive;
        }
        // RFC 9449 6.2: a bound token reports its key, so a resource server can check the proof.
        const bool bound = verified->claims.contains("cnf");
        nlohmann::json out = {{"active", true}, {"token_type", bound ? "DPoP" : "Bearer"}};
        for (const char* claim : {"scope", "client_id", "sub", "exp", "iat", "nbf", "iss", "aud", "jti", "sid", "cnf", "act"})
            if (verified->claims.contains(claim)) out[claim] = verified->claims[claim];
        return out;
    }
    auto owner = m_pool.read([&](db::Transaction& tx) { return tokens::refresh::owner_of(tx, token); });
    // Refresh tokens are shown only to the client they were issued to.
    if (!owner || !owner->usable || owner->client_id != client.client_id) return inactive;
    return nlohmann::json{{"active", true},          {"token_type", "refresh_token"}, {"client_id", owner->client_id},
                          {"sub", owner->user_id},   {"scope", owner->scope},         {"exp", owner->expires_at},
                          {"iss", m_settings.issuer}, {"sid", owner->session_id}};
}

std::optional<OAuthError> Provider::revoke(const TokenRequest& request) {
    auto authenticated = authenticate_client(request, "/oauth/revoke");
    if (auto* error = std::get_if<OAuthError>(&authenticated)) return *error;
    const auto& client = std::get<OAuthClient>(authenticated);
    const std::string token = param(request.form, "token");
    if (token.empty()) return OAuthError{"invalid_request", "token is required", 400};

    std::optional<std::string> session_id;
    if (token.find('.') != std::string::npos) {
        auto verified = tokens::verify_access_token(token, *m_keys.snapshot(), {m_settings.issuer, "", unix_seconds_now(), 0});
        if (verified && verified->client_id == client.client_id && !verified->session_id.empty())
            session_id = verified->session_id;
    } else {
        auto owner = m_pool.transact([&](db::Transaction& tx) { return tokens::refresh::owner_of(tx, token); });
        if (owner && owner->client_id == client.client_id) session_id = owner->session_id;
    }
    // Revoking either token ends the grant it belongs to (RFC 7009 2.1 allows this).
    if (session_id) {
        m_pool.transact([&](db::Transaction& tx) {
            tx.exec(k_end_session, *session_id, std::string("revoked_by_client"));
            tokens::refresh::revoke_session_tokens(tx, *session_id);
            audit::Event e;
            e.action = "oauth.token_revoked";
            e.actor_type = "client";
            e.actor_id = client.client_id;
            e.target_type = "session";
            e.target_id = *session_id;
            e.ip_address = request.meta.ip;
            e.request_id = request.meta.request_id;
            audit::record(tx, e);
        });
    }
    return std::nullopt;
}

std::variant<LogoutDecision, OAuthError> Provider::logout(const Params& params, const std::optional<BrowserLogin>& browser) {
    LogoutDecision decision;
    std::string client_id = param(params, "client_id");
    const std::string hint = param(params, "id_token_hint");
    if (!hint.empty()) {
        auto claims = verify_id_token_hint(hint, *m_keys.snapshot(), m_settings.issuer);
        if (!claims) return OAuthError{"invalid_request", claims.error().message, 400};
        const auto& aud = (*claims)["aud"];
        const std::string hinted = aud.is_string() ? aud.get<std::string>() : (aud.is_array() && !aud.empty() && aud[0].is_string() ? aud[0].get<std::string>() : "");
        if (!client_id.empty() && client_id != hinted) return OAuthError{"invalid_request", "client_id does not match id_token_hint", 400};
        client_id = hinted;
        // Only end the session the hint speaks of, if the browser is still in it.
        if (browser && claims->contains("sub") && (*claims)["sub"] != browser->user.id)
            return OAuthError{"invalid_request", "id_token_hint is for another user", 400};
    }
    const std::string post_logout = param(params, "post_logout_redirect_uri");
    if (!post_logout.empty()) {
        if (client_id.empty()) return OAuthError{"invalid_request", "post_logout_redirect_uri needs id_token_hint or client_id", 400};
        auto client = m_clients.get(client_id);
        if (!client || !client->allows_post_logout_redirect_uri(post_logout))
            return OAuthError{"invalid_request", "post_logout_redirect_uri is not registered for this client", 400};
        decision.location = post_logout;
        if (!param(params, "state").empty())
            decision.location += (post_logout.find('?') == std::string::npos ? "?" : "&") + std::string("state=") +
                                 percent_encode(param(params, "state"));
    }
    if (browser) {
        decision.session_to_end = browser->session.id;
        m_pool.transact([&](db::Transaction& tx) {
            tx.exec(k_end_session, browser->session.id, std::string("logout"));
            tx.exec(k_end_child_sessions, browser->session.id);
            audit::Event e;
            e.action = "user.signout";
            e.actor_id = browser->user.id;
            e.target_type = "session";
            e.target_id = browser->session.id;
            e.details = {{"via", "oidc_logout"}, {"client_id", client_id}};
            audit::record(tx, e);
        });
    }
    return decision;
}

}  // namespace janua::oidc
