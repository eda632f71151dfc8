#include "core/identity/email_change.hpp"

#include "core/branding/mail_look.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/audit_events.hpp"
#include "core/identity/user_repository.hpp"
#include "core/identity/user_tokens.hpp"
#include "core/mail/email_job.hpp"
#include "core/mail/templates.hpp"

namespace janua::identity {
namespace {

// The confirmation page is part of the account console (daemon/routes/account_routes.cpp).
constexpr const char* k_confirm_path = "/account/email/confirm?token=";

void queue(db::Transaction& tx, const mail::EmailMessage& message) {
    auto queued = mail::enqueue(tx, message);
    // Addresses were validated before; the change must not commit without its mail.
    if (!queued) throw std::logic_error("cannot queue email: " + queued.error().message);
}

}  // namespace

EmailChangeService::EmailChangeService(db::Pool& pool, PasswordHasher& hasher, const config::Config& config)
    : m_pool(pool), m_hasher(hasher), m_config(config) {}

Status EmailChangeService::request(const std::string& user_id, const std::string& new_email, const std::string& password,
                                   const RequestMeta& meta) {
    if (!m_config.email_enabled)
        return make_error(ErrorCode::authorization, "email is not set up on this server; an administrator can change "
                                                    "the address with 'janua user update USER --email NEW'");
    const auto normalized = normalize_email(new_email);
    if (!normalized) return make_error(ErrorCode::validation, "new_email is not a valid email address");
    if (password.empty()) return make_error(ErrorCode::validation, "password is required");
    auto user = m_pool.transact([&](db::Transaction& tx) { return users::find_by_id(tx, user_id); });
    if (!user) return make_error(ErrorCode::not_found, "user not found");
    if (*normalized == user->email) return make_error(ErrorCode::validation, "new_email is your current address");
    if (!user->password_hash)
        return make_error(ErrorCode::validation, "set a password first: the change is confirmed with it");
    auto matches = m_hasher.verify(password, *user->password_hash, user->password_algorithm);
    if (!matches) return matches.error();
    if (!matches.value()) {
        m_pool.transact([&](db::Transaction& tx) {
            audit::record(tx, user_event("user.email_change_requested", meta, user_id, "failure"));
        });
        return make_error(ErrorCode::authentication, "the password is wrong");
    }
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto holder = users::find_by_email(tx, *normalized);
        if (holder && holder->id != user_id)
            return make_error(ErrorCode::conflict, "another account uses this email address");
        const int minutes = m_config.email_token_expire_minutes > 0 ? m_config.email_token_expire_minutes : 60;
        const auto token = user_tokens::issue_email_change(tx, user_id, *normalized, minutes);
        // In the language and look of the account, found by its current address.
        queue(tx, mail::email_change_email(branding::mail_context_for_user(tx, mail::mail_context(m_config), user->email),
                                           *normalized,
                                           m_config.base_url + k_confirm_path + token));
        auto e = user_event("user.email_change_requested", meta, user_id);
        e.details = {{"new_email", *normalized}};
        audit::record(tx, e);
        return Ok{};
    });
}

Result<std::string> EmailChangeService::confirm(const std::string& token, const RequestMeta& meta) {
    return db::atomically<std::string>(m_pool, [&](db::Transaction& tx) -> Result<std::string> {
        const auto change = user_tokens::consume_email_change(tx, token);
        if (!change) return make_error(ErrorCode::token, "this link is invalid, expired or already used");
        auto user = users::lock_by_id(tx, change->user_id);
        if (!user) return make_error(ErrorCode::token, "this link is invalid, expired or already used");
        const std::string previous = user->email;
        auto updated = users::update(tx, user->id, {{"email", change->new_email}, {"email_verified", true}});
        if (!updated) return updated.error();  // taken meanwhile: rolled back, the link stays unused
        queue(tx, mail::email_changed_notice(
                      branding::mail_context_for_user(tx, mail::mail_context(m_config), change->new_email), previous,
                      change->new_email,
                                             m_config.base_url + "/account"));
        auto e = user_event("user.email_changed", meta, user->id);
        e.details = {{"previous_email", previous}, {"new_email", change->new_email}};
        audit::record(tx, e);
        return change->new_email;
    });
}

}  // namespace janua::identity
