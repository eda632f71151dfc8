// The token endpoint (RFC 6749 section 3.2): client authentication and the grants.
#include "core/audit/audit.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/common/url.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/identity/user_repository.hpp"
#include "core/oidc/authorization_codes.hpp"
#include "core/oidc/id_token.hpp"
#include "core/oidc/pkce.hpp"
#include "core/oidc/provider.hpp"
#include "core/oidc/scopes.hpp"
#include "core/tokens/access_token.hpp"
#include "core/tokens/refresh_tokens.hpp"

#include <algorithm>
#include <strings.h>

namespace janua::oidc {
namespace {

constexpr const char* k_jwt_bearer_assertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

constexpr db::Statement k_remember_jti{
    "assertion_remember_jti",
    "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) "
    "ON CONFLICT DO NOTHING"};
constexpr db::Statement k_forget_old_jtis{"assertion_forget_old_jtis",
                                          "DELETE FROM client_assertion_jtis WHERE expires_at < now()"};
constexpr db::Statement k_revoke_session{
    "oauth_revoke_session",
    "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL"};

constexpr db::Statement k_bind_session_to_key{"oauth_bind_session_dpop",
                                               "UPDATE sessions SET dpop_jkt = $2 WHERE id = $1"};
constexpr db::Statement k_session_key{"oauth_session_dpop", "SELECT dpop_jkt FROM sessions WHERE id = $1"};

// Thrown out of the refresh transaction so that the rotation rolls back.
struct RefreshKeyMismatch {};

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

OAuthError invalid_client(const std::string& description) { return {"invalid_client", description, 401}; }
OAuthError invalid_grant(const std::string& description) { return {"invalid_grant", description, 400}; }

// RFC 6749 2.3.1: the id and secret in Basic credentials are form-urlencoded first.
bool decode_basic(const std::string& header, std::string& id, std::string& secret) {
    if (header.size() < 7 || strncasecmp(header.c_str(), "Basic ", 6) != 0) return false;
    auto raw = crypto::base64_decode(header.substr(6), crypto::Base64Padding::optional);
    if (!raw) return false;
    const auto colon = raw->find(':');
    if (colon == std::string::npos) return false;
    auto decoded_id = percent_decode(raw->substr(0, colon));
    auto decoded_secret = percent_decode(raw->substr(colon + 1));
    if (!decoded_id || !decoded_secret) return false;
    id = *decoded_id;
    secret = *decoded_secret;
    return true;
}

}  // namespace

std::string Provider::endpoint(const std::string& path) const {
    std::string base = m_settings.issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + path;
}

namespace {

// Who the failed request said it was: the Basic user, client_id, or the assertion's iss (unverified,
// for the audit trail only). Bounded so a made-up id cannot bloat the log.
// Bytes outside printable ASCII become '?', so whatever was sent is safe to store and show.
std::optional<std::string> claimed_client_id(const TokenRequest& request) {
    auto printable = [](std::string text) {
        text.resize(std::min<std::size_t>(text.size(), 255));
        for (auto& c : text)
            if (c < 0x20 || c > 0x7e) c = '?';
        return text;
    };
    std::string id, secret;
    if (decode_basic(request.authorization_header, id, secret) && !id.empty()) return printable(id);
    if (!param(request.form, "client_id").empty()) return printable(param(request.form, "client_id"));
    if (auto parsed = crypto::jws_parse(param(request.form, "client_assertion"))) {
        auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
        if (claims.is_object() && claims.contains("iss") && claims["iss"].is_string() &&
            !claims["iss"].get<std::string>().empty())
            return printable(claims["iss"].get<std::string>());
    }
    return std::nullopt;
}

}  // namespace

std::variant<OAuthClient, OAuthError> Provider::authenticate_client(const TokenRequest& request, const char* endpoint_path) {
    auto result = check_client_credentials(request);
    if (const auto* error = std::get_if<OAuthError>(&result)) {
        audit::Event e;
        e.action = "oauth.client_auth_failed";
        e.outcome = "failure";
        e.actor_id = claimed_client_id(request);
        e.actor_type = e.actor_id ? "client" : "anonymous";
        e.target_type = "oauth_client";
        e.target_id = e.actor_id;
        e.ip_address = request.meta.ip;
        e.user_agent = request.meta.user_agent;
        e.request_id = request.meta.request_id;
        std::string method = "none";
        if (!request.authorization_header.empty()) method = "client_secret_basic";
        else if (!param(request.form, "client_secret").empty()) method = "client_secret_post";
        else if (!param(request.form, "client_assertion").empty()) method = "private_key_jwt";
        e.details = {{"endpoint", endpoint_path}, {"method", method}, {"reason", error->description}};
        m_pool.transact([&](db::Transaction& tx) { audit::record(tx, e); });
    }
    return result;
}

std::variant<OAuthClient, OAuthError> Provider::check_client_credentials(const TokenRequest& request) {
    const auto& form = request.form;
    std::string id, secret;
    if (!request.authorization_header.empty()) {
        if (!decode_basic(request.authorization_header, id, secret))
            return invalid_client("malformed Basic client credentials");
        if (!param(form, "client_secret").empty())
            return OAuthError{"invalid_request", "use one client authentication method, not two", 400};
    } else if (!param(form, "client_secret").empty()) {
        id = param(form, "client_id");
        secret = param(form, "client_secret");
    }
    if (!id.empty()) {
        auto client = m_clients.authenticate_secret(id, secret);
        if (!client) return invalid_client("client authentication failed");
        return *client;
    }

    if (param(form, "client_assertion_type") == k_jwt_bearer_assertion) {
        // private_key_jwt (RFC 7523): a JWT signed with the client's registered key.
        auto parsed = crypto::jws_parse(param(form, "client_assertion"));
        if (!parsed) return invalid_client("client_assertion is not a JWT");
        auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
        if (claims.is_discarded() || !claims.is_object() || !claims.contains("iss") || !claims["iss"].is_string() ||
            claims["iss"] != claims.value("sub", nlohmann::json()))
            return invalid_client("client_assertion must have iss = sub = client_id");
        const std::string assertion_client = claims["iss"].get<std::string>();
        if (!param(form, "client_id").empty() && param(form, "client_id") != assertion_client)
            return invalid_client("client_id does not match the assertion");
        auto client = m_clients.get(assertion_client);
        if (!client || !client->enabled || client->token_endpoint_auth_method != k_auth_private_key_jwt)
            return invalid_client("client authentication failed");
        const auto& aud = claims.value("aud", nlohmann::json());
        auto audience_ok = [&](const nlohmann::json& a) {
            return a.is_string() && (a == endpoint("/oauth/token") || a == m_settings.issuer);
        };
        bool aud_ok = audience_ok(aud);
        if (aud.is_array())
            for (const auto& a : aud) aud_ok = aud_ok || audience_ok(a);
        if (!aud_ok) return invalid_client("client_assertion audience must be the token endpoint or the issuer");
        const auto now = unix_seconds_now();
        if (!claims.contains("exp") || !claims["exp"].is_number_integer() || claims["exp"].get<std::int64_t>() + 30 < now ||
            claims["exp"].get<std::int64_t>() > now + 3600)
            return invalid_client("client_assertion is expired or lives too long");
        if (!claims.contains("jti") || !claims["jti"].is_string() || claims["jti"].get<std::string>().empty())
            return invalid_client("client_assertion needs a jti");
        nlohmann::json jwks = client->jwks;
        if (!jwks.is_object() && client->jwks_uri) {
            std::optional<std::string> kid;
            if (parsed->header.contains("kid") && parsed->header["kid"].is_string()) kid = parsed->header["kid"].get<std::string>();
            auto fetched = m_remote_jwks.keys(client->client_id, *client->jwks_uri, kid);
            if (!fetched) {
                log::warn("client jwks_uri unusable", {{"client_id", client->client_id}, {"reason", fetched.error().detail}});
                return invalid_client(fetched.error().message);
            }
            jwks = *fetched;
        }
        bool verified = false;
        if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
            for (const auto& jwk : jwks["keys"]) {
                if (!jwk.is_object()) continue;
                if (parsed->header.contains("kid") && jwk.contains("kid") && jwk["kid"] != parsed->header["kid"]) continue;
                auto key = crypto::VerificationKey::from_jwk(jwk);
                if (key && crypto::jws_verify(*parsed, *key)) {
                    verified = true;
                    break;
                }
            }
        }
        if (!verified) return invalid_client("client_assertion signature does not verify");
        const bool fresh = m_pool.transact([&](db::Transaction& tx) {
            tx.exec(k_forget_old_jtis);
            return tx.exec(k_remember_jti, client->client_id, claims["jti"].get<std::string>(),
                           claims["exp"].get<std::int64_t>() + 60).affected_rows() == 1;
        });
        if (!fresh) return invalid_client("client_assertion was already used");
        return *client;
    }

