#pragma once
// The account console's pages (/account): what a signed-in user sees of their own account.
// Rendering only; daemon/routes/account_routes.cpp gathers the data from the core services.
// Every form posts with the CSRF token of hosted_pages.hpp; the only script is the passkey
// registration (nonce'd), everything else works without JavaScript.

#include "core/devices/device_service.hpp"
#include "core/federation/linked_accounts.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user.hpp"
#include "core/mfa/mfa_service.hpp"
#include "core/oidc/authorization_codes.hpp"
#include "core/webauthn/credential_store.hpp"
#include "daemon/pages/hosted_pages.hpp"

#include <string>
#include <vector>

namespace janua::daemon::pages {

struct AccountView {
    identity::User user;
    std::string current_session_id;
    std::vector<identity::sessions::Session> sessions;
    bool devices_enabled = false;  // DEVICES_ENABLED
    std::vector<devices::Device> devices;
    mfa::MfaStatus mfa;
    std::vector<webauthn::store::Credential> passkeys;
    std::vector<federation::linked_accounts::LinkedAccount> linked;
    std::vector<oidc::consents::Granted> consents;
    std::string notice;         // what the last action did (role=status)
    std::string error;          // why the last action failed (role=alert)
    std::string error_section;  // the section the error belongs to (its id), shown there
};

// The console: profile, password, two-step verification, passkeys, sessions, linked accounts and
// applications, one section each.
Response account_page(int status, const Csrf& csrf, const Look& look, const AccountView& view, bool secure);

// TOTP enrolment: the QR code and the secret, and the form that confirms it with a first code.
Response totp_setup_page(const Csrf& csrf, const Look& look, const std::string& secret,
                         const std::string& otpauth_uri, const std::string& error, bool secure);

// Backup codes, shown once (after enrolment or regeneration).
Response backup_codes_page(const Look& look, const std::vector<std::string>& codes);

// The landing page of an email-change link: a button that confirms (a link alone must not change
// anything, mail scanners open links).
Response email_confirm_page(const Csrf& csrf, const Look& look, const std::string& token, bool secure);

// The fixed notice for a `?done=` key after a redirect (never echoes the query).
std::string account_notice(const Look& look, const std::string& done);

}  // namespace janua::daemon::pages
