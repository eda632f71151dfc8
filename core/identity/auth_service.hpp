#pragma once
// First-party authentication: sign-up, sign-in, refresh, sign-out, password and email flows,
// magic links, and turning a bearer token back into a caller. Knows nothing of HTTP.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/password_policy.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user.hpp"
#include "core/tokens/signing_keys.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::admin {
class RuntimeSettings;
}
namespace janua::devices {
class DeviceService;
}

namespace janua::identity {

struct AuthSettings {
    std::string issuer;
    std::string audience;
    std::string base_url;      // where the API is reachable (magic-link verification)
    std::string frontend_url;  // where the app shows the verify-email and reset-password pages
    int access_token_minutes = 15;
    int refresh_token_days = 7;
    int lockout_threshold = 5;
    int lockout_minutes = 15;
    int max_sessions = 5;
    bool enable_signups = true;
    bool enable_magic_links = true;
    bool require_email_verification = false;
    int email_token_minutes = 60;
    int magic_link_minutes = 15;
    PasswordPolicy password_policy;
};

// The client_id of tokens from /api/v1/auth (Janua's own API and apps built on it).
inline constexpr const char* k_first_party_client_id = "janua";

// Who is making a request, as far as the transport knows.
struct RequestMeta {
    std::string ip;
    std::string user_agent;
    std::string request_id;
    std::string device_token = {};  // the device token the client presented (core/devices)
};

// An email the flows want sent; delivered through the outbox in the caller's transaction.
struct OutgoingMail {
    enum class Kind { verification, password_reset, magic_link, new_signin, device_confirmation };
    Kind kind;
    std::string to;
    std::string link;
    std::string detail = {};  // new_signin, device_confirmation: which device, from where, when
};
using Mailer = std::function<void(db::Transaction&, const OutgoingMail&)>;

struct TokenPair {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;
    std::string session_id;
};

struct AuthResult {
    User user;
    std::optional<TokenPair> tokens;
    bool verification_required = false;
    // Set instead of tokens when the user has MFA: the first factor passed, the second is owed
    // (POST /api/v1/mfa/verify). See identity/mfa_challenges.hpp.
    std::optional<std::string> mfa_token;
    std::optional<std::string> device_token = std::nullopt;  // for the client to keep (core/devices)
};

// The caller behind a valid bearer token.
struct Principal {
    std::string user_id;
    std::string session_id;
    std::string client_id;
    std::string scope;
    std::optional<std::string> organization_id;
    bool is_platform_admin = false;
    std::vector<std::string> amr;  // authentication methods of the session (pwd, otp, hwk, ...)
    // Set when the caller authenticated with an API key (jk_...): the key's id and the permissions it
    // was scoped to. user_id is then the key's creator (empty for a platform-admin key) and
    // organization_id the one organization the key is limited to, if any.
    std::optional<std::string> api_key_id;
    std::vector<std::string> api_key_permissions;

    bool is_first_party() const { return client_id == k_first_party_client_id; }
};

// A sign-in through the hosted login page: the browser keeps `cookie_token`.
struct BrowserSignin {
    User user;
    std::string session_id;
    std::string cookie_token;
    std::optional<std::string> mfa_token;  // set (and no session) when the user owes a second factor
    std::optional<std::string> device_token = std::nullopt;  // for the janua_device cookie (core/devices)
};

struct SignupRequest {
    std::string email;
    std::string password;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> username;
};

class AuthService {
public:
    AuthService(AuthSettings settings, db::Pool& pool, PasswordHasher& hasher, tokens::KeyManager& keys, Mailer mailer);

    Result<AuthResult> signup(const SignupRequest& request, const RequestMeta& meta);
    Result<AuthResult> signin(const std::string& login, const std::string& password, const RequestMeta& meta);
    Result<BrowserSignin> signin_browser(const std::string& login, const std::string& password, const RequestMeta& meta);
    Result<TokenPair> refresh(const std::string& refresh_token, const RequestMeta& meta);
    // Revoke the caller's session, or the session owning `refresh_token` when given.
    Status signout(const std::optional<Principal>& caller, const std::string& refresh_token, const RequestMeta& meta);

