#pragma once
// The frame every hosted page shares (sign-in, MFA, consent, device, errors): escaping, one small
// stylesheet, and the Content-Security-Policy — no external assets, never framed.

#include "core/mail/html.hpp"
#include "daemon/http.hpp"
#include "daemon/pages/look.hpp"

#include <string>

namespace janua::daemon::pages {

inline std::string escape(const std::string& text) { return mail::html_escape(text); }

struct FrameOptions {
    std::string extra_style;   // appended to the shared stylesheet
    std::string script_nonce;  // the one inline script the page may run, if any
    // form-action 'self': only for pages whose forms never end in a redirect to another origin
    // (browsers apply form-action to the redirects after a submit).
    bool forms_stay_here = false;
};

// The page in the reader's language (<html lang>), with the organization's logo and stylesheet.
Response page_frame(int status, const Look& look, const std::string& title, const std::string& body,
                    const FrameOptions& options = {});

}  // namespace janua::daemon::pages
