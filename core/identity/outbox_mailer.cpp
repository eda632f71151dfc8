#include "core/identity/outbox_mailer.hpp"

#include "core/branding/mail_look.hpp"
#include "core/mail/email_job.hpp"
#include "core/mail/templates.hpp"

namespace janua::identity {

Mailer outbox_mailer(const config::Config& config) {
    const bool enabled = config.email_enabled;
    return [enabled, base = mail::mail_context(config)](db::Transaction& tx, const OutgoingMail& m) {
        if (!enabled) return;
        const auto context = branding::mail_context_for_user(tx, base, m.to);
        auto message = m.kind == OutgoingMail::Kind::verification     ? mail::verification_email(context, m.to, m.link)
                       : m.kind == OutgoingMail::Kind::password_reset ? mail::password_reset_email(context, m.to, m.link)
                       : m.kind == OutgoingMail::Kind::new_signin     ? mail::new_signin_email(context, m.to, m.link, m.detail)
                       : m.kind == OutgoingMail::Kind::device_confirmation
                           ? mail::device_confirmation_email(context, m.to, m.link, m.detail)
                           : mail::magic_link_email(context, m.to, m.link);
        auto queued = mail::enqueue(tx, message);
        // Addresses were validated before; failing here is a bug, and the change must not commit without its mail.
        if (!queued) throw std::logic_error("cannot queue email: " + queued.error().message);
    };
}

}  // namespace janua::identity
