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

std::string minutes_text(int minutes) {
    if (minutes % 1440 == 0)
        return std::to_string(minutes / 1440) + (minutes == 1440 ? " day" : " days");
    if (minutes % 60 == 0)
        return std::to_string(minutes / 60) + (minutes == 60 ? " hour" : " hours");
    return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

// One layout for every mail. Placeholders are filled in a single pass, so a value that happens
// to contain "{link}" is never expanded again.
constexpr std::string_view k_html_layout = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{subject}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #222;">
<p>{intro}</p>
<p><a href="{link}" style="display: inline-block; padding: 10px 18px; background: #2f5bea; color: #fff; text-decoration: none; border-radius: 4px;">{action}</a></p>
<p>If the button does not work, copy this link into your browser:<br>
<a href="{link}">{link}</a></p>
<p>{outro}</p>
<p style="color: #777;">{app}</p>
</body></html>
)";

std::string fill(std::string_view layout, const std::map<std::string, std::string>& values) {
    std::string out;
    std::size_t at = 0;
    while (at < layout.size()) {
        const auto open = layout.find('{', at);
        const auto close = open == std::string_view::npos ? open : layout.find('}', open);
        if (close == std::string_view::npos) break;
        out.append(layout.substr(at, open - at));
        const auto value = values.find(std::string(layout.substr(open + 1, close - open - 1)));
        out += value != values.end() ? value->second
                                     : std::string(layout.substr(open, close - open + 1));
        at = close + 1;
    }
    if (at < layout.size()) out.append(layout.substr(at));
    return out;
}

EmailMessage render(const MailContext& context, const std::string& to, const std::string& link,
                    const Content& content) {
    require_web_link(link);
    EmailMessage message;
    message.to = to;
    message.subject = one_line(content.subject);
    message.text_body = content.intro + "\n\n" + link + "\n\n" + content.outro + "\n\n-- \n" +
                        context.app_name + "\n";
    message.html_body = fill(k_html_layout, {{"subject", html_escape(message.subject)},
                                             {"intro", html_escape(content.intro)},
                                             {"link", html_escape(link)},
                                             {"action", html_escape(content.action)},
                                             {"outro", html_escape(content.outro)},
                                             {"app", html_escape(context.app_name)}});
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

EmailMessage verification_email(const MailContext& context, const std::string& to,
                                const std::string& link) {
    return render(context, to, link,
                  {"Verify your email address for " + context.app_name,
                   "Please confirm that " + to + " is your email address for " + context.app_name +
                       " by opening this link:",
                   "Verify email address",
                   "The link expires in " + minutes_text(context.link_expire_minutes) +
                       ". If you did not sign up, you can ignore this email."});
}

EmailMessage email_change_email(const MailContext& context, const std::string& to, const std::string& link) {
    return render(context, to, link,
                  {"Confirm your new email address for " + context.app_name,
                   "Someone asked to use " + to + " as the email address of a " + context.app_name +
                       " account. To confirm the change, open this link:",
                   "Confirm new address",
                   "The link expires in " + minutes_text(context.link_expire_minutes) +
                       ". If you did not ask for this, ignore this email: nothing changes."});
}

EmailMessage email_changed_notice(const MailContext& context, const std::string& to, const std::string& new_email,
                                  const std::string& account_link) {
    return render(context, to, account_link,
                  {"Your " + context.app_name + " email address was changed",
                   "The email address of your " + context.app_name + " account was changed from " + to + " to " +
                       new_email + ". Your account:",
                   "Review your account",
                   "If you did not do this, reset your password and contact your administrator now."});
}

EmailMessage password_reset_email(const MailContext& context, const std::string& to,
                                  const std::string& link) {
    return render(
        context, to, link,
        {"Reset your " + context.app_name + " password",
         "Someone asked to reset the password of your " + context.app_name +
             " account. To choose a new password, open this link:",
         "Reset password",
         "The link expires in " + minutes_text(context.link_expire_minutes) +
             ". If you did not ask for this, ignore this email: your password stays unchanged."});
}

EmailMessage magic_link_email(const MailContext& context, const std::string& to,
                              const std::string& link) {
    return render(
        context, to, link,
        {"Your sign-in link for " + context.app_name,
         "Open this link to sign in to " + context.app_name + ":", "Sign in",
         "The link works once and expires in " + minutes_text(context.magic_link_expire_minutes) +
             ". If you did not ask to sign in, you can ignore this email."});
}

EmailMessage new_signin_email(const MailContext& context, const std::string& to, const std::string& link,
                              const std::string& detail) {
    return render(context, to, link,
                  {"New sign-in to your " + context.app_name + " account",
                   "Your account was just signed in to from a device it had not used before. " + detail +
                       " If this was you, there is nothing to do. If it was not, reset your password now:",
                   "Reset my password",
                   "You can see and remove the devices of your account in your account settings."});
}

EmailMessage device_confirmation_email(const MailContext& context, const std::string& to,
                                       const std::string& link, const std::string& detail) {
    return render(context, to, link,
                  {"Confirm a sign-in to " + context.app_name,
                   "Someone signed in to your account with your password, from a device or place that looks unusual. " +
                       detail + " If this was you, confirm the device with this link, then sign in again:",
                   "Confirm this device",
                   "The link works once and expires in " + minutes_text(context.link_expire_minutes) +
                       ". If this was not you, do not open it, and change your password."});
}

EmailMessage invitation_email(const MailContext& context, const std::string& to,
                              const std::string& link, const std::string& organization_name,
                              const std::string& inviter_name) {
    const std::string who = inviter_name.empty() ? "You have" : inviter_name + " has";
    return render(
        context, to, link,
        {"You are invited to join " + organization_name + " on " + context.app_name,
         who + " invited you to join " + organization_name + " on " + context.app_name +
             ". To accept the invitation, open this link:",
         "Accept invitation", "If you did not expect this invitation, you can ignore this email."});
}

}  // namespace janua::mail
