#pragma once
// The other ways to sign in that the hosted /login page offers: a "Sign in with …" link per
// enabled social/upstream provider (GET /api/v1/auth/oauth/{slug}/authorize) and, when
// enterprise SSO is on, a work-email form (GET /login/sso) that finds the organization's SAML or
// OIDC connection by the address's domain. Plain links and a form: no script, no external asset.

#include "daemon/pages/look.hpp"

#include <functional>
#include <string>
#include <vector>

namespace janua::daemon::pages {

struct ProviderButton {
    std::string slug;
    std::string display_name;
};

struct SignInOptions {
    std::vector<ProviderButton> providers;
    bool enterprise_sso = false;
};

using SignInOptionsSource = std::function<SignInOptions()>;

// Set once while the routes are registered (before any request is served); read per page.
void set_sign_in_options_source(SignInOptionsSource source);

// The links and the form for the login page, each continuing to `return_to` after the sign-in
// (the page's pending authorization request), or to /login/signed-in; "" when there are none.
std::string sign_in_options_html(const Look& look, const std::string& return_to);

}  // namespace janua::daemon::pages
