#include "daemon/pages/account_pages.hpp"

#include "core/common/qr.hpp"
#include "core/crypto/random.hpp"
#include "daemon/pages/page_frame.hpp"

#include <set>

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
    "s.textContent=s.getAttribute('data-unsupported');b.disabled=true;return;}"
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
    "}catch(e){s.textContent=s.getAttribute('data-failed')+' '+e.message;}});})();";

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
    return "<label for=\"" + id + "\">" + escape(label) + "</label><input id=\"" + id + "\" name=\"" + id +
           "\" type=\"text\" autocomplete=\"" + autocomplete + "\" value=\"" + escape(value.value_or("")) + "\">";
}

std::string password_field(const std::string& id, const std::string& label, const std::string& autocomplete) {
    return "<label for=\"" + id + "\">" + escape(label) + "</label><input id=\"" + id + "\" name=\"" + id +
           "\" type=\"password\" autocomplete=\"" + autocomplete + "\" required>";
}

std::string section_error(const AccountView& view, const std::string& section) {
    if (view.error.empty() || view.error_section != section) return "";
    return "<p class=\"error\" role=\"alert\">" + escape(view.error) + "</p>";
}

// <section id=...><h2>title</h2> and the section's error, if the last action failed there.
std::string section_start(const AccountView& view, const std::string& id, const std::string& title) {
    return "<section aria-labelledby=\"" + id + "-h\" id=\"" + id + "\"><h2 id=\"" + id + "-h\">" + escape(title) + "</h2>" +
           section_error(view, id);
}

// A table's caption and column headers.
std::string table_start(const std::string& caption, std::initializer_list<std::string> columns) {
    std::string out = "<table><caption class=\"muted\">" + escape(caption) + "</caption><thead><tr>";
    for (const auto& c : columns) out += "<th scope=\"col\">" + escape(c) + "</th>";
    return out + "</tr></thead><tbody>";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string profile_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    const auto& u = view.user;
    return section_start(view, "profile", t("profile.title")) + "<p>" + escape(t("profile.email")) + " <strong>" +
           escape(u.email) + "</strong>" +
           (u.email_verified ? "" : " <span class=\"muted\">" + escape(t("profile.not_verified")) + "</span>") +
           "</p><form method=\"post\" action=\"/account/profile\">" + hidden_csrf(csrf) +
           text_field("first_name", t("profile.first_name"), u.first_name, "given-name") +
           text_field("last_name", t("profile.last_name"), u.last_name, "family-name") +
           text_field("display_name", t("profile.display_name"), u.display_name, "nickname") +
           text_field("username", t("profile.username"), u.username, "username") +
           text_field("phone", t("profile.phone"), u.phone, "tel") +
           text_field("locale", t("profile.locale"), u.locale, "language") +
           text_field("timezone", t("profile.timezone"), u.timezone, "off") +
           "<button type=\"submit\">" + escape(t("profile.save")) + "</button></form>"
           "<h3 id=\"email-h\">" + escape(t("email.change_title")) + "</h3>" + section_error(view, "email") +
           "<form method=\"post\" action=\"/account/email\" aria-labelledby=\"email-h\">" + hidden_csrf(csrf) +
           "<label for=\"new_email\">" + escape(t("email.new")) + "</label>"
           "<input id=\"new_email\" name=\"new_email\" type=\"email\" autocomplete=\"email\" required>" +
           password_field("email_password", t("login.password"), "current-password") +
           "<p class=\"muted\">" + escape(t("email.how")) + "</p>"
           "<button type=\"submit\">" + escape(t("email.send")) + "</button></form></section>";
}

std::string password_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    return section_start(view, "password", t("password.title")) + "<form method=\"post\" action=\"/account/password\">" +
           hidden_csrf(csrf) + password_field("current_password", t("password.current"), "current-password") +
           password_field("new_password", t("password.new"), "new-password") +
           password_field("confirm_password", t("password.again"), "new-password") +
           "<p class=\"muted\">" + escape(t("password.signs_out")) + "</p>"
           "<button type=\"submit\">" + escape(t("password.change")) + "</button></form></section>";
}

