#include "core/branding/mail_look.hpp"

#include "core/i18n/locale.hpp"

namespace janua::branding {
namespace {

mail::MailContext apply(mail::MailContext base, const std::optional<Look>& look, const std::optional<std::string>& profile) {
    i18n::LocaleHints hints;
    hints.profile_locale = profile;
    if (look) hints.fallback = look->branding.default_locale;
    const std::string locale = i18n::negotiate(hints);
    if (!look) {
        base.text = i18n::Text(locale);
        return base;
    }
    const auto& b = look->branding;
    if (b.product_name) base.app_name = *b.product_name;
    base.logo_url = b.logo_url;
    base.button_color = b.colors().primary;
    base.button_text_color = readable_text_on(base.button_color);
    base.text = i18n::Text(locale);
    return base;
}

}  // namespace

mail::MailContext mail_context_for_user(db::Transaction& tx, mail::MailContext base, const std::string& email) {
    return apply(std::move(base), std::nullopt, BrandingService::locale_of_user(tx, email));
}

mail::MailContext mail_context_for_organization(db::Transaction& tx, mail::MailContext base,
                                                const std::string& organization_id, const std::string& recipient) {
    return apply(std::move(base), BrandingService::look_of(tx, organization_id),
                 BrandingService::locale_of_user(tx, recipient));
}

}  // namespace janua::branding
