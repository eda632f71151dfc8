#pragma once
// The cookie that binds an SSO sign-in (SAML AuthnRequest, upstream OIDC authorization) to the
// browser that started it: core/crypto/browser_binding.hpp keeps its hash with the request.

#include "daemon/http.hpp"

#include <string>

namespace janua::daemon::pages {

constexpr const char* k_sso_binding_cookie = "janua_sso_binding";

// HttpOnly, on /api/v1/ only, for as long as the request may be answered. SameSite=Lax, except
// when the identity provider answers with a cross-site POST (SAML HTTP-POST binding, OIDC
// form_post): browsers do not send Lax cookies with those, so the cookie is SameSite=None, which
// they accept only with Secure; over plain http (development) no SameSite is set at all. The
// value being secret to this browser is the defence, not SameSite.
inline std::string sso_binding_cookie(const std::string& value, int max_age_seconds, bool secure, bool cross_site_post) {
    std::string cookie = std::string(k_sso_binding_cookie) + "=" + value + "; Path=/api/v1/; HttpOnly; Max-Age=" +
                         std::to_string(max_age_seconds);
    if (!cross_site_post) cookie += "; SameSite=Lax";
    else if (secure) cookie += "; SameSite=None";
    if (secure) cookie += "; Secure";
    return cookie;
}

inline std::string sso_binding_of(const Request& r) { return cookie(r, k_sso_binding_cookie); }

}  // namespace janua::daemon::pages
