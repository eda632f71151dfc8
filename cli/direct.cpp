#include "cli/direct.hpp"

#include "core/admin/runtime_settings.hpp"
#include "core/crypto/field_cipher.hpp"


namespace janua::cli {

DirectServices::DirectServices(const config::Config& config) : m_config(config) {
    m_pool = std::make_unique<db::Pool>(db::PoolSettings{config.database_url, 2, config.database_connect_timeout_seconds,
                                                         config.database_acquire_timeout_ms,
                                                         config.database_statement_timeout_ms, "janua-cli"});
}

identity::UserAdmin& DirectServices::users() {
    if (!m_users) {
        if (!m_hasher)  // one worker and no queue wait: the CLI hashes one password at a time
            m_hasher = std::make_unique<identity::PasswordHasher>(
                identity::HasherSettings{1, 4, 120000, m_config.bcrypt_rounds});
        m_users = std::make_unique<identity::UserAdmin>(*m_pool, *m_hasher, identity::password_policy_from(m_config));
        m_users->use_runtime_settings(&runtime_settings());  // the database's password_min_length applies here too
    }
    return *m_users;
}

admin::RuntimeSettings& DirectServices::runtime_settings() {
    if (!m_runtime) {
        m_runtime = std::make_unique<admin::RuntimeSettings>(m_config);
        m_runtime->reload(*m_pool);
    }
    return *m_runtime;
}

oidc::ClientService& DirectServices::clients() {
    if (!m_clients) m_clients = std::make_unique<oidc::ClientService>(*m_pool);
    return *m_clients;
}

tokens::KeyManager& DirectServices::keys() {
    if (!m_keys) {
        m_keys = tokens::make_key_manager(*m_pool, m_config);
    }
    return *m_keys;
}

orgs::OrgService& DirectServices::orgs() {
    if (!m_orgs) m_orgs = std::make_unique<orgs::OrgService>(*m_pool, orgs::OrgSettings{m_config.max_organizations_per_identity});
    return *m_orgs;
}

orgs::InvitationService& DirectServices::invitations() {
    if (!m_invitations) {
        if (!m_hasher)
            m_hasher = std::make_unique<identity::PasswordHasher>(
                identity::HasherSettings{1, 4, 120000, m_config.bcrypt_rounds});
        m_invitations = std::make_unique<orgs::InvitationService>(*m_pool, *m_hasher, orgs::invitation_settings(m_config));
    }
    return *m_invitations;
}

scim::TokenService& DirectServices::scim_tokens() {
    if (!m_scim_tokens) m_scim_tokens = std::make_unique<scim::TokenService>(*m_pool);
    return *m_scim_tokens;
}

scim::GroupService& DirectServices::scim_groups() {
    if (!m_scim_groups) m_scim_groups = std::make_unique<scim::GroupService>(*m_pool, m_config.base_url);
    return *m_scim_groups;
}

rbac::ApiKeyService& DirectServices::api_keys() {
    if (!m_api_keys) m_api_keys = std::make_unique<rbac::ApiKeyService>(*m_pool);
    return *m_api_keys;
}

mfa::MfaService& DirectServices::mfa() {
    if (!m_mfa) {
        users();  // the hasher
        // No AuthService: sign-ins never happen in the CLI.
        m_mfa = std::make_unique<mfa::MfaService>(
            mfa::MfaSettings{m_config.app_name, m_config.enable_mfa, m_config.account_lockout_threshold,
                             m_config.account_lockout_duration_minutes},
            *m_pool, *m_hasher, crypto::make_field_keyring(m_config.field_encryption_keys, m_config.secret_key), nullptr);
    }
    return *m_mfa;
}

webhooks::WebhookService& DirectServices::webhooks() {
    if (!m_webhooks) m_webhooks = webhooks::make_webhook_service(*m_pool, m_config);
    return *m_webhooks;
}

federation::ProviderService& DirectServices::identity_providers() {
    if (!m_identity_providers) {
        federation::UpstreamPolicy policy;
        policy.allow_private = m_config.upstream_idp_allow_private;
        m_upstream_discovery = std::make_unique<federation::DiscoveryCache>(policy);
        m_identity_providers = std::make_unique<federation::ProviderService>(
            *m_pool, crypto::make_field_keyring(m_config.field_encryption_keys, m_config.secret_key), *m_upstream_discovery,
            m_config.upstream_idp_allow_private);
    }
    return *m_identity_providers;
}

}  // namespace janua::cli