    // A public client only names itself.
    auto client = m_clients.get(param(form, "client_id"));
    if (!client || !client->enabled || !client->is_public) return invalid_client("client authentication failed");
    return *client;
}

TokenResult Provider::token(const TokenRequest& request) {
    const std::string grant_type = param(request.form, "grant_type");
    if (grant_type.empty()) return OAuthError{"invalid_request", "grant_type is required", 400};
    auto authenticated = authenticate_client(request, "/oauth/token");
    if (auto* error = std::get_if<OAuthError>(&authenticated)) return *error;
    const auto& client = std::get<OAuthClient>(authenticated);
    if (grant_type != k_grant_authorization_code && grant_type != k_grant_refresh_token &&
        grant_type != k_grant_client_credentials && grant_type != k_grant_device_code && grant_type != k_grant_token_exchange)
        return OAuthError{"unsupported_grant_type", "grant_type '" + grant_type + "' is not supported", 400};
    if (!client.has_grant(grant_type))
        return OAuthError{"unauthorized_client", "this client may not use grant_type " + grant_type, 400};
    // RFC 9449 5: a DPoP proof binds what this request issues to the proof's key.
    TokenRequest bound = request;
    if (!request.dpop.empty()) {
        auto jkt = check_dpop_proof(request.dpop, "POST", "/oauth/token", std::nullopt);
        if (auto* error = std::get_if<OAuthError>(&jkt)) return *error;
        bound.dpop_jkt = std::get<std::string>(jkt);
    }
    if (grant_type == k_grant_authorization_code) return authorization_code_grant(client, bound);
    if (grant_type == k_grant_refresh_token) return refresh_token_grant(client, bound);
    if (grant_type == k_grant_device_code) return device_code_grant(client, bound);
    if (grant_type == k_grant_token_exchange) return token_exchange_grant(client, bound);
    return client_credentials_grant(client, bound);
}

