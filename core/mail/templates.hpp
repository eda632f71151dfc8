#pragma once
// The product's emails, each as plain text and HTML. Inserted values are HTML-escaped in the
// HTML part; links must be absolute http(s) URLs built by the caller.

#include "core/config/config.hpp"
#include "core/i18n/text.hpp"
#include "core/mail/message.hpp"

#include <optional>
#include <string>

namespace janua::mail {

struct MailContext {
    std::string app_name = "Janua";
    int link_expire_minutes = 60;  // verification and password reset
    int magic_link_expire_minutes = 15;
    // The recipient's language with the organization's own wording, and the organization's look
    // (core/branding/mail_look.hpp fills these in).
    i18n::Text text;
    std::string button_color = "#2f5bea";
    std::string button_text_color = "#ffffff";
    std::optional<std::string> logo_url;  // https only
};

MailContext mail_context(const config::Config& config);

EmailMessage verification_email(const MailContext& context, const std::string& to,
                                const std::string& link);
EmailMessage password_reset_email(const MailContext& context, const std::string& to,
                                  const std::string& link);
EmailMessage magic_link_email(const MailContext& context, const std::string& to,
                              const std::string& link);
// To the new address of an email change: the link that confirms it.
EmailMessage email_change_email(const MailContext& context, const std::string& to, const std::string& link);
// To the old address once the change is done, with a link to the account console.
EmailMessage email_changed_notice(const MailContext& context, const std::string& to, const std::string& new_email,
                                  const std::string& account_link);
// Devices and risk-based sign-in (core/devices): `detail` names the device, address and time.
EmailMessage new_signin_email(const MailContext& context, const std::string& to, const std::string& link,
                              const std::string& detail);
EmailMessage device_confirmation_email(const MailContext& context, const std::string& to,
                                       const std::string& link, const std::string& detail);
// `inviter_name` may be empty.
EmailMessage invitation_email(const MailContext& context, const std::string& to,
                              const std::string& link, const std::string& organization_name,
                              const std::string& inviter_name);

}  // namespace janua::mail
