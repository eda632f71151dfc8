#include "daemon/pages/hosted_pages.hpp"
#include "daemon/pages/page_frame.hpp"
#include "daemon/pages/sign_in_options.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

#include <utility>

namespace janua::daemon::pages {
namespace {

// `script_nonce`: the one inline script the page may run (the sign-in page's passkey button).
const char* k_passkey_script =
    "(function(){var b=document.getElementById('passkey'),s=document.getElementById('passkey-status');"
    "if(!window.PublicKeyCredential||!PublicKeyCredential.parseRequestOptionsFromJSON){b.hidden=true;return;}"
    "b.addEventListener('click',async function(){s.textContent='';try{"
    "var r=await fetch('/api/v1/passkeys/authenticate/begin',{method:'POST',headers:{'Content-Type':'application/json'},"
    "body:'{}',credentials:'same-origin'});if(!r.ok)throw new Error('the server refused ('+r.status+')');"
    "var o=PublicKeyCredential.parseRequestOptionsFromJSON(await r.json());"
    "var c=await navigator.credentials.get({publicKey:o});"
    "document.getElementById('passkey-credential').value=JSON.stringify(c.toJSON());"
    "document.getElementById('passkey-form').submit();"
    "}catch(e){s.textContent=s.getAttribute('data-failed')+' '+e.message;}});})();";

// No form-action here: the sign-in and consent flows end at the client's redirect URI.
Response html(int status, const Look& look, const std::string& title, const std::string& body,
              const std::string& script_nonce = "") {
    FrameOptions options;
    options.script_nonce = script_nonce;
    return page_frame(status, look, title, body, options);
}

// The words of a scope on the consent pages: its description when Janua knows it, then its name.
std::string scope_item(const Look& look, const std::string& scope) {
    static const std::pair<const char*, const char*> described[] = {
        {"openid", "scope.openid"},   {"profile", "scope.profile"},
        {"email", "scope.email"},     {"phone", "scope.phone"},
        {"address", "scope.address"}, {"offline_access", "scope.offline_access"},
        // Hands over the user's upstream tokens: the user must see that, not a bare name.
        {"integrations:read", "scope.integrations_read"}};
    for (const auto& [known, key] : described)
        if (scope == known)
            return "<li>" + escape(look.t(key)) + " <span class=\"muted\">(" + escape(scope) + ")</span></li>";
    return "<li>" + escape(scope) + "</li>";
}

std::string field_for(const std::string& cookie_value, const std::string& secret_key) {
    return crypto::hex_encode(crypto::hmac_sha256(secret_key, "janua-csrf:" + cookie_value));
}

}  // namespace

Csrf csrf_for(const Request& request, const std::string& secret_key) {
    std::string value = cookie(request, k_csrf_cookie);
    if (value.size() != 43) value = crypto::random_token(32);
    return {value, field_for(value, secret_key)};
}

bool csrf_ok(const Request& request, const std::string& field_value, const std::string& secret_key) {
    const std::string value = cookie(request, k_csrf_cookie);
    if (value.size() != 43 || field_value.empty()) return false;
    return crypto::constant_time_equals(field_for(value, secret_key), field_value);
}

std::string session_cookie(const std::string& value, int max_age_seconds, bool secure) {
    return std::string(k_session_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
           std::to_string(max_age_seconds) + (secure ? "; Secure" : "");
}

std::string csrf_cookie(const std::string& value, bool secure) {
    return std::string(k_csrf_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

Response login_page(const Csrf& csrf, const Look& look, const std::string& client_name,
                    const std::string& return_to, const std::string& login_hint, const std::string& error, bool secure) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("login.heading", {{"name", client_name.empty() ? look.app_name : client_name}})) + "</h1>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/login\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"return_to\" value=\"" + escape(return_to) + "\">"
            "<label for=\"email\">" + escape(t("login.identifier")) + "</label>"
            "<input id=\"email\" name=\"email\" type=\"text\" autocomplete=\"username\" required value=\"" +
            escape(login_hint) + "\">"
            "<label for=\"password\">" + escape(t("login.password")) + "</label>"
            "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
            "<button type=\"submit\">" + escape(t("login.submit")) + "</button></form>";
    body += sign_in_options_html(look, return_to);  // "Sign in with …" providers, enterprise SSO
    // Passkeys: a usernameless WebAuthn sign-in; the script only runs the WebAuthn calls and posts
    // the result to /login/passkey with the same CSRF token.
    const std::string nonce = crypto::random_token(16);
    body += "<form id=\"passkey-form\" method=\"post\" action=\"/login/passkey\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"return_to\" value=\"" + escape(return_to) + "\">"
            "<input type=\"hidden\" id=\"passkey-credential\" name=\"credential\" value=\"\">"
            "<button type=\"button\" id=\"passkey\">" + escape(t("login.passkey")) + "</button>"
            "<p id=\"passkey-status\" class=\"error\" role=\"status\" data-failed=\"" + escape(t("login.passkey_failed")) +
            "\"></p></form>"
            "<script nonce=\"" + nonce + "\">" + k_passkey_script + "</script>";
    Response r = html(error.empty() ? 200 : 401, look, t("login.page_title"), body, nonce);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response mfa_page(const Csrf& csrf, const Look& look, const std::string& return_to,
                  const std::string& mfa_token, const std::string& error, bool secure) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("mfa.title")) + "</h1>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/login/mfa\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"return_to\" value=\"" + escape(return_to) + "\">"
            "<input type=\"hidden\" name=\"mfa_token\" value=\"" + escape(mfa_token) + "\">"
            "<label for=\"code\">" + escape(t("mfa.code")) + "</label>"
            "<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
            "required autofocus>"
            "<button type=\"submit\">" + escape(t("mfa.submit")) + "</button></form>";
    Response r = html(error.empty() ? 200 : 401, look, t("mfa.title"), body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response consent_page(const Csrf& csrf, const Look& look, const std::string& client_name,
                      const std::vector<std::string>& scopes, const std::string& return_to, bool secure) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("consent.heading", {{"client", client_name}, {"app", look.app_name}})) + "</h1><ul>";
    for (const auto& s : scopes) body += scope_item(look, s);
    body += "</ul><form method=\"post\" action=\"/consent\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"return_to\" value=\"" + escape(return_to) + "\">"
            "<button type=\"submit\" name=\"decision\" value=\"allow\">" + escape(t("consent.allow")) + "</button> "
            "<button type=\"submit\" name=\"decision\" value=\"deny\">" + escape(t("consent.deny")) + "</button></form>";
    Response r = html(200, look, t("consent.page_title"), body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response error_page(int status, const Look& look, const std::string& message) {
    return html(status, look, look.t("page.error_title"),
                "<h1>" + escape(look.t("page.error_heading")) + "</h1><p class=\"error\">" + escape(message) + "</p>");
}

Response message_page(const Look& look, const std::string& title, const std::string& message) {
    return html(200, look, title, "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>");
}

Response redirect(const std::string& location) {
    Response r;
    r.status = 302;
    r.content_type.clear();
    r.set_header("Location", location);
    return r;
}

bool is_safe_return_to(const std::string& return_to) {
    const bool ours = return_to.rfind("/oauth/authorize?", 0) == 0 || return_to == "/device" ||
                      return_to.rfind("/device?", 0) == 0 ||  // the device verification page (device_page.hpp)
                      return_to == "/account";                 // the account console (account_pages.hpp)
    return ours && return_to.find("//", 1) == std::string::npos &&
           return_to.find('\\') == std::string::npos && return_to.find('\r') == std::string::npos &&
           return_to.find('\n') == std::string::npos;
}

}  // namespace janua::daemon::pages