std::string totp_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    std::string out = section_start(view, "totp", t("totp.title"));
    if (!view.mfa.enabled) {
        out += "<p>" + escape(t("totp.off")) + "</p>"
               "<form method=\"post\" action=\"/account/totp/start\">" + hidden_csrf(csrf) +
               "<button type=\"submit\">" + escape(t("totp.set_up")) + "</button></form>";
    } else {
        out += "<p>" +
               escape(t("totp.on_since", {{"date", view.mfa.enabled_at},
                                          {"count", std::to_string(view.mfa.backup_codes_remaining)}})) +
               "</p>"
               "<form method=\"post\" action=\"/account/totp/backup-codes\">" + hidden_csrf(csrf) +
               "<label for=\"regen_code\">" + escape(t("totp.code_from_app")) + "</label>"
               "<input id=\"regen_code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>"
               "<button type=\"submit\">" + escape(t("totp.new_backup_codes")) + "</button></form>"
               "<form method=\"post\" action=\"/account/totp/disable\">" + hidden_csrf(csrf) +
               password_field("disable_password", t("login.password"), "current-password") +
               "<label for=\"disable_code\">" + escape(t("totp.code_or_backup")) + "</label>"
               "<input id=\"disable_code\" name=\"code\" type=\"text\" autocomplete=\"one-time-code\" required>"
               "<button type=\"submit\">" + escape(t("totp.turn_off")) + "</button></form>";
    }
    return out + "</section>";
}

std::string passkeys_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    std::string out = section_start(view, "passkeys", t("passkeys.title"));
    if (view.passkeys.empty()) {
        out += "<p>" + escape(t("passkeys.none")) + "</p>";
    } else {
        out += table_start(t("passkeys.caption"),
                           {t("passkeys.name"), t("passkeys.added"), t("passkeys.last_used"), t("account.actions")});
        for (const auto& p : view.passkeys) {
            out += "<tr><td>" + escape(p.name) +
                   (p.flagged_at.empty() ? "" : " <strong>" + escape(t("passkeys.cloned")) + "</strong>") + "</td><td>" +
                   escape(p.created_at) + "</td><td>" + escape(p.last_used_at.empty() ? t("account.never") : p.last_used_at) +
                   "</td><td><form method=\"post\" action=\"/account/passkeys/" + escape(p.id) + "/rename\">" + hidden_csrf(csrf) +
                   "<label for=\"rename-" + escape(p.id) + "\" class=\"muted\">" + escape(t("passkeys.new_name")) +
                   "</label><input id=\"rename-" + escape(p.id) +
                   "\" name=\"name\" type=\"text\" required maxlength=\"100\" value=\"" + escape(p.name) +
                   "\"><button type=\"submit\">" + escape(t("passkeys.rename")) + "</button></form> " +
                   button_form(csrf, "/account/passkeys/" + p.id + "/delete", t("account.remove"),
                               t("passkeys.remove_label", {{"name", p.name}})) +
                   "</td></tr>";
        }
        out += "</tbody></table>";
    }
    out += "<label for=\"passkey-name\">" + escape(t("passkeys.name_for_new")) + "</label>"
           "<input id=\"passkey-name\" type=\"text\" maxlength=\"100\" value=\"" + escape(t("passkeys.default_name")) + "\">"
           "<button type=\"button\" id=\"add-passkey\" data-csrf=\"" + csrf.field_value + "\">" + escape(t("passkeys.add")) +
           "</button><p id=\"passkey-status\" class=\"error\" role=\"status\" data-unsupported=\"" +
           escape(t("passkeys.unsupported")) + "\" data-failed=\"" + escape(t("passkeys.not_added")) + "\"></p>"
           "<noscript><p class=\"muted\">" + escape(t("passkeys.needs_js")) + "</p></noscript>";
    return out + "</section>";
}

