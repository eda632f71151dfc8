#include "daemon/pages/account_pages.hpp"

#include "core/common/qr.hpp"
#include "core/crypto/random.hpp"
#include "daemon/pages/page_frame.hpp"

#include <map>

namespace janua::daemon::pages {
namespace {

const char* k_console_style =
    "body{align-items:flex-start}main{width:44rem;max-width:94vw;margin:2rem 0}section{border-top:1px solid #ddd;"
    "padding-top:.5rem;margin-top:1.5rem}h2{font-size:1.1rem}table{border-collapse:collapse;width:100%}"
    "td,th{text-align:left;padding:.3rem;border-bottom:1px solid #eee;font-size:.9rem;vertical-align:top}"
    "td form{display:inline}td button{margin:0}.notice{color:#0a6b2d}nav a{margin-right:.8rem}"
    ".muted{color:#555;font-size:.85rem}code{word-break:break-all}";

// The passkey button: the WebAuthn calls, with the page's CSRF token as a header. Everything else
// on the console is plain forms.
const char* k_register_script =
    "(function(){var b=document.getElementById('add-passkey'),s=document.getElementById('passkey-status');"
    "if(!b)return;if(!window.PublicKeyCredential||!PublicKeyCredential.parseCreationOptionsFromJSON){"
    "s.textContent='This browser cannot create passkeys.';b.disabled=true;return;}"
    "b.addEventListener('click',async function(){s.textContent='';var t=b.getAttribute('data-csrf');"
    "var h={'Content-Type':'application/json','X-CSRF-Token':t};try{"
    "var r=await fetch('/account/passkeys/begin',{method:'POST',headers:h,body:'{}',credentials:'same-origin'});"
    "if(!r.ok)throw new Error((await r.json()).error.message);"
    "var c=await navigator.credentials.create({publicKey:PublicKeyCredential.parseCreationOptionsFromJSON(await r.json())});"
    "var n=document.getElementById('passkey-name').value;"
    "r=await fetch('/account/passkeys/complete',{method:'POST',headers:h,credentials:'same-origin',"
    "body:JSON.stringify({credential:c.toJSON(),name:n})});"
    "if(!r.ok)throw new Error((await r.json()).error.message);"
    "location.assign('/account?done=passkey_added#passkeys');"
    "}catch(e){s.textContent='The passkey was not added: '+e.message;}});})();";

std::string hidden_csrf(const Csrf& csrf) {
    return "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">";
}

// A one-button form posting to `action` (revoke, remove, unlink).
std::string button_form(const Csrf& csrf, const std::string& action, const std::string& label,
                        const std::string& accessible_label) {
    return "<form method=\"post\" action=\"" + escape(action) + "\">" + hidden_csrf(csrf) +
           "<button type=\"submit\" aria-label=\"" + escape(accessible_label) + "\">" + escape(label) + "</button></form>";
}

std::string text_field(const std::string& id, const std::string& label, const std::optional<std::string>& value,
                       const std::string& autocomplete) {
    return "<label for=\"" + id + "\">" + label + "</label><input id=\"" + id + "\" name=\"" + id +
           "\" type=\"text\" autocomplete=\"" + autocomplete + "\" value=\"" + escape(value.value_or("")) + "\">";
}

std::string password_field(const std::string& id, const std::string& label, const std::string& autocomplete) {
    return "<label for=\"" + id + "\">" + label + "</label><input id=\"" + id + "\" name=\"" + id +
           "\" type=\"password\" autocomplete=\"" + autocomplete + "\" required>";
}

std::string section_error(const AccountView& view, const std::string& section) {
    if (view.error.empty() || view.error_section != section) return "";
    return "<p class=\"error\" role=\"alert\">" + escape(view.error) + "</p>";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string profile_section(const Csrf& csrf, const AccountView& view) {
    const auto& u = view.user;
    return "<section aria-labelledby=\"profile-h\" id=\"profile\"><h2 id=\"profile-h\">Profile</h2>" +
           section_error(view, "profile") + "<p>Email: <strong>" + escape(u.email) + "</strong>" +
           (u.email_verified ? "" : " <span class=\"muted\">(not verified)</span>") +
           "</p><form method=\"post\" action=\"/account/profile\">" + hidden_csrf(csrf) +
           text_field("first_name", "First name", u.first_name, "given-name") +
           text_field("last_name", "Last name", u.last_name, "family-name") +
           text_field("display_name", "Display name", u.display_name, "nickname") +
           text_field("username", "Username", u.username, "username") +
           text_field("phone", "Phone", u.phone, "tel") +
           text_field("locale", "Language (e.g. en, es-MX)", u.locale, "language") +
           text_field("timezone", "Time zone (e.g. Europe/Madrid)", u.timezone, "off") +
           "<button type=\"submit\">Save profile</button></form>"
           "<h3 id=\"email-h\">Change email address</h3>" + section_error(view, "email") +
           "<form method=\"post\" action=\"/account/email\" aria-labelledby=\"email-h\">" + hidden_csrf(csrf) +
           "<label for=\"new_email\">New email address</label>"
           "<input id=\"new_email\" name=\"new_email\" type=\"email\" autocomplete=\"email\" required>" +
           password_field("email_password", "Password", "current-password") +
           "<p class=\"muted\">We send a link to the new address; the change happens when it is opened.</p>"
           "<button type=\"submit\">Send confirmation link</button></form></section>";
}

std::string password_section(const Csrf& csrf, const AccountView& view) {
    return "<section aria-labelledby=\"password-h\" id=\"password\"><h2 id=\"password-h\">Password</h2>" +
           section_error(view, "password") + "<form method=\"post\" action=\"/account/password\">" + hidden_csrf(csrf) +
           password_field("current_password", "Current password", "current-password") +
           password_field("new_password", "New password", "new-password") +
           password_field("confirm_password", "New password again", "new-password") +
           "<p class=\"muted\">Changing it signs out your other sessions.</p>"
           "<button type=\"submit\">Change password</button></form></section>";
}

std::string totp_section(const Csrf& csrf, const AccountView& view) {
    std::string out = "<section aria-labelledby=\"totp-h\" id=\"totp\"><h2 id=\"totp-h\">Two-step verification</h2>" +
                      section_error(view, "totp");
    if (!view.mfa.enabled) {
        out += "<p>Off. Add an authenticator app (TOTP) to ask for a code after your password.</p>"
               "<form method=\"post\" action=\"/account/totp/start\">" + hidden_csrf(csrf) +
               "<button type=\"submit\">Set up an authenticator app</button></form>";
    } else {
        out += "<p>On since " + escape(view.mfa.enabled_at) + ". Backup codes left: " +
               std::to_string(view.mfa.backup_codes_remaining) + ".</p>"
               "<form method=\"post\" action=\"/account/totp/backup-codes\">" + hidden_csrf(csrf) +
               "<label for=\"regen_code\">Code from your app</label>"
               "<input id=\"regen_code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>"
               "<button type=\"submit\">New backup codes</button></form>"
               "<form method=\"post\" action=\"/account/totp/disable\">" + hidden_csrf(csrf) +
               password_field("disable_password", "Password", "current-password") +
               "<label for=\"disable_code\">Code from your app (or a backup code)</label>"
               "<input id=\"disable_code\" name=\"code\" type=\"text\" autocomplete=\"one-time-code\" required>"
               "<button type=\"submit\">Turn off two-step verification</button></form>";
    }
    return out + "</section>";
}

std::string passkeys_section(const Csrf& csrf, const AccountView& view) {
    std::string out = "<section aria-labelledby=\"passkeys-h\" id=\"passkeys\"><h2 id=\"passkeys-h\">Passkeys</h2>" +
                      section_error(view, "passkeys");
    if (view.passkeys.empty()) {
        out += "<p>No passkeys yet.</p>";
    } else {
        out += "<table><caption class=\"muted\">Your passkeys</caption><thead><tr><th scope=\"col\">Name</th>"
               "<th scope=\"col\">Added</th><th scope=\"col\">Last used</th><th scope=\"col\">Actions</th></tr></thead><tbody>";
        for (const auto& p : view.passkeys) {
            out += "<tr><td>" + escape(p.name) + (p.flagged_at.empty() ? "" : " <strong>(possibly cloned)</strong>") +
                   "</td><td>" + escape(p.created_at) + "</td><td>" + escape(p.last_used_at.empty() ? "never" : p.last_used_at) +
                   "</td><td><form method=\"post\" action=\"/account/passkeys/" + escape(p.id) + "/rename\">" + hidden_csrf(csrf) +
                   "<label for=\"rename-" + escape(p.id) + "\" class=\"muted\">New name</label><input id=\"rename-" +
                   escape(p.id) + "\" name=\"name\" type=\"text\" required maxlength=\"100\" value=\"" + escape(p.name) +
                   "\"><button type=\"submit\">Rename</button></form> " +
                   button_form(csrf, "/account/passkeys/" + p.id + "/delete", "Remove", "Remove passkey " + p.name) +
                   "</td></tr>";
        }
        out += "</tbody></table>";
    }
    out += "<label for=\"passkey-name\">Name for a new passkey</label>"
           "<input id=\"passkey-name\" type=\"text\" maxlength=\"100\" value=\"Passkey\">"
           "<button type=\"button\" id=\"add-passkey\" data-csrf=\"" + csrf.field_value + "\">Add a passkey</button>"
           "<p id=\"passkey-status\" class=\"error\" role=\"status\"></p>"
           "<noscript><p class=\"muted\">Adding a passkey needs JavaScript (the browser's WebAuthn API).</p></noscript>";
    return out + "</section>";
}

std::string sessions_section(const Csrf& csrf, const AccountView& view) {
    std::string out = "<section aria-labelledby=\"sessions-h\" id=\"sessions\"><h2 id=\"sessions-h\">Signed-in sessions</h2>" +
                      section_error(view, "sessions") +
                      "<table><caption class=\"muted\">Where your account is signed in</caption><thead><tr>"
                      "<th scope=\"col\">Device</th><th scope=\"col\">IP address</th><th scope=\"col\">Signed in</th>"
                      "<th scope=\"col\">Last active</th><th scope=\"col\">Actions</th></tr></thead><tbody>";
    for (const auto& s : view.sessions) {
        const bool current = s.id == view.current_session_id;
        out += "<tr><td>" + escape(s.user_agent.empty() ? "unknown" : s.user_agent) + (current ? " <strong>(this browser)</strong>" : "") +
               "</td><td>" + escape(s.ip_address) + "</td><td>" + escape(s.created_at) + " <span class=\"muted\">(" +
               escape(join(s.amr, ", ")) + ")</span></td><td>" + escape(s.last_used_at) + "</td><td>" +
               (current ? std::string() : button_form(csrf, "/account/sessions/" + s.id + "/revoke", "Sign out",
                                                      "Sign out session from " + s.ip_address)) +
               "</td></tr>";
    }
    out += "</tbody></table>";
    if (view.sessions.size() > 1)
        out += button_form(csrf, "/account/sessions/revoke-others", "Sign out all other sessions",
                           "Sign out all other sessions");
    return out + "</section>";
}

std::string devices_section(const Csrf& csrf, const AccountView& view) {
    if (!view.devices_enabled) return "";
    std::string out = "<section aria-labelledby=\"devices-h\" id=\"devices\"><h2 id=\"devices-h\">Devices</h2>" +
                      section_error(view, "devices") +
                      "<p class=\"muted\">Browsers and apps that signed in to your account. A sign-in that looks "
                      "risky on a device you do not trust asks for more proof.</p>";
    if (view.devices.empty()) return out + "<p>No devices yet.</p></section>";
    out += "<table><caption class=\"muted\">Your devices</caption><thead><tr><th scope=\"col\">Device</th>"
           "<th scope=\"col\">Last IP address</th><th scope=\"col\">Last seen</th><th scope=\"col\">Trusted</th>"
           "<th scope=\"col\">Actions</th></tr></thead><tbody>";
    for (const auto& d : view.devices) {
        const std::string name = d.user_agent.empty() ? "unknown device" : d.user_agent;
        out += "<tr><td>" + escape(name) + "</td><td>" + escape(d.last_ip) + "</td><td>" + escape(d.last_seen_at) +
               "</td><td>" + (d.trusted_at.empty() ? std::string("no") : "since " + escape(d.trusted_at)) + "</td><td>" +
               (d.trusted_at.empty() ? button_form(csrf, "/account/devices/" + d.id + "/trust", "Trust", "Trust " + name) : "") +
               button_form(csrf, "/account/devices/" + d.id + "/remove", "Remove", "Remove " + name) + "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

std::string linked_section(const Csrf& csrf, const AccountView& view) {
    std::string out = "<section aria-labelledby=\"linked-h\" id=\"linked\"><h2 id=\"linked-h\">Linked accounts</h2>" +
                      section_error(view, "linked");
    if (view.linked.empty()) return out + "<p>No accounts at other providers are linked.</p></section>";
    out += "<table><caption class=\"muted\">Accounts you sign in with</caption><thead><tr><th scope=\"col\">Provider</th>"
           "<th scope=\"col\">Account</th><th scope=\"col\">Last used</th><th scope=\"col\">Actions</th></tr></thead><tbody>";
    for (const auto& a : view.linked) {
        const std::string name = a.provider_name.empty() ? a.provider_slug : a.provider_name;
        out += "<tr><td>" + escape(name) + "</td><td>" + escape(a.email.value_or(a.subject)) + "</td><td>" +
               escape(a.last_login_at.empty() ? "never" : a.last_login_at) + "</td><td>" +
               button_form(csrf, "/account/linked/" + a.provider_slug + "/unlink", "Unlink", "Unlink " + name) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

std::string applications_section(const Csrf& csrf, const AccountView& view) {
    std::string out = "<section aria-labelledby=\"apps-h\" id=\"applications\"><h2 id=\"apps-h\">Applications</h2>" +
                      section_error(view, "applications");
    if (view.consents.empty()) return out + "<p>You have not allowed any application to access your account.</p></section>";
    out += "<table><caption class=\"muted\">Applications you allowed</caption><thead><tr><th scope=\"col\">Application</th>"
           "<th scope=\"col\">Access</th><th scope=\"col\">Allowed</th><th scope=\"col\">Actions</th></tr></thead><tbody>";
    for (const auto& c : view.consents) {
        out += "<tr><td>" + escape(c.client_name) + "</td><td>" + escape(join(c.scopes, " ")) + "</td><td>" +
               escape(c.granted_at) + "</td><td>" +
               button_form(csrf, "/account/applications/" + c.client_id + "/revoke", "Revoke access",
                           "Revoke access of " + c.client_name) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

Response with_csrf_cookie(Response r, const Csrf& csrf, bool secure) {
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

}  // namespace

Response account_page(int status, const Csrf& csrf, const std::string& app_name, const AccountView& view, bool secure) {
    const auto& u = view.user;
    const std::string name = u.display_name.value_or(u.first_name.value_or(u.email));
    std::string body = "<h1>Your " + escape(app_name) + " account</h1><p>Signed in as " + escape(name) +
                       ". <a href=\"/oauth/logout\">Sign out</a></p>"
                       "<nav aria-label=\"Sections\"><a href=\"#profile\">Profile</a><a href=\"#password\">Password</a>"
                       "<a href=\"#totp\">Two-step verification</a><a href=\"#passkeys\">Passkeys</a>"
                       "<a href=\"#sessions\">Sessions</a>" + std::string(view.devices_enabled ? "<a href=\"#devices\">Devices</a>" : "") +
                       "<a href=\"#linked\">Linked accounts</a>"
                       "<a href=\"#applications\">Applications</a></nav>";
    if (!view.notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(view.notice) + "</p>";
    if (!view.error.empty() && view.error_section.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(view.error) + "</p>";
    body += profile_section(csrf, view) + password_section(csrf, view) + totp_section(csrf, view) +
            passkeys_section(csrf, view) + sessions_section(csrf, view) + devices_section(csrf, view) +
            linked_section(csrf, view) +
            applications_section(csrf, view);
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    options.script_nonce = crypto::random_token(16);
    body += "<script nonce=\"" + options.script_nonce + "\">" + k_register_script + "</script>";
    return with_csrf_cookie(page_frame(status, app_name, "Account", body, options), csrf, secure);
}

Response totp_setup_page(const Csrf& csrf, const std::string& app_name, const std::string& secret,
                         const std::string& otpauth_uri, const std::string& error, bool secure) {
    std::string body = "<h1>Set up an authenticator app</h1>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    body += "<p>Scan this code with your authenticator app, or type the key below into it.</p>" +
            qr::svg(otpauth_uri, "QR code of the authenticator key").value_or("") +
            "<p>Key: <code>" + escape(secret) + "</code></p>"
            "<form method=\"post\" action=\"/account/totp/confirm\">" + hidden_csrf(csrf) +
            "<label for=\"code\">The 6-digit code your app shows now</label>"
            "<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required autofocus>"
            "<button type=\"submit\">Turn on</button></form><p><a href=\"/account#totp\">Cancel</a></p>";
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    return with_csrf_cookie(page_frame(error.empty() ? 200 : 422, app_name, "Authenticator app", body, options), csrf,
                            secure);
}

Response backup_codes_page(const std::string& app_name, const std::vector<std::string>& codes) {
    std::string body = "<h1>Your backup codes</h1><p>Each code signs you in once if you lose your phone. Keep them "
                       "somewhere safe: they are shown only now.</p><ul id=\"backup-codes\">";
    for (const auto& c : codes) body += "<li><code>" + escape(c) + "</code></li>";
    body += "</ul><p><a href=\"/account?done=totp#totp\">Back to your account</a></p>";
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    return page_frame(200, app_name, "Backup codes", body, options);
}

Response email_confirm_page(const Csrf& csrf, const std::string& app_name, const std::string& token, bool secure) {
    const std::string body = "<h1>Confirm your new email address</h1>"
                             "<form method=\"post\" action=\"/account/email/confirm\">" + hidden_csrf(csrf) +
                             "<input type=\"hidden\" name=\"token\" value=\"" + escape(token) + "\">"
                             "<button type=\"submit\">Use this address for my account</button></form>";
    FrameOptions options;
    options.forms_stay_here = true;
    return with_csrf_cookie(page_frame(200, app_name, "Confirm email address", body, options), csrf, secure);
}

std::string account_notice(const std::string& done) {
    static const std::map<std::string, std::string> notices = {
        {"profile", "Your profile was saved."},
        {"email_sent", "We sent a link to the new address; open it to finish the change."},
        {"password", "Your password was changed; your other sessions were signed out."},
        {"totp", "Two-step verification is on."},
        {"totp_off", "Two-step verification is off."},
        {"passkey_added", "The passkey was added."},
        {"passkey_renamed", "The passkey was renamed."},
        {"passkey_removed", "The passkey was removed."},
        {"session", "The session was signed out."},
        {"sessions", "All your other sessions were signed out."},
        {"device_trusted", "The device is trusted."},
        {"device_removed", "The device was removed; it counts as new at its next sign-in."},
        {"unlinked", "The account was unlinked."},
        {"revoked", "The application's access was revoked."},
    };
    auto it = notices.find(done);
    return it == notices.end() ? std::string() : it->second;
}

}  // namespace janua::daemon::pages
