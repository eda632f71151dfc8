#include "core/integrations/integration_service.hpp"

#include "core/audit/audit.hpp"
#include "core/db/atomically.hpp"
#include "core/federation/provider_repository.hpp"
#include "core/identity/audit_events.hpp"
#include "core/oidc/scopes.hpp"

namespace janua::integrations {
namespace {

namespace tokens = federation::upstream_tokens;

Error no_token(const std::string& provider) {
    return make_error(ErrorCode::not_found, "no stored token for '" + provider +
                                                "': link that provider with token storage turned on, or sign in with it again");
}

Error with_reason(Error e, const char* reason) {
    e.details = nlohmann::json::array({{{"reason", reason}}});
    return e;
}

bool first_party(const identity::Principal& p) { return p.is_first_party() || p.client_id == "janua-cli"; }

}  // namespace

nlohmann::json to_json(const IssuedToken& t) {
    return {{"provider", t.provider},
            {"access_token", t.access_token},
            {"token_type", t.token_type},
            {"scopes", t.scopes},
            {"expires_at", t.expires_at ? nlohmann::json(*t.expires_at) : nlohmann::json(nullptr)},
            {"refreshed", t.refreshed}};
}

void IntegrationService::record(db::Transaction& tx, const Caller& caller, const std::string& action,
                                const std::string& outcome, const std::optional<std::string>& identity_id,
                                nlohmann::json details) {
    auto e = identity::request_event(action, caller.meta);
    e.outcome = outcome;
    e.actor_id = caller.principal.user_id;
    if (identity_id) {
        e.target_type = "user_identity";
        e.target_id = *identity_id;
    }
    // Which application asked on the user's behalf ("janua": the user themself).
    details["client_id"] = caller.principal.client_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

std::vector<tokens::StoredToken> IntegrationService::list(const std::string& user_id) {
    return m_pool.read([&](db::Transaction& tx) { return tokens::list_for_user(tx, user_id); });
}

Result<federation::UpstreamGrant> IntegrationService::refresh(db::Transaction& tx, const tokens::StoredToken& stored) {
    auto provider = federation::providers::find_by_id(tx, stored.provider_id);
    if (!provider || !provider->enabled)
        return with_reason(make_error(ErrorCode::conflict, "the identity provider was disabled or removed"), "provider_disabled");
    auto refresh_token = m_cipher.decrypt(*stored.refresh_token_encrypted);
    if (!refresh_token) return make_error(ErrorCode::internal, "the stored refresh token cannot be decrypted");
    auto metadata = m_discovery.metadata(*provider);
    if (!metadata) return with_reason(make_error(ErrorCode::unavailable, metadata.error().message), "upstream_error");
    auto secret = m_providers.client_secret(*provider);
    if (!secret) return secret.error();
    auto response = federation::call_token_endpoint(*provider, metadata->token_endpoint, *secret,
                                                    {{"grant_type", "refresh_token"}, {"refresh_token", *refresh_token}},
                                                    m_discovery.policy());
    // The upstream's refusal is not the caller's authentication failure: 503 with what it said.
    if (!response) return with_reason(make_error(ErrorCode::unavailable, response.error().message), "refresh_failed");
    auto grant = federation::grant_of(*response);
    if (!grant)
        return with_reason(make_error(ErrorCode::unavailable, "the identity provider's refresh gave no access token"),
                           "refresh_failed");
    return *grant;
}

Result<IssuedToken> IntegrationService::token(const Caller& caller, const std::string& provider) {
    const auto& p = caller.principal;
    // An application reads tokens only with the user's consent to integrations:read.
    if (!first_party(p) && !oidc::has_scope(p.scope, k_read_scope)) {
        m_pool.transact([&](db::Transaction& tx) {
            record(tx, caller, "integration.token_read", "failure", std::nullopt,
                   {{"provider", federation::sanitized(provider, 64)}, {"reason", "scope_missing"}});
        });
        return with_reason(make_error(ErrorCode::authorization, std::string("this access token lacks the scope ") +
                                                                    k_read_scope + ", which the user must grant"),
                           "scope_missing");
    }
    if (provider.empty() || provider.size() > 63) return no_token(provider.substr(0, 63));
    std::optional<std::string> identity_id;
    auto issued = db::atomically<IssuedToken>(m_pool, [&](db::Transaction& tx) -> Result<IssuedToken> {
        auto stored = tokens::lock_for_user(tx, p.user_id, provider);
        if (!stored) return no_token(provider);
        identity_id = stored->identity_id;
        bool refreshed = false;
        if (stored->expired) {
            if (!stored->refresh_token_encrypted)
                return with_reason(make_error(ErrorCode::conflict, "the stored " + stored->provider_name +
                                                                       " token expired and the provider gave no refresh "
                                                                       "token; sign in with " + stored->provider_name +
                                                                       " again"),
                                   "token_expired");
            auto grant = refresh(tx, *stored);  // under the row lock: one refresh at a time per account
            if (!grant) return grant.error();
            tokens::put(tx, m_cipher, stored->identity_id, stored->user_id, *grant);
            stored = tokens::lock_for_user(tx, p.user_id, provider);
            refreshed = true;
        }
        auto access = m_cipher.decrypt(stored->access_token_encrypted);
        if (!access) return make_error(ErrorCode::internal, "the stored token cannot be decrypted",
                                       "FIELD_ENCRYPTION_KEY does not hold the key it was encrypted with");
        tokens::mark_used(tx, stored->identity_id);
        record(tx, caller, "integration.token_read", "success", stored->identity_id,
               {{"provider", stored->provider_slug}, {"scopes", stored->scopes}, {"refreshed", refreshed}});
        return IssuedToken{*access, stored->token_type, stored->scopes, stored->expires_at, refreshed, stored->provider_slug};
    });
    if (!issued && identity_id) {
        const auto reason = issued.error().details.is_array() ? issued.error().details[0].value("reason", "") : "";
        m_pool.transact([&](db::Transaction& tx) {
            record(tx, caller, "integration.token_read", "failure", identity_id,
                   {{"provider", federation::sanitized(provider, 64)}, {"reason", reason.empty() ? error_code_name(issued.error().code) : reason}});
        });
    }
    return issued;
}

Status IntegrationService::forget(const Caller& caller, const std::string& provider) {
    if (provider.empty() || provider.size() > 63) return no_token(provider.substr(0, 63));
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto stored = tokens::lock_for_user(tx, caller.principal.user_id, provider);
        if (!stored) return no_token(provider);
        tokens::remove(tx, stored->identity_id);
        record(tx, caller, "integration.token_deleted", "success", stored->identity_id, {{"provider", stored->provider_slug}});
        return Ok{};
    });
}

}  // namespace janua::integrations