std::variant<nlohmann::json, OAuthError> Provider::issue_user_tokens(db::Transaction& tx, const OAuthClient& client,
                                                                     const identity::User& user, const UserGrant& grant,
                                                                     const TokenRequest& request, std::string& session_id) {
    auto keys = m_keys.snapshot();
    if (!keys->active) return OAuthError{"temporarily_unavailable", "no signing key is loaded yet", 503};
    identity::sessions::NewSession spec;
    spec.user_id = user.id;
    spec.user_agent = request.meta.user_agent;
    spec.ip_address = request.meta.ip;
    spec.amr = grant.amr;
    spec.lifetime_days = m_settings.refresh_token_days;
    spec.client_id = client.client_id;
    spec.auth_time = grant.auth_time;
    spec.organization_id = grant.organization_id;
    const auto session = identity::sessions::create(tx, spec, m_settings.max_sessions * 4);
    session_id = session.id;
    // RFC 9449 5: a public client's refresh tokens work only with proofs of the same key.
    if (request.dpop_jkt && client.is_public) tx.exec(k_bind_session_to_key, session.id, *request.dpop_jkt);

    const auto now = unix_seconds_now();
    const auto auth_time = parse_rfc3339(grant.auth_time).value_or(now);
    tokens::AccessTokenRequest at;
    at.subject = user.id;
    at.session_id = session.id;
    at.client_id = client.client_id;
    at.scope = grant.scope;
    at.audience = m_settings.audience;
    at.amr = grant.amr;
    at.auth_time = auth_time;
    at.lifetime_seconds = client.access_token_ttl_seconds.value_or(m_settings.access_token_seconds);
    at.organization_id = grant.organization_id;
    if (request.dpop_jkt) at.extra_claims["cnf"] = {{"jkt", *request.dpop_jkt}};
    auto access = tokens::issue_access_token(*keys, m_settings.issuer, at, now);
    if (!access) return OAuthError{"temporarily_unavailable", access.error().message, 503};

    nlohmann::json response = {{"access_token", access->token},
                               {"token_type", request.dpop_jkt ? "DPoP" : "Bearer"},
                               {"expires_in", access->expires_in},
                               {"scope", grant.scope}};
    if (client.has_grant(k_grant_refresh_token)) {
        const int days = client.refresh_token_ttl_seconds ? std::max(1, *client.refresh_token_ttl_seconds / 86400)
                                                          : m_settings.refresh_token_days;
        response["refresh_token"] = tokens::refresh::issue(tx, session.id, std::nullopt, days, client.client_id, grant.scope).token;
    }
    if (has_scope(grant.scope, "openid")) {
        nlohmann::json claims = user_claims(user, grant.scope);
        claims.update({{"iss", m_settings.issuer},
                       {"aud", client.client_id},
                       {"azp", client.client_id},
                       {"iat", now},
                       {"exp", now + m_settings.id_token_seconds},
                       {"auth_time", auth_time},
                       {"sid", session.id},
                       {"at_hash", half_hash(access->token, keys->active->algorithm())}});
        if (grant.nonce) claims["nonce"] = *grant.nonce;
        if (grant.organization_id) claims["org_id"] = *grant.organization_id;
        if (!grant.amr.empty()) claims["amr"] = grant.amr;
        claims["acr"] = acr_for(grant.amr);
        auto id_token = sign_id_token(*keys, claims);
        if (!id_token) return OAuthError{"temporarily_unavailable", id_token.error().message, 503};
        response["id_token"] = *id_token;
    }
    audit::Event e;
    e.action = "oauth.token_issued";
    e.actor_type = "user";
    e.actor_id = user.id;
    e.target_type = "client";
    e.target_id = client.client_id;
    e.ip_address = request.meta.ip;
    e.request_id = request.meta.request_id;
    e.details = {{"grant_type", grant.grant_type}, {"scope", grant.scope}, {"dpop_bound", request.dpop_jkt.has_value()}};
    audit::record(tx, e);
    return response;
}

