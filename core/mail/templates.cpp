#include "core/mail/templates.hpp"

#include "core/mail/html.hpp"

#include <map>
#include <stdexcept>
#include <string_view>

namespace janua::mail {
namespace {

// The pieces every template fills in; `intro`/`outro` are plain text, escaped for HTML here.
struct Content {
    std::string subject;
    std::string intro;
    std::string action;  // the button label
    std::string outro;
};

void require_web_link(const std::string& link) {
    // A javascript: or data: URL in a mail would be a bug in the caller, never user input to keep.
    if (link.rfind("https://", 0) != 0 && link.rfind("http://", 0) != 0)
        throw std::invalid_argument("email link must be an absolute http(s) URL");
}

// Names in subjects come from users (organization, inviter); a line break would make the message
// fail validation, so it becomes a space instead.
std::string one_line(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return text;
}

// One layout for every mail. Placeholders are filled in a single pass, so a value that happens
// to contain "{link}" is never expanded again.
constexpr std::string_view k_html_layout = R"(<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{subject}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #222;">
{logo}<p>{intro}</p>
<p><a href="{link}" style="display: inline-block; padding: 10px 18px; background: {button}; color: {button_text}; text-decoration: none; border-radius: 4px;">{action}</a></p>
<p>{fallback}<br>
<a href="{link}">{link}</a></p>
<p>{outro}</p>
<p style="color: #777;">{app}</p>
</body></html>
)";


// Colours come normalized from core/branding ("#rrggbb") and the logo is an https URL without
// quotes or spaces (checked there), so both are safe inside the attributes.
std::string logo_html(const MailContext& context) {
    if (!context.logo_url) return "";
    return "<p><img src=\"" + html_escape(*context.logo_url) + "\" alt=\"" + html_escape(context.app_name) +
           "\" style=\"max-height: 48px;\"></p>\n";
}

EmailMessage render(const MailContext& context, const std::string& to, const std::string& link,
                    const Content& content) {
    require_web_link(link);
    EmailMessage message;
    message.to = to;
    message.subject = one_line(content.subject);
    message.text_body = content.intro + "\n\n" + link + "\n\n" + content.outro + "\n\n-- \n" +
                        context.app_name + "\n";
    message.html_body = i18n::fill(k_html_layout, {{"subject", html_escape(message.subject)},
                                             {"intro", html_escape(content.intro)},
                                             {"link", html_escape(link)},
                                             {"action", html_escape(content.action)},
                                             {"outro", html_escape(content.outro)},
                                             {"app", html_escape(context.app_name)},
                                             {"lang", context.text.locale()},
                                             {"button", context.button_color},
                                             {"button_text", context.button_text_color},
                                             {"fallback", html_escape(context.text("mail.button_fallback"))},
                                             {"logo", logo_html(context)}});
    return message;
}

}  // namespace

MailContext mail_context(const config::Config& config) {
    MailContext context;
    if (!config.app_name.empty()) context.app_name = config.app_name;
    if (config.email_token_expire_minutes > 0)
        context.link_expire_minutes = config.email_token_expire_minutes;
    if (config.magic_link_expire_minutes > 0)
        context.magic_link_expire_minutes = config.magic_link_expire_minutes;
    return context;
}

// The four texts of a mail from its catalog keys ("mail.<name>.subject" ...).
Content content_of(const MailContext& context, const std::string& name, i18n::Vars intro_vars, i18n::Vars outro_vars) {
    const auto& t = context.text;
    return {t("mail." + name + ".subject", {{"app", context.app_name}}), t("mail." + name + ".intro", intro_vars),
            t("mail." + name + ".action"), t("mail." + name + ".outro", outro_vars)};
}

EmailMessage verification_email(const MailContext& context, const std::string& to, const std::string& link) {
    return render(context, to, link,
                  content_of(context, "verify", {{"email", to}, {"app", context.app_name}},
                             {{"duration", context.text.duration_minutes(context.link_expire_minutes)}}));
}

EmailMessage email_change_email(const MailContext& context, const std::string& to, const std::string& link) {
    return render(context, to, link,
                  content_of(context, "email_change", {{"email", to}, {"app", context.app_name}},
                             {{"duration", context.text.duration_minutes(context.link_expire_minutes)}}));
}

EmailMessage email_changed_notice(const MailContext& context, const std::string& to, const std::string& new_email,
                                  const std::string& account_link) {
    return render(context, to, account_link,
                  content_of(context, "email_changed", {{"app", context.app_name}, {"old", to}, {"new", new_email}}, {}));
}

EmailMessage password_reset_email(const MailContext& context, const std::string& to, const std::string& link) {
    return render(context, to, link,
                  content_of(context, "reset", {{"app", context.app_name}},
                             {{"duration", context.text.duration_minutes(context.link_expire_minutes)}}));
}

EmailMessage magic_link_email(const MailContext& context, const std::string& to, const std::string& link) {
    return render(context, to, link,
                  content_of(context, "magic", {{"app", context.app_name}},
                             {{"duration", context.text.duration_minutes(context.magic_link_expire_minutes)}}));
}

EmailMessage new_signin_email(const MailContext& context, const std::string& to, const std::string& link,
                              const std::string& detail) {
    return render(context, to, link, content_of(context, "new_signin", {{"detail", detail}}, {}));
}

EmailMessage device_confirmation_email(const MailContext& context, const std::string& to,
                                       const std::string& link, const std::string& detail) {
    return render(context, to, link,
                  content_of(context, "device_confirm", {{"detail", detail}},
                             {{"duration", context.text.duration_minutes(context.link_expire_minutes)}}));
}

EmailMessage invitation_email(const MailContext& context, const std::string& to,
                              const std::string& link, const std::string& organization_name,
                              const std::string& inviter_name) {
    const auto& t = context.text;
    Content content = content_of(context, "invitation", {}, {});
    content.subject = t("mail.invitation.subject", {{"organization", organization_name}, {"app", context.app_name}});
    content.intro = inviter_name.empty()
                        ? t("mail.invitation.intro", {{"organization", organization_name}, {"app", context.app_name}})
                        : t("mail.invitation.intro_by",
                            {{"inviter", inviter_name}, {"organization", organization_name}, {"app", context.app_name}});
    return render(context, to, link, content);
}

}  // namespace janua::mail
