#pragma once
// An organization's look on the hosted pages and in its emails: product name, logo, colours from
// a preset with overrides, and custom CSS limited to a safe subset (core/branding/css.hpp). Pure
// values and validation; storage is core/branding/repository.hpp.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::branding {

struct Colors {
    std::string primary;     // buttons and links
    std::string background;  // the page behind the card
    std::string text;
};

struct Preset {
    std::string id;
    std::string description;
    Colors colors;
    std::string card_background;
};

// "default", "dark", "high-contrast".
const std::vector<Preset>& presets();
const Preset* find_preset(const std::string& id);

struct Branding {
    std::string organization_id;
    std::optional<std::string> product_name;
    std::optional<std::string> logo_url;  // https only
    std::string preset = "default";
    std::optional<std::string> primary_color;  // "#rrggbb"
    std::optional<std::string> background_color;
    std::optional<std::string> text_color;
    std::string custom_css;  // already in the safe subset, normalized
    std::string default_locale = "en";
    std::string updated_at;

    // The preset's colours with this organization's overrides.
    Colors colors() const;
};

// A PUT body: every field optional; absent fields take their defaults (PUT replaces).
Result<Branding> branding_from_json(const nlohmann::json& body);
nlohmann::json to_json(const Branding& b);

// "#abc" or "#AABBCC" -> "#aabbcc"; anything else is an error naming `field`.
Result<std::string> normalize_color(const std::string& field, const std::string& value);

// Black or white, whichever reads better on the "#rrggbb" colour (WCAG 2 relative luminance).
std::string readable_text_on(const std::string& hex);

// The stylesheet the hosted pages append for this branding: colours, then the custom CSS.
std::string page_stylesheet(const Branding& b);

// A host name from a Host header or a domain mapping: lower case, no port, no trailing dot;
// nothing if it is not a plausible DNS name.
std::optional<std::string> normalize_host(const std::string& host);

}  // namespace janua::branding
