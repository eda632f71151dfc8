#include "core/branding/branding.hpp"

#include "core/branding/css.hpp"
#include "core/i18n/locale.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace janua::branding {
namespace {

Error invalid(const std::string& field, const std::string& why) {
    auto e = make_error(ErrorCode::validation, field + ": " + why);
    e.details = {{"field", field}, {"reason", why}};
    return e;
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& body, const std::string& field) {
    if (!body.contains(field) || body[field].is_null()) return std::optional<std::string>();
    if (!body[field].is_string()) return invalid(field, "must be a string or null");
    return std::optional<std::string>(body[field].get<std::string>());
}

Result<std::optional<std::string>> optional_color(const nlohmann::json& body, const std::string& field) {
    auto value = optional_string(body, field);
    if (!value || !*value) return value;
    auto color = normalize_color(field, **value);
    if (!color) return color.error();
    return std::optional<std::string>(*color);
}

bool printable(const std::string& text) {
    return std::none_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

Status check_logo_url(const std::string& url) {
    // https only: the pages' Content-Security-Policy allows images from exactly this origin.
    if (url.rfind("https://", 0) != 0) return invalid("logo_url", "must be an https:// URL");
    if (url.size() > 2048) return invalid("logo_url", "is longer than 2048 characters");
    for (char c : url)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
            static_cast<unsigned char>(c) >= 0x80 || static_cast<unsigned char>(c) < 0x20)
            return invalid("logo_url", "has characters a URL cannot have unencoded");
    const auto host_end = url.find_first_of("/?#", 8);
    if (host_end == 8 || url.size() == 8) return invalid("logo_url", "has no host");
    return Ok{};
}

}  // namespace

std::string readable_text_on(const std::string& hex) {
    const auto channel = [&](int at) {
        const double v = std::stoi(hex.substr(at, 2), nullptr, 16) / 255.0;
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const double luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    return luminance > 0.179 ? "#000000" : "#ffffff";
}

const std::vector<Preset>& presets() {
    static const std::vector<Preset> all = {
        {"default", "Light card on a grey page, blue buttons", {"#2f5bea", "#f4f5f7", "#1f2328"}, "#ffffff"},
        {"dark", "Dark card on a near-black page, light text", {"#7aa2ff", "#0d1117", "#e6edf3"}, "#161b22"},
        {"high-contrast", "Black on white with strong outlines (WCAG AAA contrast)", {"#0000ee", "#ffffff", "#000000"},
         "#ffffff"},
    };
    return all;
}

const Preset* find_preset(const std::string& id) {
    for (const auto& p : presets())
        if (p.id == id) return &p;
    return nullptr;
}

Colors Branding::colors() const {
    const Preset* base = find_preset(preset);
    Colors c = base ? base->colors : presets().front().colors;
    if (primary_color) c.primary = *primary_color;
    if (background_color) c.background = *background_color;
    if (text_color) c.text = *text_color;
    return c;
}

Result<std::string> normalize_color(const std::string& field, const std::string& value) {
    const bool shape = (value.size() == 4 || value.size() == 7) && value[0] == '#' &&
                       std::all_of(value.begin() + 1, value.end(), [](unsigned char c) { return std::isxdigit(c); });
    if (!shape) return invalid(field, "must be a hex colour like #2f5bea or #25e");
    std::string out = "#";
    for (std::size_t i = 1; i < value.size(); ++i) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(value[i])));
        out += value.size() == 4 ? std::string(2, c) : std::string(1, c);
    }
    return out;
}

Result<Branding> branding_from_json(const nlohmann::json& body) {
    static const std::set<std::string> known = {"product_name",     "logo_url",   "preset",         "primary_color",
                                                "background_color", "text_color", "custom_css",     "default_locale"};
    for (const auto& [key, value] : body.items())
        if (!known.count(key)) return invalid(key, "is not a branding field");
    Branding b;
    auto name = optional_string(body, "product_name");
    if (!name) return name.error();
    if (*name) {
        if (name.value()->empty() || name.value()->size() > 80 || !printable(**name))
            return invalid("product_name", "must be 1-80 characters without control characters");
        b.product_name = *name;
    }
    auto logo = optional_string(body, "logo_url");
    if (!logo) return logo.error();
    if (*logo && !logo.value()->empty()) {
        if (auto ok = check_logo_url(**logo); !ok) return ok.error();
        b.logo_url = *logo;
    }
    auto preset = optional_string(body, "preset");
    if (!preset) return preset.error();
    if (*preset) {
        if (!find_preset(**preset)) return invalid("preset", "must be one of default, dark, high-contrast");
        b.preset = **preset;
    }
    for (auto [field, target] : {std::pair{"primary_color", &b.primary_color},
                                 std::pair{"background_color", &b.background_color},
                                 std::pair{"text_color", &b.text_color}}) {
        auto color = optional_color(body, field);
        if (!color) return color.error();
        *target = *color;
    }
    auto css = optional_string(body, "custom_css");
    if (!css) return css.error();
    if (*css) {
        auto clean = sanitize_css(**css);
        if (!clean) return clean.error();
        b.custom_css = *clean;
    }
    auto locale = optional_string(body, "default_locale");
    if (!locale) return locale.error();
    if (*locale) {
        if (!i18n::is_supported(**locale)) return invalid("default_locale", "must be a shipped locale (en, es)");
        b.default_locale = **locale;
    }
    return b;
}

nlohmann::json to_json(const Branding& b) {
    const auto optional = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
    const Colors c = b.colors();
    return {{"organization_id", b.organization_id},
            {"product_name", optional(b.product_name)},
            {"logo_url", optional(b.logo_url)},
            {"preset", b.preset},
            {"primary_color", optional(b.primary_color)},
            {"background_color", optional(b.background_color)},
            {"text_color", optional(b.text_color)},
            {"custom_css", b.custom_css},
            {"default_locale", b.default_locale},
            {"effective_colors", {{"primary", c.primary}, {"background", c.background}, {"text", c.text}}},
            {"updated_at", b.updated_at.empty() ? nlohmann::json() : nlohmann::json(b.updated_at)}};
}

std::string page_stylesheet(const Branding& b) {
    const Colors c = b.colors();
    const Preset* preset = find_preset(b.preset);
    const std::string card = preset ? preset->card_background : "#ffffff";
    // Colours are normalized "#rrggbb" and the custom CSS is sanitized, so nothing here can close
    // the <style> element.
    std::string css = "body{background:" + c.background + ";color:" + c.text + "}main{background:" + card +
                      "}a{color:" + c.primary + "}button{background:" + c.primary +
                      ";color:" + readable_text_on(c.primary) + ";border:0;border-radius:4px;cursor:pointer}"
                      ".brand-logo{display:block;max-height:48px;max-width:100%;margin:0 auto 1rem}";
    if (b.preset == "high-contrast") css += "button,input{outline:2px solid #000}";
    return css + b.custom_css;
}

std::optional<std::string> normalize_host(const std::string& host) {
    std::string out = host;
    if (!out.empty() && out.front() == '[') return std::nullopt;  // an IPv6 literal is never a custom domain
    if (auto colon = out.find(':'); colon != std::string::npos) out.resize(colon);
    if (!out.empty() && out.back() == '.') out.pop_back();
    if (out.empty() || out.size() > 253) return std::nullopt;
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return std::nullopt;
    }
    if (out.find('.') == std::string::npos || out.front() == '.' || out.find("..") != std::string::npos) return std::nullopt;
    return out;
}

}  // namespace janua::branding