TokenResult Provider::authorization_code_grant(const OAuthClient& client, const TokenRequest& request) {
    const std::string code = param(request.form, "code");
    if (code.empty()) return OAuthError{"invalid_request", "code is required", 400};
    auto keys = m_keys.snapshot();
    if (!keys->active) return OAuthError{"temporarily_unavailable", "no signing key is loaded yet", 503};

    using Outcome = std::variant<nlohmann::json, OAuthError>;
    return m_pool.transact([&](db::Transaction& tx) -> Outcome {
        auto redemption = codes::redeem(tx, code);
        if (redemption.outcome == codes::Outcome::reused) {
            // Whoever holds a copy of the code must not keep what the first exchange got.
            if (redemption.issued_session_id) {
                tx.exec(k_revoke_session, *redemption.issued_session_id, std::string("authorization_code_reuse"));
                tokens::refresh::revoke_session_tokens(tx, *redemption.issued_session_id);
            }
            audit::Event e;
            e.action = "oauth.code_reused";
            e.outcome = "failure";
            e.actor_type = "client";
            e.actor_id = client.client_id;
            e.ip_address = request.meta.ip;
            e.request_id = request.meta.request_id;
            audit::record(tx, e);
            return invalid_grant("authorization code was already used; the tokens it gave were revoked");
        }
        if (redemption.outcome != codes::Outcome::valid) return invalid_grant("authorization code is invalid or expired");
        const auto& grant = redemption.grant;
        if (grant.client_id != client.client_id) return invalid_grant("authorization code was issued to another client");
        const std::string redirect_uri = param(request.form, "redirect_uri");
        const bool redirect_ok = grant.redirect_uri.empty()
                                     ? redirect_uri.empty() || (client.redirect_uris.size() == 1 && redirect_uri == client.redirect_uris[0])
                                     : redirect_uri == grant.redirect_uri;
        if (!redirect_ok) return invalid_grant("redirect_uri does not match the authorization request");
        const std::string verifier = param(request.form, "code_verifier");
        if (grant.code_challenge) {
            if (!verify_s256(verifier, *grant.code_challenge)) return invalid_grant("code_verifier does not match");
        } else if (!verifier.empty()) {
            return invalid_grant("code_verifier given but the authorization request had no code_challenge");
        }
        // RFC 9449 10: the authorization request named a key; only a proof of that key redeems.
        if (grant.dpop_jkt && (!request.dpop_jkt || !crypto::constant_time_equals(*request.dpop_jkt, *grant.dpop_jkt)))
            return OAuthError{"invalid_dpop_proof", "this authorization code is bound to a DPoP key: send a DPoP proof of that key", 400};
        auto user = identity::users::find_by_id(tx, grant.user_id);
        if (!user || user->status != "ACTIVE") return invalid_grant("the user can no longer sign in");
        std::optional<std::string> organization_id;
        if (grant.browser_session_id)
            if (auto browser = identity::sessions::find(tx, *grant.browser_session_id)) organization_id = browser->organization_id;
        std::string session_id;
        auto issued = issue_user_tokens(
            tx, client, *user, {"authorization_code", grant.scope, grant.amr, grant.auth_time, grant.nonce, organization_id},
            request, session_id);
        if (std::holds_alternative<nlohmann::json>(issued)) codes::record_issued_session(tx, code, session_id);
        return issued;
    });
}

