#pragma once
// The CLI's direct mode: the same core services the daemon uses, on a small pool of its own.

#include "core/admin/runtime_settings.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/federation/provider_service.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/user_admin.hpp"
#include "core/mfa/mfa_service.hpp"
#include "core/oidc/client_service.hpp"
#include "core/orgs/invitation_service.hpp"
#include "core/orgs/org_service.hpp"
#include "core/rbac/api_keys.hpp"
#include "core/scim/groups.hpp"
#include "core/scim/tokens.hpp"
#include "core/tokens/signing_keys.hpp"
#include "core/webhooks/service.hpp"

#include <memory>

namespace janua::cli {

class DirectServices {
public:
    explicit DirectServices(const config::Config& config);
    db::Pool& pool() { return *m_pool; }
    identity::UserAdmin& users();
    oidc::ClientService& clients();
    tokens::KeyManager& keys();
    // The database's runtime settings over this configuration (read once).
    admin::RuntimeSettings& runtime_settings();
    orgs::OrgService& orgs();
    orgs::InvitationService& invitations();
    rbac::ApiKeyService& api_keys();
    scim::TokenService& scim_tokens();
    scim::GroupService& scim_groups();
    mfa::MfaService& mfa();
    webhooks::WebhookService& webhooks();
    federation::ProviderService& identity_providers();

private:
    const config::Config& m_config;
    std::unique_ptr<db::Pool> m_pool;
    std::unique_ptr<identity::PasswordHasher> m_hasher;
    std::unique_ptr<identity::UserAdmin> m_users;
    std::unique_ptr<oidc::ClientService> m_clients;
    std::unique_ptr<tokens::KeyManager> m_keys;
    std::unique_ptr<admin::RuntimeSettings> m_runtime;
    std::unique_ptr<orgs::OrgService> m_orgs;
    std::unique_ptr<orgs::InvitationService> m_invitations;
    std::unique_ptr<rbac::ApiKeyService> m_api_keys;
    std::unique_ptr<scim::TokenService> m_scim_tokens;
    std::unique_ptr<scim::GroupService> m_scim_groups;
    std::unique_ptr<mfa::MfaService> m_mfa;
    std::unique_ptr<webhooks::WebhookService> m_webhooks;
    std::unique_ptr<federation::DiscoveryCache> m_upstream_discovery;
    std::unique_ptr<federation::ProviderService> m_identity_providers;
};

}  // namespace janua::cli
