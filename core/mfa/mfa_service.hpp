#pragma once
// TOTP second factor and backup codes: enrolment, the second step of a sign-in, recovery,
// disabling, and what operators may do (status, reset). Knows nothing of HTTP.

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/user_admin.hpp"

#include <functional>
#include <string>
#include <vector>

namespace janua::mfa {

struct MfaSettings {
    std::string issuer_name = "Janua";  // shown by authenticator apps (APP_NAME)
    bool enabled = true;                // ENABLE_MFA: new enrolments allowed
    int lockout_threshold = 5;
    int lockout_minutes = 15;
};

struct Enrollment {
    std::string secret;       // Base32, for typing into an app
    std::string otpauth_uri;  // for a QR code
};

struct MfaStatus {
    bool enabled = false;
    bool pending_setup = false;
    std::string enabled_at;
    int backup_codes_remaining = 0;
    int passkeys = 0;
};
nlohmann::json to_json(const MfaStatus& status);

// Which second factors a step accepts.
enum class CodeKind { any, totp, backup };

class MfaService {
public:
    MfaService(MfaSettings settings, db::Pool& pool, identity::PasswordHasher& hasher, crypto::FernetKeyring keyring,
               identity::AuthService* auth);

    Result<Enrollment> enable(const std::string& user_id, const identity::RequestMeta& meta);
    // Confirms the enrolment with a first code; returns the ten backup codes (shown once).
    Result<std::vector<std::string>> verify_setup(const std::string& user_id, const std::string& code,
                                                  const identity::RequestMeta& meta);
    Status disable(const std::string& user_id, const std::string& password, const std::string& code,
                   const identity::RequestMeta& meta);
    Result<MfaStatus> status(const std::string& user_id);
    Result<std::vector<std::string>> regenerate_backup_codes(const std::string& user_id, const std::string& code,
                                                             const identity::RequestMeta& meta);

    // The second step of a sign-in through the API: spends the mfa_token, returns tokens.
    Result<identity::AuthResult> verify(const std::string& mfa_token, const std::string& code, CodeKind kind,
                                        const identity::RequestMeta& meta);
    // The same on the hosted login page: returns a browser session.
    Result<identity::BrowserSignin> verify_browser(const std::string& mfa_token, const std::string& code,
                                                   const identity::RequestMeta& meta);

    // Operators (admin API, `janua mfa ...`): by user id or email.
    Result<MfaStatus> status_of(const std::string& key);
    Result<MfaStatus> reset(const std::string& key, const identity::Actor& actor);
    // Enrol on a user's behalf from a shell (`janua mfa enroll`): same as enable / verify_setup.
    Result<std::pair<std::string, Enrollment>> enroll_for(const std::string& key, const identity::Actor& actor);
    Result<std::vector<std::string>> confirm_for(const std::string& key, const std::string& code,
                                                 const identity::Actor& actor);

private:
    struct Check {
        bool ok = false;
        std::string method;  // totp | backup_code
        std::string reason;  // why not, for the audit trail
    };
    Check check_code(db::Transaction& tx, const std::string& user_id, const std::string& code, CodeKind kind);
    Error wrong_code(db::Transaction& tx, const std::string& user_id, const std::string& action, const Check& check,
                     const identity::RequestMeta& meta);
    template <class Finish>
    auto second_step(const std::string& mfa_token, const std::string& code, CodeKind kind, const std::string& channel,
                     const identity::RequestMeta& meta, Finish finish);
    Result<std::string> resolve(db::Transaction& tx, const std::string& key);
    Enrollment start_enrollment(db::Transaction& tx, const identity::User& user);
    Result<std::vector<std::string>> confirm(db::Transaction& tx, const std::string& user_id, const std::string& code);

    MfaSettings m_settings;
    db::Pool& m_pool;
    identity::PasswordHasher& m_hasher;
    crypto::FernetKeyring m_keyring;
    identity::AuthService* m_auth;  // null in the CLI's direct mode (no sign-ins there)
};

}  // namespace janua::mfa
