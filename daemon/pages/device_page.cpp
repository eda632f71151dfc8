#include "daemon/pages/device_page.hpp"
#include "daemon/pages/page_frame.hpp"

namespace janua::daemon::pages {
namespace {

// The code field is typed from a TV screen: large, spaced, upper case.
Response page(int status, const std::string& app_name, const std::string& title, const std::string& body) {
    FrameOptions options;
    options.extra_style = "#user_code{font-size:1.2rem;letter-spacing:.15em;text-transform:uppercase}"
                          ".code{font-family:monospace;font-size:1.2rem}";
    options.forms_stay_here = true;  // the device forms post to /device and end on this origin
    return page_frame(status, app_name, title, body, options);
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
