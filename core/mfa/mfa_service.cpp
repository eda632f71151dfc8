// TOTP enrolment and verification, backup codes, and the second step of a sign-in.
#include "core/mfa/mfa_service.hpp"

#include "core/identity/audit_events.hpp"
#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/mfa_challenges.hpp"
#include "core/identity/user_repository.hpp"
#include "core/mfa/backup_codes.hpp"
#include "core/mfa/mfa_store.hpp"
#include "core/mfa/totp.hpp"

#include <type_traits>

namespace janua::mfa {
namespace {

using identity::RequestMeta;

using identity::user_event;

audit::Event actor_event(const std::string& action, const identity::Actor& actor, const std::string& user_id) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target_type = "user";
    e.target_id = user_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    return e;
}

Error code_field_error(const std::string& message) {
    Error e = make_error(ErrorCode::validation, "code " + message);
    e.details = nlohmann::json::array({{{"field", "code"}, {"message", message}}});
    return e;
}

Error bad_mfa_token() {
    return make_error(ErrorCode::token, "mfa_token is invalid, expired or already used; sign in again");
}

std::vector<std::string> fresh_backup_codes(db::Transaction& tx, const std::string& user_id) {
    auto codes = generate_backup_codes();
    std::vector<std::string> hashes;
    for (const auto& c : codes) hashes.push_back(backup_code_hash(*normalize_backup_code(c)));
    store::replace_backup_codes(tx, user_id, hashes);
    return codes;
}

constexpr db::Statement k_passkey_count{"mfa_passkey_count",
                                        "SELECT count(*) FROM webauthn_credentials WHERE user_id = $1"};

}  // namespace

nlohmann::json to_json(const MfaStatus& s) {
    return {{"enabled", s.enabled},
            {"pending_setup", s.pending_setup},
            {"enabled_at", s.enabled_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.enabled_at)},
            {"backup_codes_remaining", s.backup_codes_remaining},
            {"passkeys", s.passkeys},
            {"methods", s.enabled ? nlohmann::json::array({"totp"}) : nlohmann::json::array()}};
}

MfaService::MfaService(MfaSettings settings, db::Pool& pool, identity::PasswordHasher& hasher,
                       crypto::FernetKeyring keyring, identity::AuthService* auth)
    : m_settings(std::move(settings)), m_pool(pool), m_hasher(hasher), m_keyring(std::move(keyring)), m_auth(auth) {}

Enrollment MfaService::start_enrollment(db::Transaction& tx, const identity::User& user) {
    const std::string secret = crypto::random_bytes(k_totp_secret_bytes);
    store::put_pending_totp(tx, user.id, m_keyring.encrypt(base32_encode(secret)));
    return Enrollment{base32_encode(secret), otpauth_uri(m_settings.issuer_name, user.email, secret)};
}

Result<Enrollment> MfaService::enable(const std::string& user_id, const RequestMeta& meta) {
    if (!m_settings.enabled) return make_error(ErrorCode::authorization, "MFA is disabled on this server (ENABLE_MFA)");
    return m_pool.transact([&](db::Transaction& tx) -> Result<Enrollment> {
        auto user = identity::users::lock_by_id(tx, user_id);
        if (!user) return make_error(ErrorCode::not_found, "user not found");
        if (auto row = store::find_totp(tx, user_id); row && row->confirmed)
            return make_error(ErrorCode::conflict, "MFA is already enabled; disable it first to enrol a new device");
        auto enrollment = start_enrollment(tx, *user);
        audit::record(tx, user_event("mfa.enrollment_started", meta, user_id));
        return enrollment;
    });
}