TokenResult Provider::refresh_token_grant(const OAuthClient& client, const TokenRequest& request) {
    const std::string presented = param(request.form, "refresh_token");
    if (presented.empty()) return OAuthError{"invalid_request", "refresh_token is required", 400};
    auto keys = m_keys.snapshot();
    if (!keys->active) return OAuthError{"temporarily_unavailable", "no signing key is loaded yet", 503};
    using Outcome = std::variant<nlohmann::json, OAuthError>;
    try {
    return m_pool.transact([&](db::Transaction& tx) -> Outcome {
        auto owner = tokens::refresh::owner_of(tx, presented);
        // A token of another client (or a first-party one) is simply invalid here; it is not spent.
        if (!owner || owner->client_id != client.client_id) return invalid_grant("refresh token is invalid or expired");
        std::string scope = owner->scope;
        if (!param(request.form, "scope").empty()) {
            const auto narrowed = parse_scope(param(request.form, "scope"));
            if (!scopes_allowed(narrowed, parse_scope(owner->scope)))
                return OAuthError{"invalid_scope", "a refresh may only narrow the granted scope", 400};
            scope = join_scope(narrowed);
        }
        const int days = client.refresh_token_ttl_seconds ? std::max(1, *client.refresh_token_ttl_seconds / 86400)
                                                          : m_settings.refresh_token_days;
        auto rotation = tokens::refresh::rotate(tx, presented, days);
        if (rotation.outcome == tokens::refresh::Outcome::reused) {
            audit::Event e;
            e.action = "session.refresh_token_reused";
            e.outcome = "failure";
            e.actor_type = "client";
            e.actor_id = client.client_id;
            e.target_type = "session";
            e.target_id = rotation.session_id;
            e.ip_address = request.meta.ip;
            e.request_id = request.meta.request_id;
            audit::record(tx, e);
            return invalid_grant("refresh token was already used; the session has been revoked");
        }
        if (rotation.outcome != tokens::refresh::Outcome::rotated) return invalid_grant("refresh token is invalid or expired");
        auto session = identity::sessions::find(tx, rotation.session_id);
        auto user = identity::users::find_by_id(tx, rotation.user_id);
        if (!session || !user) return invalid_grant("refresh token is invalid or expired");
        // RFC 9449 5: a bound refresh token needs a proof of the same key. The rotation above is
        // undone with the transaction, so a thief without the key spends nothing.
        auto bound_key = tx.exec(k_session_key, session->id);
        if (!bound_key.empty() && !bound_key[0][0].is_null()) {
            const auto key = bound_key[0][0].as<std::string>();
            if (!request.dpop_jkt || !crypto::constant_time_equals(*request.dpop_jkt, key))
                throw RefreshKeyMismatch{};
        }
        const auto now = unix_seconds_now();
        const auto auth_time = parse_rfc3339(session->auth_time).value_or(now);
        tokens::AccessTokenRequest at;
        at.subject = user->id;
        at.session_id = session->id;
        at.client_id = client.client_id;
        at.scope = scope;
        at.audience = m_settings.audience;
        at.amr = session->amr;
        at.auth_time = auth_time;
        at.organization_id = session->organization_id;
        at.lifetime_seconds = client.access_token_ttl_seconds.value_or(m_settings.access_token_seconds);
        if (request.dpop_jkt) at.extra_claims["cnf"] = {{"jkt", *request.dpop_jkt}};
        auto access = tokens::issue_access_token(*keys, m_settings.issuer, at, now);
        if (!access) return OAuthError{"temporarily_unavailable", access.error().message, 503};
        nlohmann::json response = {{"access_token", access->token},
                                   {"token_type", request.dpop_jkt ? "DPoP" : "Bearer"},
                                   {"expires_in", access->expires_in},
                                   {"refresh_token", rotation.next.token},
                                   {"scope", scope}};
        if (has_scope(scope, "openid")) {
            nlohmann::json claims = user_claims(*user, scope);
            claims.update({{"iss", m_settings.issuer},
                           {"aud", client.client_id},
                           {"azp", client.client_id},
                           {"iat", now},
                           {"exp", now + m_settings.id_token_seconds},
                           {"auth_time", auth_time},
                           {"sid", session->id},
                           {"acr", acr_for(session->amr)},
                           {"at_hash", half_hash(access->token, keys->active->algorithm())}});
            if (!session->amr.empty()) claims["amr"] = session->amr;
            if (session->organization_id) claims["org_id"] = *session->organization_id;
            auto id_token = sign_id_token(*keys, claims);
            if (id_token) response["id_token"] = *id_token;
        }
        return response;
    });
    } catch (const RefreshKeyMismatch&) {
        return OAuthError{"invalid_dpop_proof", "this refresh token is bound to a DPoP key: send a DPoP proof of that key", 400};
    }
}

