// Token exchange (RFC 8693): a client allowed the grant trades an access token Janua issued
// (the subject token) for a new one that is narrower — fewer scopes, one audience, never more —
// and, with an actor_token, records who acts for the subject in the "act" claim (delegation).
#include "core/audit/audit.hpp"
#include "core/common/time.hpp"
#include "core/identity/sessions.hpp"
#include "core/oidc/provider.hpp"
#include "core/oidc/scopes.hpp"
#include "core/tokens/access_token.hpp"

namespace janua::oidc {
namespace {

constexpr const char* k_type_access_token = "urn:ietf:params:oauth:token-type:access_token";

std::string param(const Params& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

OAuthError invalid_request(const std::string& d) { return {"invalid_request", d, 400}; }

bool audience_includes(const nlohmann::json& claims, const std::string& who) {
    if (!claims.contains("aud")) return false;
    const auto& aud = claims["aud"];
    if (aud.is_string()) return aud.get<std::string>() == who;
    if (aud.is_array())
        for (const auto& a : aud)
            if (a.is_string() && a.get<std::string>() == who) return true;
    return false;
}

}  // namespace

TokenResult Provider::token_exchange_grant(const OAuthClient& client, const TokenRequest& request) {
    const auto& form = request.form;
    const std::string subject_token = param(form, "subject_token");
    if (subject_token.empty()) return invalid_request("subject_token is required");
    if (param(form, "subject_token_type") != k_type_access_token)
        return invalid_request("subject_token_type must be " + std::string(k_type_access_token));
    const std::string requested_type = param(form, "requested_token_type");
    if (!requested_type.empty() && requested_type != k_type_access_token)
        return invalid_request("only access tokens are issued by token exchange (requested_token_type)");

    auto keys = m_keys.snapshot();
    const auto now = unix_seconds_now();
    // A live token of this issuer, whose session (if any) has not ended.
    auto check = [&](const std::string& token, const char* what) -> std::variant<tokens::VerifiedAccessToken, OAuthError> {
        if (auto kid = tokens::peek_kid(token)) m_keys.reload_if_unknown(*kid);
        auto verified = tokens::verify_access_token(token, *keys, {m_settings.issuer, "", now, 0});
        if (!verified) return OAuthError{"invalid_grant", std::string(what) + " is not a valid access token of this server", 400};
        if (!verified->session_id.empty()) {
            const bool live = m_pool.transact([&](db::Transaction& tx) {
                auto session = identity::sessions::find(tx, verified->session_id);
                return session && session->revoked_at.empty();
            });
            if (!live) return OAuthError{"invalid_grant", std::string(what) + " belongs to a session that has ended", 400};
        }
        return *verified;
    };
    auto subject_checked = check(subject_token, "subject_token");
    if (auto* e = std::get_if<OAuthError>(&subject_checked)) return *e;
    const auto& subject = std::get<tokens::VerifiedAccessToken>(subject_checked);
    // RFC 8693 2.1 (and Keycloak's standard token exchange): only an intended recipient of the
    // subject token may exchange it — the client it was issued to, or one named in its aud. A
    // client that merely got hold of someone else's token cannot re-issue it to itself.
    if (subject.client_id != client.client_id && !audience_includes(subject.claims, client.client_id))
        return OAuthError{"invalid_grant",
                          "subject_token was issued to another client and does not name this one in its audience; "
                          "have its holder exchange it for audience '" + client.client_id + "' first",
                          400};
    // A sender-constrained subject token (RFC 9449 cnf.jkt) is exchanged only by its key holder,
    // and the new token stays bound to that key: a stolen DPoP token cannot become a Bearer one.
    if (subject.claims.contains("cnf") && subject.claims["cnf"].is_object() && subject.claims["cnf"].contains("jkt")) {
        const auto& bound = subject.claims["cnf"]["jkt"];
        if (!request.dpop_jkt || !bound.is_string() || bound.get<std::string>() != *request.dpop_jkt)
            return OAuthError{"invalid_grant",
                              "subject_token is DPoP-bound: send a DPoP proof made with its key", 400};
    }

    // Scope: a subset of the subject token's and of what this client may ask for; never broader.
    const auto held = parse_scope(subject.scope);
    std::vector<std::string> scope;
    const auto requested = parse_scope(param(form, "scope"));
    if (requested.empty()) {
        for (const auto& s : held)
            if (scopes_allowed({s}, client.scopes)) scope.push_back(s);
    } else {
        if (!scopes_allowed(requested, held))
            return OAuthError{"invalid_scope", "token exchange may only narrow the subject token's scope", 400};
        if (!scopes_allowed(requested, client.scopes))
            return OAuthError{"invalid_scope", "this client may not request one of these scopes", 400};
        scope = requested;
    }

    // Audience: Janua's own API audience or the client_id of an enabled registered client.
    std::string audience = m_settings.audience;
    const std::string wanted_audience = param(form, "audience");
    const std::string resource = param(form, "resource");
    if (!wanted_audience.empty() && !resource.empty() && wanted_audience != resource)
        return OAuthError{"invalid_target", "give audience or resource, or both naming the same target", 400};
    const std::string target = !wanted_audience.empty() ? wanted_audience : resource;
    if (!target.empty()) {
        auto named = m_clients.get(target);
        if (target != m_settings.audience && (!named || !named->enabled))
            return OAuthError{"invalid_target", "the audience must be '" + m_settings.audience + "' or a registered client_id", 400};
        audience = target;
    }

    nlohmann::json act;
    const std::string actor_token = param(form, "actor_token");
    if (!actor_token.empty()) {
        if (param(form, "actor_token_type") != k_type_access_token)
            return invalid_request("actor_token_type must be " + std::string(k_type_access_token));
        auto actor_checked = check(actor_token, "actor_token");
        if (auto* e = std::get_if<OAuthError>(&actor_checked)) return *e;
        const auto& actor = std::get<tokens::VerifiedAccessToken>(actor_checked);
        act = {{"sub", actor.subject}, {"client_id", actor.client_id}};
        // RFC 8693 4.1: an earlier delegation chain nests inside.
        if (subject.claims.contains("act")) act["act"] = subject.claims["act"];
    } else if (!param(form, "actor_token_type").empty()) {
        return invalid_request("actor_token_type without actor_token");
    } else if (subject.claims.contains("act")) {
        act = subject.claims["act"];
    }

    tokens::AccessTokenRequest at;
    at.subject = subject.subject;
    at.session_id = subject.session_id;  // ending the subject's session ends this token too
    at.client_id = client.client_id;
    at.scope = join_scope(scope);
    at.audience = audience;
    at.amr = subject.amr;
    at.auth_time = subject.claims.value("auth_time", std::int64_t{0});
    const auto subject_left = subject.claims.value("exp", now) - now;
    at.lifetime_seconds = std::max<std::int64_t>(1, std::min<std::int64_t>(subject_left, client.access_token_ttl_seconds.value_or(m_settings.access_token_seconds)));
    if (!act.is_null()) at.extra_claims["act"] = act;
    if (request.dpop_jkt) at.extra_claims["cnf"] = {{"jkt", *request.dpop_jkt}};
    auto access = tokens::issue_access_token(*keys, m_settings.issuer, at, now);
    if (!access) return OAuthError{"temporarily_unavailable", access.error().message, 503};
    m_pool.transact([&](db::Transaction& tx) {
        audit::Event e;
        e.action = "oauth.token_issued";
        e.actor_type = "client";
        e.actor_id = client.client_id;
        e.target_type = "user";
        e.target_id = subject.subject;
        e.ip_address = request.meta.ip;
        e.request_id = request.meta.request_id;
        e.details = {{"grant_type", k_grant_token_exchange}, {"scope", at.scope}, {"audience", audience},
                     {"subject_client_id", subject.client_id}, {"delegation", !act.is_null()}};
        audit::record(tx, e);
    });
    return nlohmann::json{{"access_token", access->token},
                          {"issued_token_type", k_type_access_token},
                          {"token_type", request.dpop_jkt ? "DPoP" : "Bearer"},
                          {"expires_in", access->expires_in},
                          {"scope", at.scope}};
}

}  // namespace janua::oidc
