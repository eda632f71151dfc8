#include "daemon/routes/routes.hpp"

namespace janua::daemon {

void register_all_routes(Router& router, DaemonContext& context) {
    register_health_routes(router, context);
    register_key_routes(router, context);
    register_auth_routes(router, context);
    register_session_routes(router, context);
    register_user_routes(router, context);
    register_oauth_routes(router, context);
    register_client_routes(router, context);
    register_policy_routes(router, context);
    register_admin_routes(router, context);
    register_org_routes(router, context);
    register_invitation_routes(router, context);
    register_api_key_routes(router, context);
    register_mfa_routes(router, context);
    register_login_mfa_routes(router, context);
    register_passkey_routes(router, context);
    register_audit_routes(router, context);
    register_webhook_routes(router, context);
    register_scim_routes(router, context);
    register_compliance_routes(router, context);
    register_identity_provider_routes(router, context);
    register_upstream_login_routes(router, context);
    register_sso_routes(router, context);
    register_migration_routes(router, context);
    register_secret_check_routes(router, context);
    register_account_routes(router, context);
    register_device_routes(router, context);
    register_event_routes(router, context);
    register_alert_routes(router, context);
    register_avatar_routes(router, context);
    register_billing_routes(router, context);
    register_integration_routes(router, context);
    register_iot_routes(router, context);
    register_branding_routes(router, context);
    register_localization_routes(router, context);

    // Everything that checks a password, a one-time link or a client secret, or sends mail,
    // counts against the per-IP budget (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_PER_HOUR).
    for (const char* path : {"/api/v1/auth/signup", "/api/v1/auth/signin", "/api/v1/auth/refresh",
                             "/api/v1/auth/token/refresh", "/api/v1/auth/password/forgot",
                             "/api/v1/auth/password/reset", "/api/v1/auth/email/verify",
                             "/api/v1/auth/email/resend-verification", "/api/v1/auth/magic-link",
                             "/api/v1/auth/change-password", "/login", "/oauth/token", "/oauth/introspect"})
        router.rate_limit("POST", path);
    router.rate_limit("GET", "/api/v1/auth/magic-link/verify");
}

}  // namespace janua::daemon