Result<std::vector<std::string>> MfaService::confirm(db::Transaction& tx, const std::string& user_id,
                                                     const std::string& code) {
    auto row = store::find_totp(tx, user_id);
    if (!row) return make_error(ErrorCode::validation, "no enrolment in progress; start with POST /api/v1/mfa/enable");
    if (row->confirmed) return make_error(ErrorCode::conflict, "MFA is already enabled");
    auto secret_b32 = m_keyring.decrypt(row->secret_ciphertext);
    if (!secret_b32) return make_error(ErrorCode::internal, "cannot read the MFA secret", secret_b32.error().detail);
    const auto step = match_totp(*base32_decode(*secret_b32), code, unix_seconds_now());
    if (!step) return code_field_error("is wrong; enter the current 6-digit code (check the device's clock)");
    store::confirm_totp(tx, user_id, *step);
    store::set_user_mfa_enabled(tx, user_id, true);
    return fresh_backup_codes(tx, user_id);
}

Result<std::vector<std::string>> MfaService::verify_setup(const std::string& user_id, const std::string& code,
                                                          const RequestMeta& meta) {
    if (code.empty()) return code_field_error("is required");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<std::string>> {
        if (!identity::users::lock_by_id(tx, user_id)) return make_error(ErrorCode::not_found, "user not found");
        auto codes = confirm(tx, user_id, code);
        if (!codes) return codes.error();
        audit::record(tx, user_event("mfa.enabled", meta, user_id));
        return codes;
    });
}

MfaService::Check MfaService::check_code(db::Transaction& tx, const std::string& user_id, const std::string& code,
                                         CodeKind kind) {
    const bool looks_totp = code.size() == static_cast<std::size_t>(k_totp_digits);
    if (kind != CodeKind::backup && looks_totp) {
        auto row = store::find_totp(tx, user_id);
        if (!row || !row->confirmed) return {false, "totp", "not_enrolled"};
        auto secret_b32 = m_keyring.decrypt(row->secret_ciphertext);
        if (!secret_b32) return {false, "totp", "secret_unreadable"};
        const auto step = match_totp(*base32_decode(*secret_b32), code, unix_seconds_now());
        if (!step) return {false, "totp", "wrong_code"};
        if (!store::claim_step(tx, user_id, *step)) return {false, "totp", "reused_code"};
        return {true, "totp", ""};
    }
    if (kind != CodeKind::totp) {
        auto canonical = normalize_backup_code(code);
        if (canonical && store::spend_backup_code(tx, user_id, backup_code_hash(*canonical)))
            return {true, "backup_code", ""};
        return {false, "backup_code", "wrong_or_used_backup_code"};
    }
    return {false, "totp", "malformed_code"};
}

// A wrong second factor counts like a wrong password: toward the account lockout.
Error MfaService::wrong_code(db::Transaction& tx, const std::string& user_id, const std::string& action,
                             const Check& check, const RequestMeta& meta) {
    const int failures =
        identity::users::record_failed_login(tx, user_id, m_settings.lockout_threshold, m_settings.lockout_minutes);
    auto e = user_event(action, meta, user_id, "failure");
    e.details = {{"method", check.method}, {"reason", check.reason}, {"failures", failures}};
    audit::record(tx, e);
    if (failures == m_settings.lockout_threshold) audit::record(tx, user_event("user.locked", meta, user_id));
    if (failures >= m_settings.lockout_threshold) {
        Error locked = make_error(ErrorCode::account_locked, "too many failed attempts; the account is locked for a while");
        locked.retry_after_seconds = m_settings.lockout_minutes * 60;
        return locked;
    }
    return make_error(ErrorCode::authentication, "the code is wrong or was already used");
}

