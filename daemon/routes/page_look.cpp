// The look of hosted pages per request: see pages::Look and page_look in routes.hpp.
#include "core/branding/branding.hpp"
#include "core/common/url.hpp"
#include "core/i18n/locale.hpp"
#include "daemon/pages/hosted_pages.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

// `ui_locales` of the authorization request the page continues (return_to is checked elsewhere;
// here only its query is read).
std::string ui_locales_of(const std::string& return_to) {
    const auto query = return_to.find('?');
    if (query == std::string::npos) return "";
    auto fields = parse_form(return_to.substr(query + 1));
    if (!fields) return "";
    auto it = fields->find("ui_locales");
    return it == fields->end() ? "" : it->second;
}

}  // namespace

pages::Look page_look(const DaemonContext& context, const Request& r, const std::string& return_to,
                      const std::optional<std::string>& profile_locale) {
    pages::Look look;
    if (!context.config.app_name.empty()) look.app_name = context.config.app_name;
    std::shared_ptr<const branding::Look> brand;
    if (context.branding) brand = context.branding->look_for_host(r.header("Host"));

    i18n::LocaleHints hints;
    hints.ui_locales = r.query_param("ui_locales").value_or("");
    if (hints.ui_locales.empty()) hints.ui_locales = ui_locales_of(return_to.empty() ? r.query_param("return_to").value_or("") : return_to);
    hints.profile_locale = profile_locale;
    hints.accept_language = r.header("Accept-Language");
    if (brand) hints.fallback = brand->branding.default_locale;
    const std::string locale = i18n::negotiate(hints);

    if (!brand) {
        look.t = i18n::Text(locale);
        return look;
    }
    const auto& b = brand->branding;
    if (b.product_name) look.app_name = *b.product_name;
    look.logo_url = b.logo_url;
    look.stylesheet = branding::page_stylesheet(b);
    look.t = i18n::Text(locale, brand->overrides_for(locale));
    return look;
}

Response signed_in_page(const pages::Look& look) {
    return pages::message_page(look, look.t("page.signed_in_title"), look.t("page.signed_in"));
}

Response signed_out_page(const pages::Look& look) {
    return pages::message_page(look, look.t("page.signed_out_title"), look.t("page.signed_out"));
}

Response malformed_form_page(const DaemonContext& context, const Request& r) {
    const auto look = page_look(context, r);
    return pages::error_page(400, look, look.t("page.form_malformed"));
}

}  // namespace janua::daemon