std::string sessions_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    std::string out = section_start(view, "sessions", t("sessions.title")) +
                      table_start(t("sessions.caption"), {t("sessions.device"), t("sessions.ip"), t("sessions.signed_in"),
                                                          t("sessions.last_active"), t("account.actions")});
    for (const auto& s : view.sessions) {
        const bool current = s.id == view.current_session_id;
        out += "<tr><td>" + escape(s.user_agent.empty() ? t("account.unknown") : s.user_agent) +
               (current ? " <strong>" + escape(t("sessions.this_browser")) + "</strong>" : "") +
               "</td><td>" + escape(s.ip_address) + "</td><td>" + escape(s.created_at) + " <span class=\"muted\">(" +
               escape(join(s.amr, ", ")) + ")</span></td><td>" + escape(s.last_used_at) + "</td><td>" +
               (current ? std::string()
                        : button_form(csrf, "/account/sessions/" + s.id + "/revoke", t("sessions.sign_out"),
                                      t("sessions.sign_out_label", {{"ip", s.ip_address}}))) +
               "</td></tr>";
    }
    out += "</tbody></table>";
    if (view.sessions.size() > 1)
        out += button_form(csrf, "/account/sessions/revoke-others", t("sessions.sign_out_others"),
                           t("sessions.sign_out_others"));
    return out + "</section>";
}