template <class Finish>
auto MfaService::second_step(const std::string& mfa_token, const std::string& code, CodeKind kind,
                             const std::string& channel, const RequestMeta& meta, Finish finish) {
    using Out = std::invoke_result_t<Finish, db::Transaction&, const identity::User&, const std::vector<std::string>&,
                                     const std::string&, const std::optional<std::string>&>;
    return m_pool.transact([&](db::Transaction& tx) -> Result<Out> {
        auto challenge = identity::mfa_challenges::find_live(tx, mfa_token, channel);
        if (!challenge) return bad_mfa_token();
        auto user = identity::users::lock_by_id(tx, challenge->user_id);
        if (!user || user->status != "ACTIVE") return bad_mfa_token();
        if (const auto until = parse_rfc3339(user->locked_until); until && *until > unix_seconds_now()) {
            Error locked = make_error(ErrorCode::account_locked, "too many failed attempts; the account is locked for a while");
            locked.retry_after_seconds = static_cast<int>(*until - unix_seconds_now());
            return locked;
        }
        if (code.empty()) return code_field_error("is required");
        const auto check = check_code(tx, user->id, code, kind);
        if (!check.ok) {
            identity::mfa_challenges::record_failure(tx, challenge->id);
            return wrong_code(tx, user->id, "mfa.verify", check, meta);
        }
        identity::mfa_challenges::spend(tx, challenge->id);
        auto amr = challenge->first_factor;
        amr.push_back("otp");  // RFC 8176: TOTP and backup codes are both one-time passwords
        auto e = user_event("mfa.verified", meta, user->id);
        e.details = {{"method", check.method}};
        audit::record(tx, e);
        if (check.method == "backup_code") {
            auto used = user_event("mfa.backup_code_used", meta, user->id);
            used.details = {{"remaining", store::backup_codes_remaining(tx, user->id)}};
            audit::record(tx, used);
        }
        return finish(tx, *user, amr, check.method, challenge->organization_id);
    });
}

Result<identity::AuthResult> MfaService::verify(const std::string& mfa_token, const std::string& code, CodeKind kind,
                                                const RequestMeta& meta) {
    if (!m_auth) return make_error(ErrorCode::internal, "sign-ins are not available here");
    return second_step(mfa_token, code, kind, "api", meta,
                       [&](db::Transaction& tx, const identity::User& user, const std::vector<std::string>& amr,
                           const std::string& method, const std::optional<std::string>& organization_id) {
                           identity::AuthResult result{user, std::nullopt, false, std::nullopt};
                           result.tokens = m_auth->complete_signin(tx, user, amr, meta, "mfa_" + method, organization_id);
                           return result;
                       });
}

Result<identity::BrowserSignin> MfaService::verify_browser(const std::string& mfa_token, const std::string& code,
                                                           const RequestMeta& meta) {
    if (!m_auth) return make_error(ErrorCode::internal, "sign-ins are not available here");
    return second_step(mfa_token, code, CodeKind::any, "browser", meta,
                       [&](db::Transaction& tx, const identity::User& user, const std::vector<std::string>& amr,
                           const std::string& method, const std::optional<std::string>& organization_id) {
                           return m_auth->complete_browser_signin(tx, user, amr, meta, "mfa_" + method, organization_id);
                       });
}

Status MfaService::disable(const std::string& user_id, const std::string& password, const std::string& code,
                           const RequestMeta& meta) {
    if (code.empty()) return code_field_error("is required");
    auto user = m_pool.transact([&](db::Transaction& tx) { return identity::users::find_by_id(tx, user_id); });
    if (!user) return make_error(ErrorCode::not_found, "user not found");
    if (!user->mfa_enabled) return make_error(ErrorCode::conflict, "MFA is not enabled");
    if (user->password_hash) {
        if (password.empty()) return make_error(ErrorCode::validation, "password is required");
        auto matches = m_hasher.verify(password, *user->password_hash, user->password_algorithm);
        if (!matches) return matches.error();
        if (!matches.value()) return make_error(ErrorCode::authentication, "password is wrong");
    }
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        identity::users::lock_by_id(tx, user_id);
        const auto check = check_code(tx, user_id, code, CodeKind::any);
        if (!check.ok) return wrong_code(tx, user_id, "mfa.disable", check, meta);
        store::remove_all(tx, user_id);
        store::set_user_mfa_enabled(tx, user_id, false);
        auto e = user_event("mfa.disabled", meta, user_id);
        e.details = {{"method", check.method}};
        audit::record(tx, e);
        return Ok{};
    });
}