    Result<User> profile(const std::string& user_id);
    Result<User> update_profile(const std::string& user_id, const nlohmann::json& patch);
    Status change_password(const Principal& caller, const std::string& current_password,
                           const std::string& new_password, const RequestMeta& meta);

    // Always succeeds from the client's point of view: no account enumeration.
    void forgot_password(const std::string& email, const RequestMeta& meta);
    Status reset_password(const std::string& token, const std::string& new_password, const RequestMeta& meta);
    Status verify_email(const std::string& token, const RequestMeta& meta);
    void resend_verification(const std::string& email, const RequestMeta& meta);
    Status request_magic_link(const std::string& email, const RequestMeta& meta);
    Result<AuthResult> verify_magic_link(const std::string& token, const RequestMeta& meta);

    Result<Principal> authenticate(const std::string& bearer_token);

    // A new access token for the caller's session with `organization_id` active (none: no
    // organization); the session remembers it, so refreshed tokens keep it. The caller has
    // checked that the user belongs to the organization.
    Result<TokenPair> switch_organization(const Principal& caller, const std::optional<std::string>& organization_id,
                                          const RequestMeta& meta);

    std::vector<sessions::Session> list_sessions(const std::string& user_id);
    Status revoke_session(const Principal& caller, const std::string& session_id, const RequestMeta& meta);
    int revoke_other_sessions(const Principal& caller, const RequestMeta& meta);

    const AuthSettings& settings() const { return m_settings; }
    // Runtime system settings (signup_enabled, magic_links_enabled, password_min_length) override
    // the configured values when given; the object must outlive this service.
    void use_runtime_settings(const admin::RuntimeSettings* runtime) { m_runtime = runtime; }
    // Known devices and risk-based sign-in for password sign-ins (none: neither).
    void use_devices(devices::DeviceService* devices) { m_devices = devices; }

    // For the second-factor services (core/mfa, core/webauthn): finish a sign-in whose factors
    // all passed, in the caller's transaction. `amr` lists every factor used. `organization_id`
    // (an enterprise SSO sign-in) becomes the session's active organization: its tokens, and
    // those of OAuth codes issued from its browser session, carry it as org_id.
    TokenPair complete_signin(db::Transaction& tx, const User& user, const std::vector<std::string>& amr,
                              const RequestMeta& meta, const std::string& via,
                              const std::optional<std::string>& organization_id = std::nullopt,
                              const nlohmann::json& risk = nullptr);
    BrowserSignin complete_browser_signin(db::Transaction& tx, const User& user, const std::vector<std::string>& amr,
                                          const RequestMeta& meta, const std::string& via,
                                          const std::optional<std::string>& organization_id = std::nullopt,
                                          const nlohmann::json& risk = nullptr);

private:
    // Everything a password sign-in checks (lockout, status, the password); `rehashed` gets a
    // fresh hash when the stored one should be upgraded.
    Result<User> check_credentials(const std::string& login, const std::string& password, const RequestMeta& meta,
                                   std::optional<std::string>& rehashed);
    TokenPair start_session(db::Transaction& tx, const User& user, const std::vector<std::string>& amr,
                            const RequestMeta& meta, const std::optional<std::string>& organization_id = std::nullopt);
    Result<std::string> access_token_for(const std::string& user_id, const std::string& session_id,
                                         const std::vector<std::string>& amr, std::int64_t auth_time,
                                         const std::optional<std::string>& organization_id = std::nullopt);
    std::string link(const std::string& base, const std::string& path, const std::string& token) const;
    bool signups_enabled() const;
    bool magic_links_enabled() const;
    PasswordPolicy password_policy() const;

    AuthSettings m_settings;
    db::Pool& m_pool;
    PasswordHasher& m_hasher;
    tokens::KeyManager& m_keys;
    Mailer m_mailer;
    const admin::RuntimeSettings* m_runtime = nullptr;
    devices::DeviceService* m_devices = nullptr;
};

// Lower-case, trimmed, and shaped like an address (one @, a dot in the domain, no spaces).
std::optional<std::string> normalize_email(const std::string& email);

}  // namespace janua::identity
