#include "daemon/services.hpp"

#include "core/common/log.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/identity/outbox_mailer.hpp"
#include "core/jobs/worker.hpp"
#include "core/mail/email_job.hpp"
#include "core/mail/sender.hpp"

namespace janua::daemon {

identity::AuthSettings auth_settings(const config::Config& cfg) {
    identity::AuthSettings s;
    s.issuer = cfg.jwt_issuer;
    s.audience = cfg.jwt_audience;
    s.base_url = cfg.base_url;
    s.frontend_url = cfg.frontend_url;
    s.access_token_minutes = cfg.jwt_access_token_expire_minutes;
    s.refresh_token_days = cfg.jwt_refresh_token_expire_days;
    s.lockout_threshold = cfg.account_lockout_threshold;
    s.lockout_minutes = cfg.account_lockout_duration_minutes;
    s.max_sessions = cfg.max_sessions_per_identity;
    s.enable_signups = cfg.enable_signups;
    s.enable_magic_links = cfg.enable_magic_links;
    s.require_email_verification = cfg.require_email_verification;
    s.email_token_minutes = cfg.email_token_expire_minutes;
    s.magic_link_minutes = cfg.magic_link_expire_minutes;
    s.password_policy = identity::password_policy_from(cfg);
    return s;
}

void build_org_services(DaemonContext& context) {
    const auto& cfg = context.config;
    context.access = std::make_unique<rbac::AccessControl>(*context.pool);
    context.api_keys = std::make_unique<rbac::ApiKeyService>(*context.pool);
    context.orgs = std::make_unique<orgs::OrgService>(*context.pool, orgs::OrgSettings{cfg.max_organizations_per_identity});
    context.invitations = std::make_unique<orgs::InvitationService>(*context.pool, *context.hasher,
                                                                    orgs::invitation_settings(cfg));
    context.scim_tokens = std::make_unique<scim::TokenService>(*context.pool);
    context.scim_users = std::make_unique<scim::UserService>(*context.pool, cfg.base_url);
    context.scim_groups = std::make_unique<scim::GroupService>(*context.pool, cfg.base_url);
}

void build_federation_services(DaemonContext& context) {
    const auto& cfg = context.config;
    const auto keyring = crypto::make_field_keyring(cfg.field_encryption_keys, cfg.secret_key);
    federation::UpstreamPolicy policy;
    policy.allow_private = cfg.upstream_idp_allow_private;
    context.upstream_discovery = std::make_unique<federation::DiscoveryCache>(policy);
    context.identity_providers = std::make_unique<federation::ProviderService>(*context.pool, keyring, *context.upstream_discovery,
                                                                               cfg.upstream_idp_allow_private);
    federation::LoginSettings login;
    login.base_url = cfg.base_url;
    login.frontend_url = cfg.frontend_url;
    login.state_ttl_seconds = cfg.upstream_login_state_ttl_seconds;
    login.clock_skew_seconds = cfg.upstream_clock_skew_seconds;
    login.signups_enabled = cfg.enable_signups;
    context.upstream_login = std::make_unique<federation::LoginService>(login, *context.pool, keyring, *context.upstream_discovery,
                                                                        *context.identity_providers, *context.auth);
    context.integrations = std::make_unique<integrations::IntegrationService>(*context.pool, keyring, *context.upstream_discovery,
                                                                              *context.identity_providers);
}

void build_services(DaemonContext& context, const db::PoolSettings& pool_settings) {
    const auto& cfg = context.config;
    context.pool = std::make_unique<db::Pool>(pool_settings);
    context.rate_limiter = std::make_unique<RateLimiter>(cfg.rate_limit_per_minute, cfg.rate_limit_per_hour);
    context.keys = tokens::make_key_manager(*context.pool, cfg);
    context.hasher = std::make_unique<identity::PasswordHasher>(identity::HasherSettings{
        cfg.password_hash_workers, cfg.password_hash_workers * 4, cfg.password_hash_wait_ms, cfg.bcrypt_rounds});
    context.auth = std::make_unique<identity::AuthService>(auth_settings(cfg), *context.pool, *context.hasher,
                                                           *context.keys, identity::outbox_mailer(cfg));
    context.user_admin = std::make_unique<identity::UserAdmin>(*context.pool, *context.hasher,
                                                               identity::password_policy_from(cfg));
    context.clients = std::make_unique<oidc::ClientService>(*context.pool);
    context.iot_devices = std::make_unique<iot::DeviceService>(*context.pool, *context.clients);
    context.runtime_settings = std::make_unique<admin::RuntimeSettings>(cfg);
    context.auth->use_runtime_settings(context.runtime_settings.get());
    context.user_admin->use_runtime_settings(context.runtime_settings.get());
    oidc::ProviderSettings provider_settings;
    provider_settings.issuer = cfg.jwt_issuer;
    provider_settings.audience = cfg.jwt_audience;
    provider_settings.access_token_seconds = cfg.jwt_access_token_expire_minutes * 60;
    provider_settings.refresh_token_days = cfg.jwt_refresh_token_expire_days;
    provider_settings.id_token_seconds = cfg.id_token_expire_minutes * 60;
    provider_settings.max_sessions = cfg.max_sessions_per_identity;
    provider_settings.code_seconds = cfg.authorization_code_ttl_seconds;
    provider_settings.dynamic_registration = cfg.oauth_dynamic_registration_enabled;
    provider_settings.registration_initial_access_token = cfg.oauth_registration_initial_access_token;
    provider_settings.jwks_uri_allow_private = cfg.oauth_jwks_uri_allow_private;
    context.provider = std::make_unique<oidc::Provider>(provider_settings, *context.pool, *context.keys, *context.clients);
    build_org_services(context);
    context.mfa = std::make_unique<mfa::MfaService>(
        mfa::MfaSettings{cfg.app_name, cfg.enable_mfa, cfg.account_lockout_threshold, cfg.account_lockout_duration_minutes},
        *context.pool, *context.hasher, crypto::make_field_keyring(cfg.field_encryption_keys, cfg.secret_key),
        context.auth.get());
    context.webauthn = std::make_unique<webauthn::WebAuthnService>(
        webauthn::WebAuthnSettings{cfg.webauthn_rp_id, cfg.webauthn_rp_name, cfg.webauthn_origins,
                                   cfg.max_passkeys_per_identity, 300},
        *context.pool, context.auth.get());
    context.webhooks = webhooks::make_webhook_service(*context.pool, cfg);
    context.branding = std::make_unique<branding::BrandingService>(*context.pool);
    context.compliance = std::make_unique<compliance::ComplianceService>(*context.pool, compliance::settings_from(cfg));
    build_federation_services(context);
    context.saml = std::make_unique<saml::SamlService>(
        *context.pool, crypto::make_field_keyring(cfg.field_encryption_keys, cfg.secret_key), context.auth.get(),
        saml::SamlSettings{cfg.base_url, cfg.webhook_allow_private, cfg.webhook_timeout_seconds, 600});
    context.migration = std::make_unique<migration::MigrationService>(
        *context.pool, crypto::make_field_keyring(cfg.field_encryption_keys, cfg.secret_key));
    context.event_hub = std::make_unique<events::EventHub>(
        *context.pool, events::HubSettings{cfg.event_stream_max_connections,
                                           static_cast<std::size_t>(cfg.event_stream_queue_size)});
    context.event_stream.heartbeat = std::chrono::seconds(cfg.event_stream_heartbeat_seconds);
    context.event_stream.max_duration = std::chrono::seconds(cfg.event_stream_max_seconds);
    context.alerts = std::make_unique<alerts::AlertService>(*context.pool);
    context.alert_evaluator = std::make_unique<alerts::Evaluator>(*context.pool);
}

void refresh_runtime_settings(DaemonContext& context) {
    try {
        context.runtime_settings->reload(*context.pool);
        const auto snapshot = context.runtime_settings->snapshot();
        context.rate_limiter->set_limits(snapshot->rate_limit_per_minute, snapshot->rate_limit_per_hour);
    } catch (const std::exception& e) {
        log::warn("cannot reload runtime settings; keeping the previous ones", {{"error", e.what()}});
    }
}

// The retention sweep (COMPLIANCE_RETENTION_INTERVAL_MINUTES apart): apply every policy, then
// schedule the next run. Only one sweep is pending at a time across every daemon.
static void register_retention_job(jobs::Worker& worker, compliance::ComplianceService& service) {
    worker.on(compliance::k_retention_job_kind, [&service](const jobs::Job&) -> Status {
        auto report = service.run_retention(identity::Actor{"system", std::nullopt, "", ""});
        if (!report) return report.error();
        service.schedule_retention(std::chrono::minutes(service.settings().retention_interval_minutes));
        return Ok{};
    });
}

struct BackgroundWork::Impl {
    std::unique_ptr<mail::MailSender> sender;
    std::unique_ptr<jobs::Worker> worker;
    // Webhook deliveries: a queue of their own for their retry schedule (WEBHOOK_RETRY_BASE_MS).
    std::unique_ptr<jobs::JobQueue> webhook_queue;
    std::unique_ptr<jobs::Worker> webhook_worker;
    int webhook_workers = 4;  // WEBHOOK_WORKERS
    compliance::ComplianceService* compliance = nullptr;
};

BackgroundWork::BackgroundWork(DaemonContext& context, const db::PoolSettings& pool_settings)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->sender = mail::make_sender(context.config);
    m_impl->worker = std::make_unique<jobs::Worker>(*context.pool, pool_settings);
    mail::register_email_handler(*m_impl->worker, *m_impl->sender);
    register_retention_job(*m_impl->worker, *context.compliance);
    m_impl->compliance = context.compliance.get();
    context.migration->register_handler(*m_impl->worker);
    // Objects of replaced, removed and erased avatars, queued by a trigger (migrations/0025).
    if (auto* avatars = context.avatars.get())
        m_impl->worker->on(avatars::k_sweep_job_kind, [avatars](const jobs::Job&) -> Status {
            if (avatars->sweep(200) > 0)
                return make_error(ErrorCode::unavailable, "file storage refused some deletions; retrying");
            return Ok{};
        });
    m_impl->webhook_queue = std::make_unique<jobs::JobQueue>(*context.pool, webhooks::webhook_backoff(context.config));
    jobs::WorkerSettings webhook_settings;
    webhook_settings.lease = webhooks::webhook_lease(context.config);
    webhook_settings.listen = pool_settings;
    m_impl->webhook_worker = std::make_unique<jobs::Worker>(*m_impl->webhook_queue, webhook_settings);
    context.webhooks->register_delivery_handler(*m_impl->webhook_worker);
    m_impl->webhook_workers = context.config.webhook_workers;
}

BackgroundWork::~BackgroundWork() { stop(); }

void BackgroundWork::start() {
    m_impl->worker->start(2);
    m_impl->webhook_worker->start(m_impl->webhook_workers);
    // The retention sweep runs once soon after start-up, then reschedules itself.
    try {
        m_impl->compliance->schedule_retention(std::chrono::minutes(1));
    } catch (const std::exception& e) {
        log::warn("cannot schedule the retention sweep; the next start-up will", {{"error", e.what()}});
    }
}

void BackgroundWork::stop() {
    if (m_impl->worker) (void)m_impl->worker->stop();
    if (m_impl->webhook_worker) (void)m_impl->webhook_worker->stop();
}

}  // namespace janua::daemon
