#pragma once
// The HTML pages januad serves itself for the OAuth flow: sign-in, consent, errors, signed-out.
// Forms carry a CSRF token bound to a cookie (double submit, HMAC-signed with SECRET_KEY).

#include "daemon/http.hpp"
#include "daemon/pages/look.hpp"

#include <string>
#include <vector>

namespace janua::daemon::pages {

struct Csrf {
    std::string cookie_value;  // set (again) on the response
    std::string field_value;   // put into the form
};

// The CSRF pair for this browser: reuses its cookie when it has one.
Csrf csrf_for(const Request& request, const std::string& secret_key);
// A POSTed form's token matches the browser's cookie.
bool csrf_ok(const Request& request, const std::string& field_value, const std::string& secret_key);

std::string session_cookie(const std::string& value, int max_age_seconds, bool secure);
std::string csrf_cookie(const std::string& value, bool secure);
constexpr const char* k_session_cookie = "janua_session";
constexpr const char* k_csrf_cookie = "janua_csrf";

Response login_page(const Csrf& csrf, const Look& look, const std::string& client_name,
                    const std::string& return_to, const std::string& login_hint, const std::string& error, bool secure);
// The second step of the sign-in for a user with MFA: a TOTP (or backup) code, posted to /login/mfa.
Response mfa_page(const Csrf& csrf, const Look& look, const std::string& return_to,
                  const std::string& mfa_token, const std::string& error, bool secure);
Response consent_page(const Csrf& csrf, const Look& look, const std::string& client_name,
                      const std::vector<std::string>& scopes, const std::string& return_to, bool secure);
Response error_page(int status, const Look& look, const std::string& message);
Response message_page(const Look& look, const std::string& title, const std::string& message);
Response redirect(const std::string& location);

// Only our own authorization endpoint and /device may be a return target (no open redirects).
bool is_safe_return_to(const std::string& return_to);

}  // namespace janua::daemon::pages
