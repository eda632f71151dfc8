#include "core/config/config.hpp"
#include "core/policies/ip_range.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <utility>
#include <variant>

namespace janua::config {
namespace {

constexpr const char* k_dev_secret_key = "development-secret-key-change-me";

struct StringSetting {
    std::string Config::*field;
    std::vector<std::string> allowed;  // empty: any value
};
struct IntSetting {
    int Config::*field;
    int min;
    int max;
};
struct BoolSetting {
    bool Config::*field;
};
struct ListSetting {
    std::vector<std::string> Config::*field;
};
using Target = std::variant<StringSetting, IntSetting, BoolSetting, ListSetting>;

enum class Secret { yes, no };

struct Setting {
    const char* name;  // environment variable; the YAML key is its lower-case form
    const char* default_value;
    Target target;
    Secret secret;
    const char* description;
};

const std::vector<Setting>& settings_table() {
    using C = Config;
    static const std::vector<Setting> table = {
        {"APP_NAME", "Janua", StringSetting{&C::app_name, {}}, Secret::no, "application name shown to users"},
        {"ENVIRONMENT", "development", StringSetting{&C::environment, {"development", "test", "staging", "production"}}, Secret::no, "deployment environment; production refuses development defaults"},
        {"BASE_URL", "http://localhost:4100", StringSetting{&C::base_url, {}}, Secret::no, "public URL of this daemon, used in links and as the default issuer"},
        {"FRONTEND_URL", "http://localhost:3000", StringSetting{&C::frontend_url, {}}, Secret::no, "URL of the application front end, for redirects in emails"},
        {"LOG_LEVEL", "info", StringSetting{&C::log_level, {"trace", "debug", "info", "warn", "error", "critical", "off"}}, Secret::no, "minimum level of log lines"},

        {"DATABASE_URL", "postgresql://localhost:5432/janua", StringSetting{&C::database_url, {}}, Secret::yes, "PostgreSQL connection string (libpq URL or keywords)"},
        {"DATABASE_POOL_SIZE", "20", IntSetting{&C::database_pool_size, 1, 1000}, Secret::no, "maximum connections each process keeps"},
        {"DATABASE_CONNECT_TIMEOUT", "3", IntSetting{&C::database_connect_timeout_seconds, 1, 300}, Secret::no, "seconds to wait for a new database connection"},
        {"DATABASE_POOL_TIMEOUT_MS", "2000", IntSetting{&C::database_acquire_timeout_ms, 1, 600000}, Secret::no, "milliseconds a request waits for a free connection before 503"},
        {"DATABASE_STATEMENT_TIMEOUT_MS", "30000", IntSetting{&C::database_statement_timeout_ms, 0, 3600000}, Secret::no, "server-side statement timeout (0: none)"},

        {"JANUA_LISTEN", "127.0.0.1:4100", StringSetting{&C::listen, {}}, Secret::no, "address and port januad listens on"},
        {"JANUA_TLS_CERT", "", StringSetting{&C::tls_cert, {}}, Secret::no, "PEM certificate chain: januad terminates TLS itself (TLS 1.2+; with JANUA_TLS_KEY)"},
        {"JANUA_TLS_KEY", "", StringSetting{&C::tls_key, {}}, Secret::no, "PEM private key of JANUA_TLS_CERT (readable by januad only)"},
        {"JANUA_HTTP_THREADS", "16", IntSetting{&C::http_threads, 1, 1024}, Secret::no, "HTTP worker threads"},
        {"MAX_REQUEST_BODY_BYTES", "1048576", IntSetting{&C::max_request_body_bytes, 1024, 1073741824}, Secret::no, "largest request body accepted (413 above)"},
        {"SHUTDOWN_GRACE_SECONDS", "10", IntSetting{&C::shutdown_grace_seconds, 0, 600}, Secret::no, "how long in-flight requests may finish after SIGTERM"},
        {"CORS_ORIGINS", "http://localhost:3000", ListSetting{&C::cors_origins}, Secret::no, "comma-separated origins allowed by CORS"},
        {"TRUSTED_PROXIES", "", ListSetting{&C::trusted_proxies}, Secret::no, "reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client"},

        {"JWT_ALGORITHM", "RS256", StringSetting{&C::jwt_algorithm, {"RS256", "ES256", "EdDSA"}}, Secret::no, "algorithm of new signing keys"},
        {"JWT_ISSUER", "", StringSetting{&C::jwt_issuer, {}}, Secret::no, "iss claim of issued tokens (default: BASE_URL)"},
        {"JWT_AUDIENCE", "janua", StringSetting{&C::jwt_audience, {}}, Secret::no, "aud claim of first-party access tokens"},
        {"JWT_ACCESS_TOKEN_EXPIRE_MINUTES", "15", IntSetting{&C::jwt_access_token_expire_minutes, 1, 1440}, Secret::no, "access token lifetime in minutes"},
        {"JWT_REFRESH_TOKEN_EXPIRE_DAYS", "7", IntSetting{&C::jwt_refresh_token_expire_days, 1, 365}, Secret::no, "refresh token (session) lifetime in days"},
        {"AUTHORIZATION_CODE_TTL_SECONDS", "60", IntSetting{&C::authorization_code_ttl_seconds, 1, 600}, Secret::no, "lifetime of OAuth authorization codes"},
        {"ID_TOKEN_EXPIRE_MINUTES", "60", IntSetting{&C::id_token_expire_minutes, 1, 1440}, Secret::no, "lifetime of OpenID Connect ID tokens"},
        {"OAUTH_DYNAMIC_REGISTRATION_ENABLED", "false", BoolSetting{&C::oauth_dynamic_registration_enabled}, Secret::no, "let OAuth clients register themselves at /oauth/register (RFC 7591)"},
        {"OAUTH_JWKS_URI_ALLOW_PRIVATE", "false", BoolSetting{&C::oauth_jwks_uri_allow_private}, Secret::no, "let januad fetch clients' jwks_uri from private, loopback and link-local addresses and over plain http (development and tests only)"},
        {"OAUTH_REGISTRATION_INITIAL_ACCESS_TOKEN", "", StringSetting{&C::oauth_registration_initial_access_token, {}}, Secret::yes, "when set, /oauth/register needs it as a Bearer token (empty: open registration)"},
        {"SIGNING_KEY_ROTATION_DAYS", "90", IntSetting{&C::signing_key_rotation_days, 0, 3650}, Secret::no, "rotate signing keys automatically after this many days (0: only by hand)"},

        {"SECRET_KEY", k_dev_secret_key, StringSetting{&C::secret_key, {}}, Secret::yes, "secret for CSRF and state cookies; must be changed in production"},
        {"FIELD_ENCRYPTION_KEY", "", ListSetting{&C::field_encryption_keys}, Secret::yes, "Fernet keys, comma-separated, newest first; required in production"},
        {"BCRYPT_ROUNDS", "12", IntSetting{&C::bcrypt_rounds, 4, 31}, Secret::no, "bcrypt cost of new password hashes"},
        {"PASSWORD_MIN_LENGTH", "12", IntSetting{&C::password_min_length, 1, 72}, Secret::no, "minimum password length"},
        {"PASSWORD_REQUIRE_UPPERCASE", "true", BoolSetting{&C::password_require_uppercase}, Secret::no, "passwords need an upper-case letter"},
        {"PASSWORD_REQUIRE_LOWERCASE", "true", BoolSetting{&C::password_require_lowercase}, Secret::no, "passwords need a lower-case letter"},
        {"PASSWORD_REQUIRE_DIGIT", "true", BoolSetting{&C::password_require_digit}, Secret::no, "passwords need a digit"},
        {"PASSWORD_REQUIRE_SPECIAL", "false", BoolSetting{&C::password_require_special}, Secret::no, "passwords need a character that is not a letter or digit"},
        {"PASSWORD_HASH_WORKERS", "2", IntSetting{&C::password_hash_workers, 1, 256}, Secret::no, "threads that hash and verify passwords"},
        {"PASSWORD_HASH_WAIT_MS", "2000", IntSetting{&C::password_hash_wait_ms, 1, 60000}, Secret::no, "how long a sign-in waits for a hashing slot before 503"},
        {"RATE_LIMIT_PER_MINUTE", "60", IntSetting{&C::rate_limit_per_minute, 0, 1000000}, Secret::no, "sign-in attempts per IP per minute (0: off)"},
        {"RATE_LIMIT_PER_HOUR", "1000", IntSetting{&C::rate_limit_per_hour, 0, 100000000}, Secret::no, "sign-in attempts per IP per hour (0: off)"},
        {"ACCOUNT_LOCKOUT_THRESHOLD", "5", IntSetting{&C::account_lockout_threshold, 1, 1000}, Secret::no, "failed sign-ins before the account locks"},
        {"ACCOUNT_LOCKOUT_DURATION_MINUTES", "15", IntSetting{&C::account_lockout_duration_minutes, 1, 100000}, Secret::no, "how long a locked account stays locked"},

        {"EMAIL_ENABLED", "true", BoolSetting{&C::email_enabled}, Secret::no, "send emails (verification, reset, magic links)"},
        {"EMAIL_PROVIDER", "log", StringSetting{&C::email_provider, {"log", "file", "smtp"}}, Secret::no, "log: write mails to the log; file: to EMAIL_FILE_DIR; smtp: deliver"},
        {"EMAIL_FROM", "Janua <no-reply@localhost>", StringSetting{&C::email_from, {}}, Secret::no, "From header of outgoing mail"},
        {"EMAIL_FILE_DIR", ".janua/mail", StringSetting{&C::email_file_dir, {}}, Secret::no, "directory for EMAIL_PROVIDER=file"},
        {"SMTP_HOST", "", StringSetting{&C::smtp_host, {}}, Secret::no, "SMTP server host"},
        {"SMTP_PORT", "587", IntSetting{&C::smtp_port, 1, 65535}, Secret::no, "SMTP server port"},
        {"SMTP_USERNAME", "", StringSetting{&C::smtp_username, {}}, Secret::no, "SMTP user"},
        {"SMTP_PASSWORD", "", StringSetting{&C::smtp_password, {}}, Secret::yes, "SMTP password"},
        {"SMTP_STARTTLS", "true", BoolSetting{&C::smtp_starttls}, Secret::no, "require STARTTLS on the SMTP connection"},
        {"EMAIL_TOKEN_EXPIRE_MINUTES", "60", IntSetting{&C::email_token_expire_minutes, 1, 10080}, Secret::no, "lifetime of verification and password-reset links"},
        {"MAGIC_LINK_EXPIRE_MINUTES", "15", IntSetting{&C::magic_link_expire_minutes, 1, 1440}, Secret::no, "lifetime of magic sign-in links"},

        {"ENABLE_SIGNUPS", "true", BoolSetting{&C::enable_signups}, Secret::no, "allow self-service registration"},
        {"ENABLE_MAGIC_LINKS", "true", BoolSetting{&C::enable_magic_links}, Secret::no, "allow passwordless magic links"},
        {"REQUIRE_EMAIL_VERIFICATION", "false", BoolSetting{&C::require_email_verification}, Secret::no, "no tokens until the email address is verified"},
        {"ENABLE_OAUTH", "true", BoolSetting{&C::enable_oauth}, Secret::no, "enable social login"},
        {"ENABLE_MFA", "true", BoolSetting{&C::enable_mfa}, Secret::no, "enable multi-factor authentication"},
        {"ENABLE_ORGANIZATIONS", "true", BoolSetting{&C::enable_organizations}, Secret::no, "enable organizations (multi-tenancy)"},
        {"ENABLE_SSO", "false", BoolSetting{&C::enable_sso}, Secret::no, "enable enterprise SSO"},
        {"ENABLE_SCIM", "false", BoolSetting{&C::enable_scim}, Secret::no, "enable SCIM provisioning"},
        {"ENABLE_WEBHOOKS", "true", BoolSetting{&C::enable_webhooks}, Secret::no, "enable webhooks"},
        {"ENABLE_AUDIT", "true", BoolSetting{&C::enable_audit}, Secret::no, "enable audit logging"},
        {"ENABLE_DOCS", "true", BoolSetting{&C::enable_docs}, Secret::no, "serve /openapi.json"},

        {"WEBAUTHN_RP_ID", "localhost", StringSetting{&C::webauthn_rp_id, {}}, Secret::no, "WebAuthn relying party id (a domain, never an IP)"},
        {"WEBAUTHN_RP_NAME", "Janua", StringSetting{&C::webauthn_rp_name, {}}, Secret::no, "WebAuthn relying party display name"},
        {"WEBAUTHN_ORIGIN", "http://localhost:4100", ListSetting{&C::webauthn_origins}, Secret::no, "allowed WebAuthn origins, comma-separated"},

        {"MAX_ORGANIZATIONS_PER_IDENTITY", "10", IntSetting{&C::max_organizations_per_identity, 1, 100000}, Secret::no, "organizations a user may create"},
        {"MAX_SESSIONS_PER_IDENTITY", "5", IntSetting{&C::max_sessions_per_identity, 1, 100000}, Secret::no, "concurrent sessions per user; the oldest is evicted"},
        {"MAX_PASSKEYS_PER_IDENTITY", "10", IntSetting{&C::max_passkeys_per_identity, 1, 1000}, Secret::no, "passkeys per user"},
        {"MAX_WEBHOOKS_PER_TENANT", "10", IntSetting{&C::max_webhooks_per_tenant, 1, 10000}, Secret::no, "webhook endpoints per organization"},
        {"WEBHOOK_ALLOW_PRIVATE", "false", BoolSetting{&C::webhook_allow_private}, Secret::no, "allow webhooks to private, loopback and link-local addresses and over plain http (development and tests only)"},
        {"WEBHOOK_TIMEOUT_SECONDS", "10", IntSetting{&C::webhook_timeout_seconds, 1, 60}, Secret::no, "seconds a webhook receiver has to answer before the attempt counts as failed"},
        {"WEBHOOK_WORKERS", "4", IntSetting{&C::webhook_workers, 1, 64}, Secret::no, "webhook delivery threads: deliveries in flight at once (each waits up to WEBHOOK_TIMEOUT_SECONDS for a slow receiver)"},
        {"WEBHOOK_RETRY_BASE_MS", "10000", IntSetting{&C::webhook_retry_base_ms, 10, 3600000}, Secret::no, "first webhook retry delay in milliseconds; doubles per attempt (with jitter, capped at one hour)"},

        {"COMPLIANCE_GDPR_ENABLED", "true", BoolSetting{&C::compliance_gdpr_enabled}, Secret::no, "GDPR features: consents, data-subject requests (answered within 30 days), privacy settings"},
        {"COMPLIANCE_CCPA_ENABLED", "true", BoolSetting{&C::compliance_ccpa_enabled}, Secret::no, "CCPA features: consumer requests (answered within 45 days); with GDPR off, the default regulation of new requests"},
        {"COMPLIANCE_SOC2_ENABLED", "false", BoolSetting{&C::compliance_soc2_enabled}, Secret::no, "SOC 2 mode (reported by /api/v1/compliance/status; controls come from the audit log)"},
        {"COMPLIANCE_HIPAA_ENABLED", "false", BoolSetting{&C::compliance_hipaa_enabled}, Secret::no, "HIPAA mode (reported by /api/v1/compliance/status; consent records and data-subject requests are kept at least 6 years, 45 CFR 164.316(b)(2))"},
        {"DEFAULT_RETENTION_PERIOD_DAYS", "2555", IntSetting{&C::default_retention_period_days, 1, 36500}, Secret::no, "days ended sessions, finished jobs, webhook deliveries, closed data-subject requests and closed consents are kept when no retention policy names their category"},
        {"COMPLIANCE_RETENTION_INTERVAL_MINUTES", "60", IntSetting{&C::compliance_retention_interval_minutes, 1, 10080}, Secret::no, "minutes between two runs of the retention sweep"},
        {"UPSTREAM_IDP_ALLOW_PRIVATE", "false", BoolSetting{&C::upstream_idp_allow_private}, Secret::no, "allow upstream identity providers (social login, enterprise OIDC) on private, loopback and link-local addresses and over plain http (development and tests only)"},
        {"UPSTREAM_LOGIN_STATE_TTL_SECONDS", "600", IntSetting{&C::upstream_login_state_ttl_seconds, 30, 3600}, Secret::no, "seconds a user has to finish signing in at an upstream identity provider"},
        {"UPSTREAM_CLOCK_SKEW_SECONDS", "120", IntSetting{&C::upstream_clock_skew_seconds, 0, 600}, Secret::no, "clock difference tolerated when checking an upstream ID token's exp and iat"},

        {"DEVICES_ENABLED", "true", BoolSetting{&C::devices_enabled}, Secret::no, "remember the devices users sign in from with a password, score each sign-in's risk and act on it (docs/api.md, Devices and risk-based sign-in)"},
        {"RISK_STEP_UP_THRESHOLD", "70", IntSetting{&C::risk_step_up_threshold, 0, 1000}, Secret::no, "risk score from which a password sign-in on an untrusted device of a user without MFA waits for an emailed confirmation (0: never)"},
        {"RISK_GEOIP_FILE", "", StringSetting{&C::risk_geoip_file, {}}, Secret::no, "CSV file of network,latitude,longitude lines that turns on the impossible-travel signal (empty: off)"},
        {"NEW_DEVICE_EMAILS_ENABLED", "true", BoolSetting{&C::new_device_emails_enabled}, Secret::no, "email users when their account is signed in to from a device it had not used before"},

        {"EVENT_STREAM_MAX_CONNECTIONS", "4", IntSetting{&C::event_stream_max_connections, 0, 1000}, Secret::no, "audit event streams (GET /api/v1/events) open at once; each holds one of the JANUA_HTTP_THREADS, so keep it well below that (0: streaming off)"},
        {"EVENT_STREAM_QUEUE_SIZE", "1000", IntSetting{&C::event_stream_queue_size, 1, 1000000}, Secret::no, "audit entries queued for one event stream; a client further behind gets an overflow event and resumes with Last-Event-ID"},
        {"EVENT_STREAM_HEARTBEAT_SECONDS", "15", IntSetting{&C::event_stream_heartbeat_seconds, 1, 300}, Secret::no, "seconds between heartbeat comments on an idle event stream"},
        {"EVENT_STREAM_MAX_SECONDS", "3600", IntSetting{&C::event_stream_max_seconds, 5, 86400}, Secret::no, "seconds an event stream lasts before it ends and the client reconnects (and is authenticated again)"},
        {"ALERTS_ENABLED", "true", BoolSetting{&C::alerts_enabled}, Secret::no, "evaluate alert rules against new audit entries in this daemon (any number of daemons may; they take turns)"},
        {"AVATAR_MAX_BYTES", "1000000", IntSetting{&C::avatar_max_bytes, 1024, 16777216}, Secret::no, "largest avatar image accepted, in bytes (413 above); requests are also bounded by MAX_REQUEST_BODY_BYTES"},
        {"AVATAR_MAX_DIMENSION", "4096", IntSetting{&C::avatar_max_dimension, 16, 65535}, Secret::no, "largest avatar width or height in pixels, read from the image header"},
        {"STORAGE_BACKEND", "local", StringSetting{&C::storage_backend, {"local", "s3"}}, Secret::no, "where uploaded files (avatars) are kept: local (STORAGE_DIR) or s3 (an S3-compatible bucket)"},
        {"STORAGE_DIR", ".janua/storage", StringSetting{&C::storage_dir, {}}, Secret::no, "directory of uploaded files for STORAGE_BACKEND=local (shared by every daemon of one installation)"},
        {"S3_ENDPOINT", "", StringSetting{&C::s3_endpoint, {}}, Secret::no, "S3-compatible endpoint URL for STORAGE_BACKEND=s3, e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000 (path-style addressing)"},
        {"S3_BUCKET", "", StringSetting{&C::s3_bucket, {}}, Secret::no, "bucket for STORAGE_BACKEND=s3"},
        {"S3_REGION", "us-east-1", StringSetting{&C::s3_region, {}}, Secret::no, "region named in the AWS Signature Version 4 of S3 requests"},
        {"S3_ACCESS_KEY_ID", "", StringSetting{&C::s3_access_key_id, {}}, Secret::no, "access key id for STORAGE_BACKEND=s3"},
        {"S3_SECRET_ACCESS_KEY", "", StringSetting{&C::s3_secret_access_key, {}}, Secret::yes, "secret access key for STORAGE_BACKEND=s3 (or S3_SECRET_ACCESS_KEY_FILE)"},
        {"S3_SECRET_ACCESS_KEY_FILE", "", StringSetting{&C::s3_secret_access_key_file, {}}, Secret::no, "file holding the S3 secret access key (read at start-up; surrounding whitespace ignored)"},

        {"BILLING_WEBHOOK_SECRET", "", StringSetting{&C::billing_webhook_secret, {}}, Secret::yes, "shared secret of POST /api/v1/billing/webhook (or BILLING_WEBHOOK_SECRET_FILE; empty: the webhook is off)"},
        {"BILLING_WEBHOOK_SECRET_FILE", "", StringSetting{&C::billing_webhook_secret_file, {}}, Secret::no, "file holding the billing webhook secret (read at start-up; surrounding whitespace ignored)"},
        {"BILLING_WEBHOOK_TOLERANCE_SECONDS", "300", IntSetting{&C::billing_webhook_tolerance_seconds, 1, 86400}, Secret::no, "how far a billing event's signed timestamp may be from now"},
    };
    return table;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> split_list(const std::string& value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        const size_t comma = value.find(',', start);
        const std::string item = trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::optional<std::string> process_getenv(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

struct RawValue {
    std::string text;
    Source source;
};

std::string describe_origin(Source source) {
    switch (source) {
        case Source::default_value: return "built-in default";
        case Source::file: return "config file";
        case Source::environment: return "environment";
        case Source::flag: return "command line";
    }
    return "unknown";
}

Error invalid(const Setting& setting, const RawValue& raw, const std::string& reason) {
    const std::string shown = setting.secret == Secret::yes ? "***" : raw.text;
    return make_error(ErrorCode::validation,
                      std::string("invalid setting ") + setting.name + ": " + reason + " (got '" + shown +
                          "' from " + describe_origin(raw.source) + ")");
}

std::optional<bool> parse_bool(const std::string& text) {
    const std::string v = lower(trim(text));
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    return std::nullopt;
}

// Apply one raw value to the typed field; returns an error naming the setting.
std::optional<Error> assign(Config& config, const Setting& setting, const RawValue& raw) {
    return std::visit(
        [&](const auto& target) -> std::optional<Error> {
            using T = std::decay_t<decltype(target)>;
            if constexpr (std::is_same_v<T, StringSetting>) {
                const std::string value = trim(raw.text);
                if (!target.allowed.empty() &&
                    std::find(target.allowed.begin(), target.allowed.end(), value) == target.allowed.end()) {
                    std::string options;
                    for (const auto& a : target.allowed) options += (options.empty() ? "" : ", ") + a;
                    return invalid(setting, raw, "must be one of " + options);
                }
                config.*(target.field) = value;
            } else if constexpr (std::is_same_v<T, IntSetting>) {
                const std::string value = trim(raw.text);
                long long parsed = 0;
                size_t used = 0;
                try {
                    parsed = std::stoll(value, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (value.empty() || used != value.size() || parsed < target.min || parsed > target.max) {
                    return invalid(setting, raw,
                                   "must be an integer from " + std::to_string(target.min) + " to " +
                                       std::to_string(target.max));
                }
                config.*(target.field) = static_cast<int>(parsed);
            } else if constexpr (std::is_same_v<T, BoolSetting>) {
                const auto parsed = parse_bool(raw.text);
                if (!parsed) return invalid(setting, raw, "must be true or false");
                config.*(target.field) = *parsed;
            } else {
                config.*(target.field) = split_list(raw.text);
            }
            return std::nullopt;
        },
        setting.target);
}

// Read janua.yaml: a flat map whose keys are lower-case setting names.
Result<std::map<std::string, std::string>> read_config_file(const std::string& path) {
    YAML::Node root;
    try {
            root = YAML::LoadFile(path);
        } catch (const YAML::BadFile&) {
            return make_error(ErrorCode::validation, "cannot read config file '" + path + "'");
    } catch (const YAML::Exception& e) {
        return make_error(ErrorCode::validation,
                          "config file '" + path + "' is not valid YAML: line " + std::to_string(e.mark.line + 1) +
                              ": " + e.msg);
    }
    std::map<std::string, std::string> values;
    if (root.IsNull()) return values;
    if (!root.IsMap()) return make_error(ErrorCode::validation, "config file '" + path + "' must be a mapping of settings");
    std::set<std::string> known;
    for (const auto& s : settings_table()) known.insert(lower(s.name));
    // A key or list element that is itself a mapping or list cannot be read as text: say where.
    try {
    for (const auto& item : root) {
        const std::string key = lower(item.first.as<std::string>());
        if (!known.count(key)) {
            return make_error(ErrorCode::validation, "config file '" + path + "': unknown setting '" +
                                                         item.first.as<std::string>() + "'");
        }
        const YAML::Node& node = item.second;
        if (node.IsSequence()) {
            std::string joined;
            for (const auto& element : node) joined += (joined.empty() ? "" : ",") + element.as<std::string>();
            values[key] = joined;
        } else if (node.IsScalar()) {
            values[key] = node.as<std::string>();
        } else if (node.IsNull()) {
            values[key] = "";
        } else {
            return make_error(ErrorCode::validation,
                              "config file '" + path + "': setting '" + key + "' must be a value or a list");
        }
    }
    } catch (const YAML::Exception& e) {
        return make_error(ErrorCode::validation, "config file '" + path + "': line " + std::to_string(e.mark.line + 1) +
                                                     ": settings and list elements must be plain values");
    }
    return values;
}

std::string view_value(const Setting& setting, const Config& config) {
    if (setting.secret == Secret::yes) return "***";
    return std::visit(
        [&](const auto& target) -> std::string {
            using T = std::decay_t<decltype(target)>;
            if constexpr (std::is_same_v<T, StringSetting>) return config.*(target.field);
            else if constexpr (std::is_same_v<T, IntSetting>) return std::to_string(config.*(target.field));
            else if constexpr (std::is_same_v<T, BoolSetting>) return config.*(target.field) ? "true" : "false";
            else {
                std::string joined;
                for (const auto& v : config.*(target.field)) joined += (joined.empty() ? "" : ",") + v;
                return joined;
            }
        },
        setting.target);
}

std::optional<Error> check_consistency(const Config& c, std::vector<std::string>& warnings) {
    if (c.is_production()) {
        if (c.field_encryption_keys.empty())
            return make_error(ErrorCode::validation,
                              "invalid setting FIELD_ENCRYPTION_KEY: required when ENVIRONMENT=production "
                              "(generate one with 'janua keys generate-field-key')");
        if (c.secret_key == k_dev_secret_key || c.secret_key.size() < 32)
            return make_error(ErrorCode::validation,
                              "invalid setting SECRET_KEY: production needs a random value of at least 32 characters");
    } else if (c.field_encryption_keys.empty()) {
        warnings.push_back("FIELD_ENCRYPTION_KEY is not set: using a key derived from SECRET_KEY (development only)");
    }
    if (c.webhook_allow_private)
        warnings.push_back("WEBHOOK_ALLOW_PRIVATE is on: webhooks may reach private and loopback addresses over plain "
                           "http (development and tests only)");
    if (c.oauth_jwks_uri_allow_private)
        warnings.push_back("OAUTH_JWKS_URI_ALLOW_PRIVATE is on: clients' jwks_uri may point at private and loopback "
                           "addresses over plain http (development and tests only)");
    if (c.upstream_idp_allow_private)
        warnings.push_back("UPSTREAM_IDP_ALLOW_PRIVATE is on: upstream identity providers may be reached on private and "
                           "loopback addresses over plain http (development and tests only)");
    if (c.storage_backend == "s3") {
        const std::pair<const char*, const std::string*> required[] = {
            {"S3_ENDPOINT", &c.s3_endpoint}, {"S3_BUCKET", &c.s3_bucket}, {"S3_ACCESS_KEY_ID", &c.s3_access_key_id}};
        for (const auto& [name, value] : required)
            if (value->empty())
                return make_error(ErrorCode::validation, std::string("invalid setting ") + name + ": required when STORAGE_BACKEND=s3");
        if (c.s3_secret_access_key.empty() == c.s3_secret_access_key_file.empty())
            return make_error(ErrorCode::validation, "invalid setting S3_SECRET_ACCESS_KEY: give it or S3_SECRET_ACCESS_KEY_FILE "
                                                     "(exactly one) when STORAGE_BACKEND=s3");
        if (c.s3_endpoint.rfind("https://", 0) != 0 && c.s3_endpoint.rfind("http://", 0) != 0)
            return make_error(ErrorCode::validation, "invalid setting S3_ENDPOINT: an http:// or https:// URL");
    }
    if (!c.billing_webhook_secret.empty() && !c.billing_webhook_secret_file.empty())
        return make_error(ErrorCode::validation, "invalid setting BILLING_WEBHOOK_SECRET: give it or BILLING_WEBHOOK_SECRET_FILE, not both");
    if (c.email_provider == "smtp" && c.smtp_host.empty())
        return make_error(ErrorCode::validation, "invalid setting SMTP_HOST: required when EMAIL_PROVIDER=smtp");
    for (const auto& proxy : c.trusted_proxies) {
        std::string why;
        if (!policies::parse_ip_range(proxy, why))
            return make_error(ErrorCode::validation,
                              "invalid setting TRUSTED_PROXIES: '" + proxy + "' is not an address or CIDR range (" + why + ")");
    }
    if (c.tls_cert.empty() != c.tls_key.empty())
        return make_error(ErrorCode::validation, std::string("invalid setting ") + (c.tls_cert.empty() ? "JANUA_TLS_CERT" : "JANUA_TLS_KEY") +
                                                     ": JANUA_TLS_CERT and JANUA_TLS_KEY go together (the certificate and its key)");
    if (!c.tls_cert.empty() && c.base_url.rfind("https://", 0) != 0)
        warnings.push_back("JANUA_TLS_CERT is set but BASE_URL is not https://: links, issuers and cookies will say http");
    if (c.listen.find(':') == std::string::npos)
        return make_error(ErrorCode::validation, "invalid setting JANUA_LISTEN: must be HOST:PORT (got '" + c.listen + "')");
    return std::nullopt;
}

}  // namespace

const char* source_name(Source source) {
    switch (source) {
        case Source::default_value: return "default";
        case Source::file: return "file";
        case Source::environment: return "env";
        case Source::flag: return "flag";
    }
    return "default";
}

std::vector<std::string> setting_names() {
    std::vector<std::string> names;
    for (const auto& s : settings_table()) names.emplace_back(s.name);
    return names;
}

Result<Loaded> load(const LoadInput& input) {
    const auto getenv = input.getenv ? input.getenv : process_getenv;

    std::map<std::string, std::string> file_values;
    std::optional<std::string> file = input.config_file;
    if (!file) file = getenv("JANUA_CONFIG");
    if (file && !file->empty()) {
        auto read = read_config_file(*file);
        if (!read) return read.error();
        file_values = std::move(read.value());
    }

    std::set<std::string> known;
    for (const auto& s : settings_table()) known.insert(s.name);
    for (const auto& [name, value] : input.flags) {
        if (!known.count(name)) return make_error(ErrorCode::validation, "unknown setting '" + name + "'");
    }

    Loaded loaded;
    for (const auto& setting : settings_table()) {
        RawValue raw{setting.default_value, Source::default_value};
        if (auto it = file_values.find(lower(setting.name)); it != file_values.end()) raw = {it->second, Source::file};
        if (auto env = getenv(setting.name)) raw = {*env, Source::environment};
        if (auto it = input.flags.find(setting.name); it != input.flags.end()) raw = {it->second, Source::flag};
        if (auto problem = assign(loaded.config, setting, raw)) return *problem;
        loaded.settings.push_back({setting.name, "", raw.source, setting.description});
    }
    if (loaded.config.jwt_issuer.empty()) loaded.config.jwt_issuer = loaded.config.base_url;
    if (auto problem = check_consistency(loaded.config, loaded.warnings)) return *problem;

    const auto& table = settings_table();
    for (size_t i = 0; i < table.size(); ++i) loaded.settings[i].value = view_value(table[i], loaded.config);
    return loaded;
}

}  // namespace janua::config
