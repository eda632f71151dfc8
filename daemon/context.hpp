#pragma once
// What every route handler may use: configuration, the database pool and the core services.

#include "core/admin/runtime_settings.hpp"
#include "core/alerts/evaluator.hpp"
#include "core/alerts/service.hpp"
#include "core/avatars/avatar_service.hpp"
#include "core/billing/billing_service.hpp"
#include "core/branding/service.hpp"
#include "core/compliance/service.hpp"
#include "core/common/rate_limiter.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/events/hub.hpp"
#include "core/events/stream.hpp"
#include "core/federation/login_service.hpp"
#include "core/identity/auth_service.hpp"
#include "core/devices/device_service.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/integrations/integration_service.hpp"
#include "core/iot/device_service.hpp"
#include "core/identity/user_admin.hpp"
#include "core/mfa/mfa_service.hpp"
#include "core/migration/migration_service.hpp"
#include "core/webauthn/webauthn_service.hpp"
#include "core/oidc/client_service.hpp"
#include "core/oidc/provider.hpp"
#include "core/orgs/invitation_service.hpp"
#include "core/orgs/org_service.hpp"
#include "core/rbac/access.hpp"
#include "core/rbac/api_keys.hpp"
#include "core/scim/tokens.hpp"
#include "core/saml/service.hpp"
#include "core/scim/users.hpp"
#include "core/scim/groups.hpp"
#include "core/tokens/signing_keys.hpp"
#include "core/webhooks/service.hpp"
#include "daemon/metrics.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace janua::daemon {

struct DaemonContext {
    config::Config config;
    std::unique_ptr<db::Pool> pool;
    std::unique_ptr<tokens::KeyManager> keys;
    std::unique_ptr<identity::PasswordHasher> hasher;
    std::unique_ptr<identity::AuthService> auth;
    std::unique_ptr<identity::UserAdmin> user_admin;
    std::unique_ptr<oidc::ClientService> clients;
    std::unique_ptr<oidc::Provider> provider;
    // Organizations, RBAC, invitations, API keys.
    std::unique_ptr<rbac::AccessControl> access;
    std::unique_ptr<rbac::ApiKeyService> api_keys;
    std::unique_ptr<orgs::OrgService> orgs;
    std::unique_ptr<orgs::InvitationService> invitations;
    std::unique_ptr<mfa::MfaService> mfa;
    std::unique_ptr<webauthn::WebAuthnService> webauthn;
    std::unique_ptr<webhooks::WebhookService> webhooks;
    // SCIM provisioning (core/scim).
    std::unique_ptr<scim::TokenService> scim_tokens;
    std::unique_ptr<scim::UserService> scim_users;
    // Privacy compliance (core/compliance).
    std::unique_ptr<compliance::ComplianceService> compliance;
    // Upstream identity providers: social login and enterprise OIDC (core/federation).
    std::unique_ptr<federation::DiscoveryCache> upstream_discovery;
    std::unique_ptr<federation::ProviderService> identity_providers;
    std::unique_ptr<federation::LoginService> upstream_login;
    std::unique_ptr<scim::GroupService> scim_groups;
    // Enterprise SSO over SAML 2.0 (core/saml).
    std::unique_ptr<saml::SamlService> saml;
    // Auth0/Keycloak imports (core/migration).
    std::unique_ptr<migration::MigrationService> migration;
    Metrics metrics;
    std::unique_ptr<RateLimiter> rate_limiter;  // null: no limits
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> shutting_down{false};
    std::unique_ptr<admin::RuntimeSettings> runtime_settings;  // system settings from the database
    std::unique_ptr<devices::DeviceService> devices;  // null: DEVICES_ENABLED=false
    // The real-time audit event stream (daemon/routes/event_routes.cpp) and alerts.
    std::unique_ptr<events::EventHub> event_hub;
    events::StreamSettings event_stream;
    std::unique_ptr<alerts::AlertService> alerts;
    std::unique_ptr<alerts::Evaluator> alert_evaluator;
    // Uploaded files (STORAGE_BACKEND) and the avatars kept in them (core/storage, core/avatars).
    std::unique_ptr<storage::ObjectStore> storage;
    std::unique_ptr<avatars::AvatarService> avatars;
    // Plans, subscriptions and the signed billing webhook (core/billing).
    std::unique_ptr<billing::BillingService> billing;
    std::unique_ptr<integrations::IntegrationService> integrations;  // users' upstream tokens (core/integrations)
    std::unique_ptr<iot::DeviceService> iot_devices;                 // organizations' IoT devices (core/iot)
    // Branding, custom domains and translation overrides of organizations (core/branding).
    std::unique_ptr<branding::BrandingService> branding;
};

}  // namespace janua::daemon
