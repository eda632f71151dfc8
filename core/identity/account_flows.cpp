// Profile, password changes, email verification and magic links (AuthService, continued).
#include "core/identity/audit_events.hpp"
#include "core/common/log.hpp"
#include "core/common/rate_limiter.hpp"
#include "core/common/time.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/mfa_challenges.hpp"
#include "core/identity/profile.hpp"
#include "core/identity/user_repository.hpp"
#include "core/identity/user_tokens.hpp"
#include "core/tokens/refresh_tokens.hpp"

namespace janua::identity {
namespace {

Error bad_link() { return make_error(ErrorCode::token, "this link is invalid, expired or already used"); }

// Per-account budget for the emails anyone can trigger with just an address (reset, magic link,
// verification): the per-IP limit does not stop a botnet from flooding one mailbox. Over budget
// the request answers exactly as before (no enumeration) and sends nothing. Per process, keyed
// by purpose and user id, like the per-IP limiter.
constexpr int k_account_mails_per_minute = 3;
constexpr int k_account_mails_per_hour = 10;

bool account_mail_allowed(const char* purpose, const std::string& user_id) {
    static RateLimiter budget(k_account_mails_per_minute, k_account_mails_per_hour);
    if (budget.acquire(std::string(purpose) + ":" + user_id, unix_seconds_now()) == 0) return true;
    log::info("account email over its per-account budget: not sent", {{"purpose", purpose}, {"user_id", user_id}});
    return false;
}

}  // namespace

Result<User> AuthService::profile(const std::string& user_id) {
    auto user = m_pool.transact([&](db::Transaction& tx) { return users::find_by_id(tx, user_id); });
    if (!user) return make_error(ErrorCode::not_found, "user not found");
    return *user;
}

Result<User> AuthService::update_profile(const std::string& user_id, const nlohmann::json& patch) {
    auto clean = validate_profile_patch(patch, PatchScope::self);
    if (!clean) return clean.error();
    return m_pool.transact([&](db::Transaction& tx) { return users::update(tx, user_id, clean.value()); });
}

Status AuthService::change_password(const Principal& caller, const std::string& current_password,
                                    const std::string& new_password, const RequestMeta& meta) {
    if (current_password.empty()) return make_error(ErrorCode::validation, "current_password is required");
    if (auto policy = check_password(password_policy(), new_password); !policy) return policy.error();
    auto user = m_pool.transact([&](db::Transaction& tx) { return users::find_by_id(tx, caller.user_id); });
    if (!user || !user->password_hash) return make_error(ErrorCode::authentication, "current password is wrong");
    auto matches = m_hasher.verify(current_password, *user->password_hash, user->password_algorithm);
    if (!matches) return matches.error();
    if (!matches.value()) {
        m_pool.transact([&](db::Transaction& tx) {
            auto e = user_event("user.password_changed", meta, caller.user_id);
            e.outcome = "failure";
            e.details = {{"reason", "wrong_current_password"}};
            audit::record(tx, e);
        });
        return make_error(ErrorCode::authentication, "current password is wrong");
    }
    auto hash = m_hasher.hash(new_password);
    if (!hash) return hash.error();
    m_pool.transact([&](db::Transaction& tx) {
        users::set_password(tx, caller.user_id, hash.value(), "bcrypt");
        const int revoked = sessions::revoke_all(tx, caller.user_id, caller.session_id, "password_changed");
        auto e = user_event("user.password_changed", meta, caller.user_id);
        e.details = {{"other_sessions_revoked", revoked}};
        audit::record(tx, e);
    });
    return Ok{};
}

void AuthService::forgot_password(const std::string& email, const RequestMeta& meta) {
    const auto normalized = normalize_email(email);
    if (!normalized) return;
    m_pool.transact([&](db::Transaction& tx) {
        auto user = users::find_by_email(tx, *normalized);
        if (!user || user->status != "ACTIVE" || !account_mail_allowed("password_reset", user->id)) return;
        const auto token = user_tokens::issue(tx, user->id, "password_reset", m_settings.email_token_minutes);
        m_mailer(tx, {OutgoingMail::Kind::password_reset, user->email, link(m_settings.frontend_url, "/reset-password", token)});
        audit::record(tx, user_event("user.password_reset_requested", meta, user->id));
    });
}

Status AuthService::reset_password(const std::string& token, const std::string& new_password, const RequestMeta& meta) {
    if (token.empty()) return make_error(ErrorCode::validation, "token is required");
    if (auto policy = check_password(password_policy(), new_password); !policy) return policy.error();
    // Hash first: the token is spent only together with the new password.
    auto hash = m_hasher.hash(new_password);
    if (!hash) return hash.error();
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto user_id = user_tokens::consume(tx, token, "password_reset");
        if (!user_id) return bad_link();
        users::set_password(tx, *user_id, hash.value(), "bcrypt");
        // Whoever knew the old password must not stay signed in.
        sessions::revoke_all(tx, *user_id, "", "password_reset");
        audit::record(tx, user_event("user.password_reset", meta, *user_id));
        return Ok{};
    });
}

