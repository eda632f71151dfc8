#pragma once
// The hosted verification page of the device authorization grant (RFC 8628 3.3): the user types
// the code their device shows, sees which application asks for what, and approves or denies.
// Same rules as the other hosted pages: no scripts or external assets, CSRF-protected forms, a
// strict Content-Security-Policy.

#include "daemon/pages/hosted_pages.hpp"

#include <string>
#include <vector>

namespace janua::daemon::pages {

// The form asking for the user code (prefilled from verification_uri_complete). `error` is shown
// in an alert; `status` is the HTTP status.
Response device_code_page(const Csrf& csrf, const Look& look, const std::string& user_code,
                          const std::string& error, int status, bool secure);
// The confirmation: which client, which scopes, Approve / Deny.
Response device_confirm_page(const Csrf& csrf, const Look& look, const std::string& user_code,
                             const std::string& client_name, const std::vector<std::string>& scopes, bool secure);
// After the decision: what happens on the device now.
Response device_done_page(const Look& look, bool approved);

}  // namespace janua::daemon::pages
