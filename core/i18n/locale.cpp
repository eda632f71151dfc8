#include "core/i18n/locale.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace janua::i18n {
namespace {

constexpr std::size_t k_max_header = 1024;  // longer hints are ignored, not parsed
constexpr std::size_t k_max_tags = 32;

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

// Accept-Language entries ordered by quality; equal qualities keep the header's order.
std::vector<std::string> by_quality(std::string_view header) {
    struct Ranked {
        std::string tag;
        double q;
        std::size_t order;
    };
    std::vector<Ranked> ranked;
    std::size_t at = 0;
    while (at <= header.size() && ranked.size() < k_max_tags) {
        const auto comma = std::min(header.find(',', at), header.size());
        const std::string_view item = header.substr(at, comma - at);
        const auto semi = item.find(';');
        const std::string tag = trim(item.substr(0, semi));
        double q = 1.0;
        if (semi != std::string_view::npos) {
            const std::string param = trim(item.substr(semi + 1));
            if (param.rfind("q=", 0) == 0) q = std::strtod(param.c_str() + 2, nullptr);
        }
        if (!tag.empty() && q > 0) ranked.push_back({tag, q, ranked.size()});
        at = comma + 1;
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.q > b.q; });
    std::vector<std::string> tags;
    for (auto& r : ranked) tags.push_back(std::move(r.tag));
    return tags;
}

std::optional<std::string> first_supported(const std::vector<std::string>& tags) {
    for (const auto& tag : tags)
        if (auto language = supported_language_of(tag)) return language;
    return std::nullopt;
}

std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size() && out.size() < k_max_tags) {
        const auto space = std::min(text.find(' ', at), text.size());
        if (space > at) out.emplace_back(text.substr(at, space - at));
        at = space + 1;
    }
    return out;
}

}  // namespace

const std::vector<std::string>& supported_locales() {
    static const std::vector<std::string> locales = {"en", "es"};
    return locales;
}

bool is_supported(std::string_view tag) {
    const auto& all = supported_locales();
    return std::find(all.begin(), all.end(), tag) != all.end();
}

std::optional<std::string> supported_language_of(std::string_view tag) {
    std::string language;
    for (char c : tag) {
        if (c == '-' || c == '_') break;
        if (!std::isalpha(static_cast<unsigned char>(c)) || language.size() >= 8) return std::nullopt;
        language += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (is_supported(language)) return language;
    return std::nullopt;
}

std::string negotiate(const LocaleHints& hints) {
    if (hints.ui_locales.size() <= k_max_header)
        if (auto chosen = first_supported(split_spaces(hints.ui_locales))) return *chosen;
    if (hints.profile_locale)
        if (auto chosen = supported_language_of(*hints.profile_locale)) return *chosen;
    if (hints.accept_language.size() <= k_max_header)
        if (auto chosen = first_supported(by_quality(hints.accept_language))) return *chosen;
    return is_supported(hints.fallback) ? hints.fallback : supported_locales().front();
}

}  // namespace janua::i18n