Status AuthService::verify_email(const std::string& token, const RequestMeta& meta) {
    if (token.empty()) return make_error(ErrorCode::validation, "token is required");
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto user_id = user_tokens::consume(tx, token, "email_verification");
        if (!user_id) return bad_link();
        users::mark_email_verified(tx, *user_id);
        audit::record(tx, user_event("user.email_verified", meta, *user_id));
        return Ok{};
    });
}

void AuthService::resend_verification(const std::string& email, const RequestMeta& meta) {
    const auto normalized = normalize_email(email);
    if (!normalized) return;
    m_pool.transact([&](db::Transaction& tx) {
        auto user = users::find_by_email(tx, *normalized);
        if (!user || user->email_verified || user->status == "SUSPENDED" || user->status == "DELETED" ||
            !account_mail_allowed("email_verification", user->id))
            return;
        const auto token = user_tokens::issue(tx, user->id, "email_verification", m_settings.email_token_minutes);
        m_mailer(tx, {OutgoingMail::Kind::verification, user->email, link(m_settings.frontend_url, "/verify-email", token)});
        audit::record(tx, user_event("user.verification_resent", meta, user->id));
    });
}

Status AuthService::request_magic_link(const std::string& email, const RequestMeta& meta) {
    if (!magic_links_enabled()) return make_error(ErrorCode::authorization, "magic links are disabled");
    const auto normalized = normalize_email(email);
    if (!normalized) {
        Error e = make_error(ErrorCode::validation, "email must be a valid email address");
        e.details = nlohmann::json::array({{{"field", "email"}, {"message", "must be a valid email address"}}});
        return e;
    }
    m_pool.transact([&](db::Transaction& tx) {
        auto user = users::find_by_email(tx, *normalized);
        if (!user || user->status != "ACTIVE" || !account_mail_allowed("magic_link", user->id)) return;
        const auto token = user_tokens::issue(tx, user->id, "magic_link", m_settings.magic_link_minutes);
        m_mailer(tx, {OutgoingMail::Kind::magic_link, user->email,
                      link(m_settings.base_url, "/api/v1/auth/magic-link/verify", token)});
        audit::record(tx, user_event("user.magic_link_requested", meta, user->id));
    });
    return Ok{};
}

Result<AuthResult> AuthService::verify_magic_link(const std::string& token, const RequestMeta& meta) {
    if (!magic_links_enabled()) return make_error(ErrorCode::authorization, "magic links are disabled");
    return m_pool.transact([&](db::Transaction& tx) -> Result<AuthResult> {
        auto user_id = user_tokens::consume(tx, token, "magic_link");
        if (!user_id) return bad_link();
        auto user = users::find_by_id(tx, *user_id);
        if (!user || user->status != "ACTIVE") return bad_link();
        // Following the link proves control of the mailbox.
        users::mark_email_verified(tx, user->id);
        user->email_verified = true;
        // The link is a first factor like a password: a user with MFA still owes the second one.
        if (user->mfa_enabled) {
            AuthResult pending{*user, std::nullopt, false, std::nullopt};
            pending.mfa_token = mfa_challenges::issue(tx, user->id, {"email"}, "api", meta.ip, meta.user_agent);
            auto e = user_event("user.signin_mfa_required", meta, user->id);
            e.details = {{"first_factor", "email"}};
            audit::record(tx, e);
            return pending;
        }
        AuthResult result{*user, complete_signin(tx, *user, {"email"}, meta, "magic_link"), false, std::nullopt};
        return result;
    });
}

}  // namespace janua::identity
