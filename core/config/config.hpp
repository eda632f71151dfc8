#pragma once
// One configuration for both programs. Precedence, lowest first:
// built-in defaults < janua.yaml (--config / JANUA_CONFIG) < environment < command-line flags.
// Every setting is declared once, in settings_table() (config.cpp).

#include "core/common/result.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace janua::config {

struct Config {
    // Core application
    std::string app_name;
    std::string environment;  // development | test | staging | production
    std::string base_url;
    std::string frontend_url;
    std::string log_level;

    // Database
    std::string database_url;
    int database_pool_size = 0;
    int database_connect_timeout_seconds = 0;
    int database_acquire_timeout_ms = 0;
    int database_statement_timeout_ms = 0;

    // HTTP server
    std::string listen;
    // januad terminates TLS itself when both are set (PEM files): JANUA_TLS_CERT / JANUA_TLS_KEY.
    std::string tls_cert;
    std::string tls_key;
    int http_threads = 0;
    int max_request_body_bytes = 0;
    int shutdown_grace_seconds = 0;
    std::vector<std::string> cors_origins;
    std::vector<std::string> trusted_proxies;

    // JWT & sessions
    std::string jwt_algorithm;
    std::string jwt_issuer;
    std::string jwt_audience;
    int jwt_access_token_expire_minutes = 0;
    int jwt_refresh_token_expire_days = 0;
    int signing_key_rotation_days = 0;
    int authorization_code_ttl_seconds = 0;
    int id_token_expire_minutes = 0;
    // OAuth dynamic client registration (RFC 7591/7592)
    bool oauth_dynamic_registration_enabled = false;
    bool oauth_jwks_uri_allow_private = false;
    std::string oauth_registration_initial_access_token;

    // Security
    std::string secret_key;
    std::vector<std::string> field_encryption_keys;
    int bcrypt_rounds = 0;
    int password_min_length = 0;
    bool password_require_uppercase = false;
    bool password_require_lowercase = false;
    bool password_require_digit = false;
    bool password_require_special = false;
    int password_hash_workers = 0;
    int password_hash_wait_ms = 0;
    int rate_limit_per_minute = 0;
    int rate_limit_per_hour = 0;
    int account_lockout_threshold = 0;
    int account_lockout_duration_minutes = 0;

    // Email
    bool email_enabled = false;
    std::string email_provider;  // log | file | smtp
    std::string email_from;
    std::string email_file_dir;
    std::string smtp_host;
    int smtp_port = 0;
    std::string smtp_username;
    std::string smtp_password;
    bool smtp_starttls = false;
    int email_token_expire_minutes = 0;
    int magic_link_expire_minutes = 0;

    // Feature flags
    bool enable_signups = false;
    bool enable_magic_links = false;
    bool require_email_verification = false;
    bool enable_oauth = false;
    bool enable_mfa = false;
    bool enable_organizations = false;
    bool enable_sso = false;
    bool enable_scim = false;
    bool enable_webhooks = false;
    bool enable_audit = false;
    bool enable_docs = false;

    // WebAuthn
    std::string webauthn_rp_id;
    std::string webauthn_rp_name;
    std::vector<std::string> webauthn_origins;

    // Limits
    int max_organizations_per_identity = 0;
    int max_sessions_per_identity = 0;
    int max_passkeys_per_identity = 0;
    int max_webhooks_per_tenant = 0;

    // Webhook delivery
    bool webhook_allow_private = false;
    int webhook_timeout_seconds = 0;
    int webhook_retry_base_ms = 0;
    int webhook_workers = 0;  // delivery threads

    // Privacy compliance (core/compliance)
    bool compliance_gdpr_enabled = false;
    bool compliance_ccpa_enabled = false;
    bool compliance_soc2_enabled = false;
    bool compliance_hipaa_enabled = false;
    int default_retention_period_days = 0;
    int compliance_retention_interval_minutes = 0;
    // Upstream identity providers (social login, enterprise OIDC)
    bool upstream_idp_allow_private = false;
    int upstream_login_state_ttl_seconds = 0;
    int upstream_clock_skew_seconds = 0;

    // Devices and risk-based sign-in (core/devices).
    bool devices_enabled = true;
    int risk_step_up_threshold = 0;
    std::string risk_geoip_file;
    bool new_device_emails_enabled = true;

    // Real-time audit event stream (core/events) and alerts (core/alerts).
    int event_stream_max_connections = 0;
    int event_stream_queue_size = 0;
    int event_stream_heartbeat_seconds = 0;
    int event_stream_max_seconds = 0;
    bool alerts_enabled = true;
    // Avatars and stored files (core/storage, core/avatars).
    int avatar_max_bytes = 0;
    int avatar_max_dimension = 0;
    std::string storage_backend;  // local | s3
    std::string storage_dir;
    std::string s3_endpoint;
    std::string s3_bucket;
    std::string s3_region;
    std::string s3_access_key_id;
    std::string s3_secret_access_key;
    std::string s3_secret_access_key_file;

    // The billing webhook (core/billing); plans and the default plan live in the database.
    std::string billing_webhook_secret;
    std::string billing_webhook_secret_file;
    int billing_webhook_tolerance_seconds = 0;

    bool is_production() const { return environment == "production"; }
};

enum class Source { default_value, file, environment, flag };
const char* source_name(Source source);

// Where the loader reads from; injectable so tests need no real environment or files.
struct LoadInput {
    std::optional<std::string> config_file;            // from --config
    std::map<std::string, std::string> flags;          // setting name (e.g. "DATABASE_URL") -> value
    std::function<std::optional<std::string>(const std::string&)> getenv;  // defaults to ::getenv
};

// One row of `janua config show`: secrets are masked.
struct SettingView {
    std::string name;
    std::string value;
    Source source;
    std::string description;
};

struct Loaded {
    Config config;
    std::vector<SettingView> settings;
    std::vector<std::string> warnings;  // e.g. development fallbacks in use
};

// Load and validate. The error message is one line naming the setting and the reason.
Result<Loaded> load(const LoadInput& input);

// The names of all settings (the environment variable names), for help texts and completion.
std::vector<std::string> setting_names();

}  // namespace janua::config
