#include "daemon/pages/sign_in_options.hpp"

#include "core/common/url.hpp"
#include "daemon/pages/page_frame.hpp"

namespace janua::daemon::pages {
namespace {

SignInOptionsSource& source() {
    static SignInOptionsSource instance;
    return instance;
}

}  // namespace

void set_sign_in_options_source(SignInOptionsSource s) { source() = std::move(s); }

std::string sign_in_options_html(const Look& look, const std::string& return_to) {
    const auto& t = look.t;
    if (!source()) return {};
    const SignInOptions options = source()();
    if (options.providers.empty() && !options.enterprise_sso) return {};
    const std::string target = return_to.empty() ? "/login/signed-in" : return_to;
    std::string html = "<section class=\"sign-in-options\" aria-label=\"" + escape(t("login.other_ways")) + "\"><p>" +
                       escape(t("login.or")) + "</p>";
    for (const auto& p : options.providers)
        html += "<p><a class=\"provider\" data-provider=\"" + escape(p.slug) + "\" href=\"/api/v1/auth/oauth/" +
                percent_encode(p.slug) + "/authorize?return_to=" + percent_encode(target) + "\">" +
                escape(t("login.with_provider", {{"provider", p.display_name}})) + "</a></p>";
    if (options.enterprise_sso)
        html += "<form method=\"get\" action=\"/login/sso\">"
                "<input type=\"hidden\" name=\"return_to\" value=\"" + escape(target) + "\">"
                "<label for=\"sso-email\">" + escape(t("login.sso_email")) + "</label>"
                "<input id=\"sso-email\" name=\"email\" type=\"email\" autocomplete=\"email\" required>"
                "<button type=\"submit\">" + escape(t("login.sso_submit")) + "</button></form>";
    return html + "</section>";
}

}  // namespace janua::daemon::pages
