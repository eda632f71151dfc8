#include "core/federation/provider_service.hpp"

#include "core/audit/audit.hpp"
#include "core/billing/limits.hpp"
#include "core/common/time.hpp"
#include "core/db/atomically.hpp"
#include "core/federation/apple_secret.hpp"
#include "core/federation/provider_repository.hpp"
#include "core/federation/upstream_tokens.hpp"
#include "core/orgs/org_repository.hpp"

namespace janua::federation {
namespace {

Error not_found() { return make_error(ErrorCode::not_found, "identity provider not found"); }

audit::Event event_for(const std::string& action, const IdentityProvider& p, const Actor& actor) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = p.organization_id;
    e.target_type = "identity_provider";
    e.target_id = p.id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = {{"slug", p.slug}, {"preset", p.preset}};
    return e;
}

// The members a change touched, for the audit entry (never the secret's value).
nlohmann::json changed_members(const nlohmann::json& body) {
    nlohmann::json out = nlohmann::json::array();
    for (auto it = body.begin(); it != body.end(); ++it) out.push_back(it.key());
    return out;
}

}  // namespace

Result<std::vector<IdentityProvider>> ProviderService::list(const std::optional<std::string>& organization_id) {
    return m_pool.transact([&](db::Transaction& tx) { return providers::list(tx, organization_id); });
}

Result<IdentityProvider> ProviderService::get(const std::optional<std::string>& organization_id, const std::string& ref) {
    auto found = m_pool.transact([&](db::Transaction& tx) { return providers::find(tx, organization_id, ref); });
    if (!found) return not_found();
    return *found;
}

Status ProviderService::check_role(db::Transaction& tx, const IdentityProvider& p) {
    if (!p.organization_id) return Ok{};
    if (p.default_role == "owner") {
        Error e = make_error(ErrorCode::validation, "default_role cannot be owner");
        e.details = nlohmann::json::array({{{"field", "default_role"}, {"message", "cannot be owner"}}});
        return e;
    }
    if (!orgs::repo::find_role(tx, *p.organization_id, p.default_role)) {
        Error e = make_error(ErrorCode::validation, "default_role '" + p.default_role + "' is not a role of this organization");
        e.details = nlohmann::json::array({{{"field", "default_role"}, {"message", "is not a role of this organization"}}});
        return e;
    }
    return Ok{};
}

Result<IdentityProvider> ProviderService::create(const std::optional<std::string>& organization_id,
                                                 const nlohmann::json& body, const Actor& actor) {
    IdentityProvider p = new_provider(organization_id);
    std::optional<std::string> secret;
    if (auto applied = apply_spec(p, body, true, m_allow_private, secret); !applied) return applied.error();
    if (secret) p.client_secret_encrypted = m_cipher.encrypt(*secret);
    return db::atomically<IdentityProvider>(m_pool, [&](db::Transaction& tx) -> Result<IdentityProvider> {
        if (auto role = check_role(tx, p); !role) return role.error();
        if (p.organization_id)
            if (auto allowed = billing::require_feature(tx, *p.organization_id, billing::Feature::sso); !allowed)
                return allowed.error();
        auto created = providers::insert(tx, p, actor.type == "user" ? actor.id : std::nullopt);
        if (!created) return created.error();
        auto e = event_for("identity_provider.created", *created, actor);
        e.details["client_secret_set"] = created->client_secret_encrypted.has_value();
        audit::record(tx, e);
        return created;
    });
}

Result<IdentityProvider> ProviderService::update(const std::optional<std::string>& organization_id, const std::string& ref,
                                                 const nlohmann::json& body, const Actor& actor) {
    auto updated = db::atomically<IdentityProvider>(m_pool, [&](db::Transaction& tx) -> Result<IdentityProvider> {
        auto found = providers::find(tx, organization_id, ref);
        if (!found) return not_found();
        IdentityProvider p = *found;
        std::optional<std::string> secret;
        if (auto applied = apply_spec(p, body, false, m_allow_private, secret); !applied) return applied.error();
        if (secret) p.client_secret_encrypted = m_cipher.encrypt(*secret);
        if (auto role = check_role(tx, p); !role) return role.error();
        auto saved = providers::update(tx, p);
        if (!saved) return saved.error();
        auto e = event_for("identity_provider.updated", *saved, actor);
        e.details["changed"] = changed_members(body);
        // Turning token storage off forgets what was kept (least privilege, not merely "no more").
        if (found->store_tokens && !saved->store_tokens)
            e.details["upstream_tokens_deleted"] = upstream_tokens::remove_for_provider(tx, saved->id);
        audit::record(tx, e);
        return saved;
    });
    if (updated) m_discovery.forget(updated->id);
    return updated;
}

Status ProviderService::remove(const std::optional<std::string>& organization_id, const std::string& ref, const Actor& actor) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto found = providers::find(tx, organization_id, ref);
        if (!found) return not_found();
        providers::remove(tx, found->id);  // linked accounts and pending logins go with it (ON DELETE CASCADE)
        audit::record(tx, event_for("identity_provider.deleted", *found, actor));
        return Ok{};
    });
}

Result<nlohmann::json> ProviderService::test(const std::optional<std::string>& organization_id, const std::string& ref) {
    auto provider = get(organization_id, ref);
    if (!provider) return provider.error();
    m_discovery.forget(provider->id);
    auto metadata = m_discovery.metadata(*provider);
    if (!metadata) return metadata.error();
    nlohmann::json report = {{"provider", provider->slug},
                             {"protocol", provider->protocol},
                             {"authorization_endpoint", metadata->authorization_endpoint},
                             {"token_endpoint", metadata->token_endpoint},
                             {"userinfo_endpoint", metadata->userinfo_endpoint.empty() ? nlohmann::json(nullptr)
                                                                                       : nlohmann::json(metadata->userinfo_endpoint)}};
    if (provider->protocol == "oidc") {
        report["issuer"] = metadata->issuer;
        report["jwks_uri"] = metadata->jwks_uri;
        report["iss_parameter_supported"] = metadata->iss_parameter_supported;
        auto keys = m_discovery.keys(metadata->jwks_uri, std::nullopt);
        if (!keys) return keys.error();
        nlohmann::json kids = nlohmann::json::array();
        for (const auto& k : (*keys)["keys"])
            if (k.is_object()) kids.push_back({{"kid", k.value("kid", "")}, {"kty", k.value("kty", "")}, {"alg", k.value("alg", "")}});
        report["keys"] = kids;
    }
    report["ok"] = true;
    return report;
}

Result<std::string> ProviderService::client_secret(const IdentityProvider& provider) const {
    if (!provider.client_secret_encrypted) return std::string();
    auto plain = m_cipher.decrypt(*provider.client_secret_encrypted);
    if (!plain)
        return make_error(ErrorCode::internal, "the identity provider's client secret cannot be decrypted",
                          "FIELD_ENCRYPTION_KEY does not hold the key it was encrypted with");
    // Sign in with Apple: a fresh ES256 JWT from the stored .p8 key for each token request.
    if (auto apple = parse_apple_signing_key(plain.value())) {
        auto minted = apple_client_secret(*apple, provider.client_id, unix_seconds_now());
        if (!minted)
            return make_error(ErrorCode::sso_configuration, "the Apple signing key of this provider is unusable: " +
                                                                minted.error().message);
        return minted.value();
    }
    return plain.value();
}

}  // namespace janua::federation