Result<MfaStatus> MfaService::status(const std::string& user_id) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<MfaStatus> {
        auto user = identity::users::find_by_id(tx, user_id);
        if (!user) return make_error(ErrorCode::not_found, "user not found");
        MfaStatus s;
        auto row = store::find_totp(tx, user_id);
        s.enabled = user->mfa_enabled;
        s.pending_setup = row && !row->confirmed;
        if (row && row->confirmed) s.enabled_at = row->confirmed_at;
        s.backup_codes_remaining = store::backup_codes_remaining(tx, user_id);
        s.passkeys = tx.exec(k_passkey_count, user_id)[0][0].as<int>();
        return s;
    });
}

Result<std::vector<std::string>> MfaService::regenerate_backup_codes(const std::string& user_id, const std::string& code,
                                                                     const RequestMeta& meta) {
    if (code.empty()) return code_field_error("is required (a current TOTP code)");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<std::string>> {
        auto user = identity::users::lock_by_id(tx, user_id);
        if (!user) return make_error(ErrorCode::not_found, "user not found");
        if (!user->mfa_enabled) return make_error(ErrorCode::conflict, "MFA is not enabled");
        const auto check = check_code(tx, user_id, code, CodeKind::totp);
        if (!check.ok) return wrong_code(tx, user_id, "mfa.backup_codes_regenerate", check, meta);
        auto codes = fresh_backup_codes(tx, user_id);
        audit::record(tx, user_event("mfa.backup_codes_regenerated", meta, user_id));
        return codes;
    });
}

Result<std::string> MfaService::resolve(db::Transaction& tx, const std::string& key) {
    std::optional<identity::User> user;
    if (key.find('@') != std::string::npos) user = identity::users::find_by_email(tx, key);
    else if (is_uuid(key)) user = identity::users::find_by_id(tx, key);
    if (!user) return make_error(ErrorCode::not_found, "user '" + key + "' not found");
    return user->id;
}

Result<MfaStatus> MfaService::status_of(const std::string& key) {
    auto id = m_pool.transact([&](db::Transaction& tx) { return resolve(tx, key); });
    if (!id) return id.error();
    return status(*id);
}

Result<MfaStatus> MfaService::reset(const std::string& key, const identity::Actor& actor) {
    auto id = m_pool.transact([&](db::Transaction& tx) -> Result<std::string> {
        auto found = resolve(tx, key);
        if (!found) return found.error();
        identity::users::lock_by_id(tx, *found);
        const bool had = store::remove_all(tx, *found);
        store::set_user_mfa_enabled(tx, *found, false);
        auto e = actor_event("mfa.reset", actor, *found);
        e.details = {{"had_totp", had}};
        audit::record(tx, e);
        return found;
    });
    if (!id) return id.error();
    return status(*id);
}

Result<std::pair<std::string, Enrollment>> MfaService::enroll_for(const std::string& key, const identity::Actor& actor) {
    if (!m_settings.enabled) return make_error(ErrorCode::authorization, "MFA is disabled on this server (ENABLE_MFA)");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::pair<std::string, Enrollment>> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        auto user = identity::users::lock_by_id(tx, *id);
        if (auto row = store::find_totp(tx, *id); row && row->confirmed)
            return make_error(ErrorCode::conflict, "MFA is already enabled for this user; `janua mfa reset` first");
        auto enrollment = start_enrollment(tx, *user);
        audit::record(tx, actor_event("mfa.enrollment_started", actor, *id));
        return std::pair{*id, enrollment};
    });
}

Result<std::vector<std::string>> MfaService::confirm_for(const std::string& key, const std::string& code,
                                                         const identity::Actor& actor) {
    if (code.empty()) return code_field_error("is required");
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<std::string>> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        identity::users::lock_by_id(tx, *id);
        auto codes = confirm(tx, *id, code);
        if (!codes) return codes.error();
        audit::record(tx, actor_event("mfa.enabled", actor, *id));
        return codes;
    });
}

}  // namespace janua::mfa
