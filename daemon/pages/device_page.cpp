#include "daemon/pages/device_page.hpp"

namespace janua::daemon::pages {
namespace {

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const char* k_style =
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;"
    "align-items:center;justify-content:center}main{background:#fff;padding:2rem;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.1);width:22rem}h1{font-size:1.3rem;margin-top:0}label{display:block;"
    "margin:.8rem 0 .3rem}input[type=text]{width:100%;padding:.5rem;box-sizing:border-box;font-size:1.2rem;"
    "letter-spacing:.15em;text-transform:uppercase}button{margin-top:1rem;padding:.6rem 1rem}.error{color:#b00020}"
    "ul{padding-left:1.2rem}.code{font-family:monospace;font-size:1.2rem}";

Response page(int status, const std::string& app_name, const std::string& title, const std::string& body) {
    Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
             "content=\"width=device-width,initial-scale=1\"><title>" +
             escape(title) + " · " + escape(app_name) + "</title><style>" + k_style + "</style></head><body><main>" +
             body + "</main></body></html>";
    // As the other hosted pages: no scripts, no external assets, never framed; forms post only here.
    r.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace

Response device_code_page(const Csrf& csrf, const std::string& app_name, const std::string& user_code,
                          const std::string& error, int status, bool secure) {
    std::string body = "<h1>Connect a device</h1><p>Enter the code shown on your device.</p>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\" id=\"code-error\">" + escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/device\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<label for=\"user_code\">Code</label>"
            "<input id=\"user_code\" name=\"user_code\" type=\"text\" autocomplete=\"off\" autocapitalize=\"characters\" "
            "spellcheck=\"false\" required maxlength=\"16\" placeholder=\"XXXX-XXXX\"" +
            std::string(error.empty() ? "" : " aria-invalid=\"true\" aria-describedby=\"code-error\"") + " value=\"" +
            escape(user_code) + "\">"
            "<button type=\"submit\">Continue</button></form>";
    Response r = page(status, app_name, "Connect a device", body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response device_confirm_page(const Csrf& csrf, const std::string& app_name, const std::string& user_code,
                             const std::string& client_name, const std::vector<std::string>& scopes, bool secure) {
    std::string body = "<h1>" + escape(client_name) + " wants to access your " + escape(app_name) + " account</h1>"
                       "<p>Only continue if your device shows the code <span class=\"code\">" + escape(user_code) +
                       "</span>.</p><p>It asks for:</p><ul>";
    for (const auto& s : scopes) body += "<li>" + escape(s) + "</li>";
    body += "</ul><form method=\"post\" action=\"/device/decision\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"user_code\" value=\"" + escape(user_code) + "\">"
            "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> "
            "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>";
    Response r = page(200, app_name, "Allow the device", body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response device_done_page(const std::string& app_name, bool approved) {
    return page(200, app_name, approved ? "Device connected" : "Request denied",
                approved ? "<h1>Device connected</h1><p role=\"status\">You can return to your device; it will continue by itself.</p>"
                         : "<h1>Request denied</h1><p role=\"status\">The device was not given access. You can close this page.</p>");
}

}  // namespace janua::daemon::pages
