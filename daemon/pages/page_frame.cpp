#include "daemon/pages/page_frame.hpp"

namespace janua::daemon::pages {
namespace {

const char* k_style =
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;"
    "align-items:center;justify-content:center}main{background:#fff;padding:2rem;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.1);width:22rem}h1{font-size:1.3rem;margin-top:0}label{display:block;"
    "margin:.8rem 0 .3rem}input[type=email],input[type=password],input[type=text]{width:100%;padding:.5rem;"
    "box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1rem}.error{color:#b00020}ul{padding-left:1.2rem}";

// The origin of the logo URL ("https://host[:port]"), the only image source the page allows.
std::string origin_of(const std::string& url) {
    const auto end = url.find_first_of("/?#", 8);
    return url.substr(0, end);
}

}  // namespace

Response page_frame(int status, const Look& look, const std::string& title, const std::string& body,
                    const FrameOptions& options) {
    Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    const std::string logo = look.logo_url ? "<img class=\"brand-logo\" src=\"" + escape(*look.logo_url) + "\" alt=\"" +
                                                 escape(look.app_name) + "\">"
                                           : "";
    r.body = "<!doctype html><html lang=\"" + look.t.locale() +
             "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
             "content=\"width=device-width,initial-scale=1\"><title>" +
             escape(title) + " · " + escape(look.app_name) + "</title><style>" + k_style + options.extra_style +
             look.stylesheet + "</style></head><body><main>" + logo + body + "</main></body></html>";
    std::string policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
    if (options.forms_stay_here) policy += "; form-action 'self'";
    if (look.logo_url) policy += "; img-src " + origin_of(*look.logo_url);
    // The passkey button needs one nonce'd script and same-origin fetches for the WebAuthn options.
    if (!options.script_nonce.empty()) policy += "; script-src 'nonce-" + options.script_nonce + "'; connect-src 'self'";
    r.set_header("Content-Security-Policy", policy);
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace janua::daemon::pages
