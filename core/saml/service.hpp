#pragma once
// Enterprise SSO over SAML 2.0: an organization's connection (management), the SP-initiated
// and IdP-initiated Web Browser SSO profile, JIT provisioning, and single logout. A successful
// login ends in the same browser session a password sign-in on the hosted /login page creates
// (identity::AuthService::complete_browser_signin). Knows nothing of HTTP.

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/rbac/access.hpp"
#include "core/saml/connection.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::saml {

struct SamlSettings {
    std::string base_url;              // BASE_URL: our entity ids, ACS and SLO URLs
    bool allow_private_metadata = false;  // WEBHOOK_ALLOW_PRIVATE: metadata URLs may be private addresses
    int fetch_timeout_seconds = 10;
    int request_ttl_seconds = 600;     // how long an AuthnRequest may be answered
};

// Where the browser goes next.
struct Redirect {
    std::string location;
    std::string browser_binding;  // initiate: the value for the browser's binding cookie
};

struct AcsOutcome {
    identity::BrowserSignin signin;
    std::string return_to;  // a validated path on this server; empty: no target
};

struct LogoutOutcome {
    std::string location;      // the IdP (LogoutRequest/LogoutResponse) or a local path; empty: show "signed out"
    bool clear_cookie = false; // the browser's januad session ended
};

class SamlService {
public:
    // `auth` may be null (the CLI has no sign-ins).
    SamlService(db::Pool& pool, crypto::FernetKeyring cipher, identity::AuthService* auth, SamlSettings settings)
        : m_pool(pool), m_cipher(std::move(cipher)), m_auth(auth), m_settings(std::move(settings)) {}

    // Management (the caller's permission is checked by the pipeline, or is the CLI's direct mode).
    // `body`: metadata_xml | metadata_url | idp_entity_id + idp_sso_url + idp_certificates [+ idp_slo_url],
    // and any settings (connection.hpp). Creates the connection or updates the members given.
    Result<nlohmann::json> configure(const rbac::Caller& caller, const std::string& org_ref, const nlohmann::json& body);
    Result<nlohmann::json> get(const std::string& org_ref);
    Result<nlohmann::json> list();
    Status remove(const rbac::Caller& caller, const std::string& org_ref);
    // Re-fetch and check the metadata (when from a URL), the certificates, and show what a login
    // with `body.attributes` ({name: [values]}) would map to.
    Result<nlohmann::json> test(const rbac::Caller& caller, const std::string& org_ref, const nlohmann::json& body);
    Result<std::string> sp_metadata(const std::string& org_ref);
    int request_ttl_seconds() const { return m_settings.request_ttl_seconds; }
    // Whether any organization signs in with SAML (the login page then offers enterprise SSO).
    bool has_enabled_connection();

    // GET /api/v1/sso/initiate: org (id or slug) or an email domain (or address); return_to is a
    // path on this server (or an absolute URL of BASE_URL's origin).
    // `browser_binding` is the binding cookie the browser presented (reused when well formed).
    Result<Redirect> initiate(const std::optional<std::string>& org_ref, const std::optional<std::string>& domain,
                              const std::string& return_to, const identity::RequestMeta& meta,
                              const std::string& browser_binding = {});
    // POST /api/v1/sso/saml/acs. A Response to our AuthnRequest is accepted only with the binding
    // cookie of the browser that started it (login CSRF); IdP-initiated ones have none to check.
    Result<AcsOutcome> consume(const std::string& saml_response, const std::string& relay_state,
                               const identity::RequestMeta& meta, const std::string& browser_binding = {});
    // SP-initiated logout of the browser session `cookie_token`.
    Result<LogoutOutcome> logout(const std::string& cookie_token, const std::string& return_to, const identity::RequestMeta& meta);
    // GET /api/v1/sso/saml/slo (Redirect binding): the IdP's LogoutResponse, or its LogoutRequest.
    Result<LogoutOutcome> single_logout(const std::string& raw_query, const std::string& saml_request,
                                        const std::string& saml_response, const std::string& relay_state,
                                        const identity::RequestMeta& meta);

private:
    Result<nlohmann::json> render(const Connection& c) const;
    Result<std::string> fetch_metadata(const std::string& url) const;
    void record_login_failure(const std::optional<std::string>& organization_id, const Error& error,
                              const identity::RequestMeta& meta, const nlohmann::json& extra = nlohmann::json::object());

    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    identity::AuthService* m_auth;
    SamlSettings m_settings;
};

// A return target: a path on this server, or an absolute URL of `base_url`'s origin (made a path).
// nullopt when it points anywhere else.
std::optional<std::string> safe_return_to(const std::string& target, const std::string& base_url);

}  // namespace janua::saml
