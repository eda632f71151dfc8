#pragma once
// Which of the shipped languages a person gets: the OpenID Connect `ui_locales` request parameter
// first (the application asked), then the browser's Accept-Language (RFC 9110 §12.5.4 quality
// values), then the user's stored profile locale, then English. Tags match by language only
// ("es-MX" is served Spanish); unsupported tags are skipped.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace janua::i18n {

// The languages whose catalogs ship complete (core/i18n/catalog.cpp), English first.
const std::vector<std::string>& supported_locales();
bool is_supported(std::string_view tag);

struct LocaleHints {
    std::string ui_locales;       // space-separated BCP 47 tags, most preferred first
    std::string accept_language;  // the header as sent
    std::optional<std::string> profile_locale;
    std::string fallback = "en";  // when nothing else matches (an organization's default_locale)
};

std::string negotiate(const LocaleHints& hints);

// "es-MX" -> "es" if supported, otherwise nothing.
std::optional<std::string> supported_language_of(std::string_view tag);

}  // namespace janua::i18n