std::string devices_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    if (!view.devices_enabled) return "";
    const auto& t = look.t;
    std::string out = section_start(view, "devices", t("devices.title")) + "<p class=\"muted\">" +
                      escape(t("devices.explain")) + "</p>";
    if (view.devices.empty()) return out + "<p>" + escape(t("devices.none")) + "</p></section>";
    out += table_start(t("devices.caption"), {t("sessions.device"), t("devices.last_ip"), t("devices.last_seen"),
                                              t("devices.trusted"), t("account.actions")});
    for (const auto& d : view.devices) {
        const std::string name = d.user_agent.empty() ? t("devices.unknown") : d.user_agent;
        out += "<tr><td>" + escape(name) + "</td><td>" + escape(d.last_ip) + "</td><td>" + escape(d.last_seen_at) +
               "</td><td>" + escape(d.trusted_at.empty() ? t("devices.no") : t("devices.since", {{"date", d.trusted_at}})) +
               "</td><td>" +
               (d.trusted_at.empty() ? button_form(csrf, "/account/devices/" + d.id + "/trust", t("devices.trust"),
                                                   t("devices.trust_label", {{"name", name}}))
                                     : "") +
               button_form(csrf, "/account/devices/" + d.id + "/remove", t("account.remove"),
                           t("devices.remove_label", {{"name", name}})) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

std::string linked_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    std::string out = section_start(view, "linked", t("linked.title"));
    if (view.linked.empty()) return out + "<p>" + escape(t("linked.none")) + "</p></section>";
    out += table_start(t("linked.caption"),
                       {t("linked.provider"), t("linked.account"), t("passkeys.last_used"), t("account.actions")});
    for (const auto& a : view.linked) {
        const std::string name = a.provider_name.empty() ? a.provider_slug : a.provider_name;
        out += "<tr><td>" + escape(name) + "</td><td>" + escape(a.email.value_or(a.subject)) + "</td><td>" +
               escape(a.last_login_at.empty() ? t("account.never") : a.last_login_at) + "</td><td>" +
               button_form(csrf, "/account/linked/" + a.provider_slug + "/unlink", t("linked.unlink"),
                           t("linked.unlink_label", {{"name", name}})) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

std::string applications_section(const Look& look, const Csrf& csrf, const AccountView& view) {
    const auto& t = look.t;
    std::string out = section_start(view, "applications", t("apps.title"));
    if (view.consents.empty()) return out + "<p>" + escape(t("apps.none")) + "</p></section>";
    out += table_start(t("apps.caption"),
                       {t("apps.application"), t("apps.access"), t("apps.allowed"), t("account.actions")});
    for (const auto& c : view.consents) {
        out += "<tr><td>" + escape(c.client_name) + "</td><td>" + escape(join(c.scopes, " ")) + "</td><td>" +
               escape(c.granted_at) + "</td><td>" +
               button_form(csrf, "/account/applications/" + c.client_id + "/revoke", t("apps.revoke"),
                           t("apps.revoke_label", {{"name", c.client_name}})) +
               "</td></tr>";
    }
    return out + "</tbody></table></section>";
}

Response with_csrf_cookie(Response r, const Csrf& csrf, bool secure) {
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

}  // namespace

Response account_page(int status, const Csrf& csrf, const Look& look, const AccountView& view, bool secure) {
    const auto& t = look.t;
    const auto& u = view.user;
    const std::string name = u.display_name.value_or(u.first_name.value_or(u.email));
    std::string body = "<h1>" + escape(t("account.heading", {{"app", look.app_name}})) + "</h1><p>" +
                       escape(t("account.signed_in_as", {{"name", name}})) + " <a href=\"/oauth/logout\">" +
                       escape(t("account.sign_out")) + "</a></p><nav aria-label=\"" + escape(t("account.sections")) + "\">";
    for (const auto& [id, key] : {std::pair{"profile", "profile.title"}, {"password", "password.title"},
                                  {"totp", "totp.title"}, {"passkeys", "passkeys.title"}, {"sessions", "sessions.title"},
                                  {"devices", "devices.title"}, {"linked", "linked.title"}, {"applications", "apps.title"}})
        if (std::string(id) != "devices" || view.devices_enabled)
            body += "<a href=\"#" + std::string(id) + "\">" + escape(t(key)) + "</a>";
    body += "</nav>";
    if (!view.notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(view.notice) + "</p>";
    if (!view.error.empty() && view.error_section.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(view.error) + "</p>";
    body += profile_section(look, csrf, view) + password_section(look, csrf, view) + totp_section(look, csrf, view) +
            passkeys_section(look, csrf, view) + sessions_section(look, csrf, view) + devices_section(look, csrf, view) +
            linked_section(look, csrf, view) + applications_section(look, csrf, view);
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    options.script_nonce = crypto::random_token(16);
    body += "<script nonce=\"" + options.script_nonce + "\">" + k_register_script + "</script>";
    return with_csrf_cookie(page_frame(status, look, t("account.page_title"), body, options), csrf, secure);
}

Response totp_setup_page(const Csrf& csrf, const Look& look, const std::string& secret,
                         const std::string& otpauth_uri, const std::string& error, bool secure) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("totp.set_up")) + "</h1>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    body += "<p>" + escape(t("totp.scan")) + "</p>" + qr::svg(otpauth_uri, t("totp.qr_label")).value_or("") + "<p>" +
            escape(t("totp.key")) + " <code>" + escape(secret) + "</code></p>"
            "<form method=\"post\" action=\"/account/totp/confirm\">" + hidden_csrf(csrf) +
            "<label for=\"code\">" + escape(t("totp.current_code")) + "</label>"
            "<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required autofocus>"
            "<button type=\"submit\">" + escape(t("totp.turn_on")) + "</button></form><p><a href=\"/account#totp\">" +
            escape(t("totp.cancel")) + "</a></p>";
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    return with_csrf_cookie(page_frame(error.empty() ? 200 : 422, look, t("totp.setup_title"), body, options), csrf,
                            secure);
}

Response backup_codes_page(const Look& look, const std::vector<std::string>& codes) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("backup.heading")) + "</h1><p>" + escape(t("backup.explain")) +
                       "</p><ul id=\"backup-codes\">";
    for (const auto& c : codes) body += "<li><code>" + escape(c) + "</code></li>";
    body += "</ul><p><a href=\"/account?done=totp#totp\">" + escape(t("backup.back")) + "</a></p>";
    FrameOptions options;
    options.extra_style = k_console_style;
    options.forms_stay_here = true;
    return page_frame(200, look, t("backup.title"), body, options);
}

Response email_confirm_page(const Csrf& csrf, const Look& look, const std::string& token, bool secure) {
    const auto& t = look.t;
    const std::string body = "<h1>" + escape(t("email.confirm_heading")) + "</h1>"
                             "<form method=\"post\" action=\"/account/email/confirm\">" + hidden_csrf(csrf) +
                             "<input type=\"hidden\" name=\"token\" value=\"" + escape(token) + "\">"
                             "<button type=\"submit\">" + escape(t("email.confirm_button")) + "</button></form>";
    FrameOptions options;
    options.forms_stay_here = true;
    return with_csrf_cookie(page_frame(200, look, t("email.confirm_title"), body, options), csrf, secure);
}

std::string account_notice(const Look& look, const std::string& done) {
    static const std::set<std::string> known = {
        "profile",      "email_sent",     "password",       "totp",    "totp_off", "passkey_added", "passkey_renamed",
        "passkey_removed", "session",     "sessions",       "device_trusted", "device_removed", "unlinked", "revoked"};
    return known.count(done) ? look.t("notice." + done) : std::string();
}

}  // namespace janua::daemon::pages
