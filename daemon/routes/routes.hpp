#pragma once
// One registration function per API area; daemon/app.cpp calls them all.

#include "daemon/context.hpp"
#include "daemon/pages/look.hpp"
#include "daemon/router.hpp"

#include <optional>
#include <string>

namespace janua::daemon {

void register_health_routes(Router& router, DaemonContext& context);
void register_auth_routes(Router& router, DaemonContext& context);
void register_session_routes(Router& router, DaemonContext& context);
void register_key_routes(Router& router, DaemonContext& context);
void register_user_routes(Router& router, DaemonContext& context);
void register_oauth_routes(Router& router, DaemonContext& context);
void register_client_routes(Router& router, DaemonContext& context);
void register_policy_routes(Router& router, DaemonContext& context);
void register_admin_routes(Router& router, DaemonContext& context);
void register_org_routes(Router& router, DaemonContext& context);
void register_invitation_routes(Router& router, DaemonContext& context);
void register_api_key_routes(Router& router, DaemonContext& context);
void register_mfa_routes(Router& router, DaemonContext& context);
void register_login_mfa_routes(Router& router, DaemonContext& context);
void register_passkey_routes(Router& router, DaemonContext& context);
void register_audit_routes(Router& router, DaemonContext& context);
void register_webhook_routes(Router& router, DaemonContext& context);
void register_scim_routes(Router& router, DaemonContext& context);
void register_compliance_routes(Router& router, DaemonContext& context);
void register_identity_provider_routes(Router& router, DaemonContext& context);  // upstream IdP management
void register_upstream_login_routes(Router& router, DaemonContext& context);     // social login, enterprise OIDC
void register_sso_routes(Router& router, DaemonContext& context);  // SAML SSO (daemon/routes/sso_routes.cpp)
void register_migration_routes(Router& router, DaemonContext& context);
void register_secret_check_routes(Router& router, DaemonContext& context);  // janua apply's secret checks
void register_account_routes(Router& router, DaemonContext& context);       // the /account console
void register_device_routes(Router& router, DaemonContext& context);  // known devices, risky sign-in confirmation
void register_event_routes(Router& router, DaemonContext& context);   // the real-time audit event stream (SSE)
void register_alert_routes(Router& router, DaemonContext& context);   // alert rules, fired alerts, statistics
void register_avatar_routes(Router& router, DaemonContext& context);   // avatar upload and the image URLs
void register_billing_routes(Router& router, DaemonContext& context);  // plans, subscriptions, billing webhook
void register_integration_routes(Router& router, DaemonContext& context);  // /api/v1/integrations
void register_iot_routes(Router& router, DaemonContext& context);          // /api/v1/organizations/{org_id}/iot/devices
void register_branding_routes(Router& router, DaemonContext& context);  // /api/v1/white-label
void register_localization_routes(Router& router, DaemonContext& context);  // /api/v1/localization

// The look of a hosted page for this request (daemon/routes/page_look.cpp): the branding of the
// organization whose custom domain is the Host; the language from `ui_locales` (of the request,
// or of the pending authorization request in `return_to`), the user's profile locale,
// Accept-Language, the organization's default, English.
pages::Look page_look(const DaemonContext& context, const Request& r, const std::string& return_to = "",
                      const std::optional<std::string>& profile_locale = std::nullopt);
// A route of one organization ({org_id} in the pattern): the pipeline checks `permission` there.
void add_organization_route(Router& router, const std::string& method, const std::string& pattern,
                            const std::string& permission, Handler handler);

// Who makes an admin change, for the audit log: the API key when one is used, else the user.
identity::Actor request_actor(const Request& r);

// The hosted pages every flow ends on, in the request's language.
Response signed_in_page(const pages::Look& look);
Response signed_out_page(const pages::Look& look);
Response malformed_form_page(const DaemonContext& context, const Request& r);

// Every route of every area, in one table.
void register_all_routes(Router& router, DaemonContext& context);

}  // namespace janua::daemon