TokenResult Provider::client_credentials_grant(const OAuthClient& client, const TokenRequest& request) {
    if (client.is_public) return OAuthError{"unauthorized_client", "public clients cannot use client_credentials", 400};
    std::vector<std::string> granted;
    const auto requested = parse_scope(param(request.form, "scope"));
    // No user is involved, so user scopes make no sense here.
    std::vector<std::string> allowed;
    for (const auto& s : client.scopes)
        if (s != "openid" && s != "profile" && s != "email" && s != "phone" && s != "offline_access" &&
            s != "integrations:read")
            allowed.push_back(s);
    if (requested.empty()) granted = allowed;
    else if (!scopes_allowed(requested, allowed)) return OAuthError{"invalid_scope", "the client may not request one of these scopes", 400};
    else granted = requested;

    auto keys = m_keys.snapshot();
    tokens::AccessTokenRequest at;
    at.subject = client.client_id;
    at.client_id = client.client_id;
    at.scope = join_scope(granted);
    at.audience = m_settings.audience;
    at.lifetime_seconds = client.access_token_ttl_seconds.value_or(m_settings.access_token_seconds);
    // A client an organization owns (an IoT device, core/iot) speaks for that organization: org_id.
    at.organization_id = client.organization_id;
    if (request.dpop_jkt) at.extra_claims["cnf"] = {{"jkt", *request.dpop_jkt}};
    auto access = tokens::issue_access_token(*keys, m_settings.issuer, at, unix_seconds_now());
    if (!access) return OAuthError{"temporarily_unavailable", access.error().message, 503};
    audit::Event e;
    e.action = "oauth.token_issued";
    e.actor_type = "client";
    e.actor_id = client.client_id;
    e.ip_address = request.meta.ip;
    e.request_id = request.meta.request_id;
    e.details = {{"grant_type", "client_credentials"}, {"scope", at.scope}, {"dpop_bound", request.dpop_jkt.has_value()}};
    m_grant_events.record(e);
    return nlohmann::json{{"access_token", access->token},
                          {"token_type", request.dpop_jkt ? "DPoP" : "Bearer"},
                          {"expires_in", access->expires_in},
                          {"scope", at.scope}};
}

}  // namespace janua::oidc
