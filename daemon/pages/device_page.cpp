#include "daemon/pages/device_page.hpp"
#include "daemon/pages/page_frame.hpp"

namespace janua::daemon::pages {
namespace {

// The code field is typed from a TV screen: large, spaced, upper case.
Response page(int status, const Look& look, const std::string& title, const std::string& body) {
    FrameOptions options;
    options.extra_style = "#user_code{font-size:1.2rem;letter-spacing:.15em;text-transform:uppercase}"
                          ".code{font-family:monospace;font-size:1.2rem}";
    options.forms_stay_here = true;  // the device forms post to /device and end on this origin
    return page_frame(status, look, title, body, options);
}

}  // namespace

Response device_code_page(const Csrf& csrf, const Look& look, const std::string& user_code,
                          const std::string& error, int status, bool secure) {
    const auto& t = look.t;
    std::string body = "<h1>" + escape(t("device.title")) + "</h1><p>" + escape(t("device.enter_code")) + "</p>";
    if (!error.empty()) body += "<p class=\"error\" role=\"alert\" id=\"code-error\">" + escape(error) + "</p>";
    body += "<form method=\"post\" action=\"/device\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<label for=\"user_code\">" + escape(t("device.code")) + "</label>"
            "<input id=\"user_code\" name=\"user_code\" type=\"text\" autocomplete=\"off\" autocapitalize=\"characters\" "
            "spellcheck=\"false\" required maxlength=\"16\" placeholder=\"XXXX-XXXX\"" +
            std::string(error.empty() ? "" : " aria-invalid=\"true\" aria-describedby=\"code-error\"") + " value=\"" +
            escape(user_code) + "\">"
            "<button type=\"submit\">" + escape(t("device.continue")) + "</button></form>";
    Response r = page(status, look, t("device.title"), body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response device_confirm_page(const Csrf& csrf, const Look& look, const std::string& user_code,
                             const std::string& client_name, const std::vector<std::string>& scopes, bool secure) {
    const auto& t = look.t;
    // The code is wrapped after escaping the sentence, so a translation cannot inject markup.
    const std::string marker = "\x01";
    std::string sentence = escape(t("device.only_if_code", {{"code", marker}}));
    if (auto at = sentence.find(marker); at != std::string::npos)
        sentence.replace(at, marker.size(), "<span class=\"code\">" + escape(user_code) + "</span>");
    std::string body = "<h1>" + escape(t("consent.heading", {{"client", client_name}, {"app", look.app_name}})) + "</h1>"
                       "<p>" + sentence + "</p><p>" + escape(t("device.asks_for")) + "</p><ul>";
    for (const auto& s : scopes) body += "<li>" + escape(s) + "</li>";
    body += "</ul><form method=\"post\" action=\"/device/decision\">"
            "<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf.field_value + "\">"
            "<input type=\"hidden\" name=\"user_code\" value=\"" + escape(user_code) + "\">"
            "<button type=\"submit\" name=\"decision\" value=\"allow\">" + escape(t("consent.allow")) + "</button> "
            "<button type=\"submit\" name=\"decision\" value=\"deny\">" + escape(t("consent.deny")) + "</button></form>";
    Response r = page(200, look, t("device.allow_title"), body);
    r.headers.emplace_back("Set-Cookie", csrf_cookie(csrf.cookie_value, secure));
    return r;
}

Response device_done_page(const Look& look, bool approved) {
    const auto& t = look.t;
    const std::string title = t(approved ? "device.connected_title" : "device.denied_title");
    return page(200, look, title,
                "<h1>" + escape(title) + "</h1><p role=\"status\">" + escape(t(approved ? "device.connected" : "device.denied")) +
                    "</p>");
}

}  // namespace janua::daemon::pages
