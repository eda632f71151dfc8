#include "core/branding/css.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>

namespace janua::branding {
namespace {

// The elements and classes of the hosted pages (daemon/pages) a stylesheet may address.
const std::set<std::string, std::less<>> k_elements = {
    "body", "main", "h1", "h2", "h3", "p", "a", "label", "input", "button", "ul", "li", "table", "caption",
    "thead", "tbody", "tr", "th", "td", "nav", "section", "form", "code", "strong", "span", "img"};
const std::set<std::string, std::less<>> k_classes = {"error", "notice", "muted", "provider", "sign-in-options",
                                                      "brand-logo", "code"};
const std::set<std::string, std::less<>> k_pseudo = {"hover", "focus", "focus-visible", "active", "disabled",
                                                     "first-child", "last-child"};
const std::set<std::string, std::less<>> k_properties = {
    "color", "background-color", "background", "font-family", "font-size", "font-weight", "font-style",
    "line-height", "letter-spacing", "text-align", "text-transform", "text-decoration", "border", "border-top",
    "border-bottom", "border-color", "border-width", "border-style", "border-radius", "padding", "padding-top",
    "padding-bottom", "padding-left", "padding-right", "margin", "margin-top", "margin-bottom", "margin-left",
    "margin-right", "width", "max-width", "min-width", "height", "max-height", "min-height", "box-shadow", "opacity",
    "display", "gap", "outline", "outline-color", "cursor"};
const std::set<std::string, std::less<>> k_functions = {"rgb", "rgba", "hsl", "hsla", "calc"};

Error invalid(const std::string& why) {
    auto e = make_error(ErrorCode::validation, "custom_css: " + why);
    e.details = {{"field", "custom_css"}, {"reason", why}};
    return e;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// One compound selector: element? (.class)* (:pseudo)?
Status check_compound(std::string_view s) {
    std::size_t at = 0;
    const auto read_name = [&]() {
        const std::size_t start = at;
        while (at < s.size() && is_name_char(s[at])) ++at;
        return std::string(s.substr(start, at - start));
    };
    if (at < s.size() && is_name_char(s[at])) {
        const std::string element = read_name();
        if (!k_elements.count(element)) return invalid("the selector '" + element + "' is not one of the page's elements");
    }
    while (at < s.size() && s[at] == '.') {
        ++at;
        const std::string name = read_name();
        if (!k_classes.count(name)) return invalid("the class '." + name + "' is not one of the page's classes");
    }
    if (at < s.size() && s[at] == ':') {
        ++at;
        const std::string name = read_name();
        if (!k_pseudo.count(name)) return invalid("the pseudo-class ':" + name + "' is not allowed");
    }
    if (at != s.size() || s.empty()) return invalid("the selector '" + std::string(s) + "' is not allowed");
    return Ok{};
}

Result<std::string> check_selectors(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto comma = std::min(text.find(',', at), text.size());
        const std::string selector = trim(text.substr(at, comma - at));
        if (selector.empty()) return invalid("an empty selector");
        // Descendant (space) and child (>) combinators between compounds.
        std::string normalized;
        std::string compound;
        const auto flush = [&](const std::string& joiner) -> Status {
            if (compound.empty()) return joiner == " " ? Status(Ok{}) : Status(invalid("a '>' without a selector"));
            if (auto ok = check_compound(compound); !ok) return ok.error();
            normalized += (normalized.empty() ? "" : joiner) + compound;
            compound.clear();
            return Ok{};
        };
        std::string pending = " ";
        for (char c : selector) {
            if (std::isspace(static_cast<unsigned char>(c)) || c == '>') {
                if (!compound.empty()) {
                    if (auto ok = flush(pending); !ok) return ok.error();
                    pending = " ";
                }
                if (c == '>') pending = ">";
            } else {
                compound += c;
            }
        }
        if (auto ok = flush(pending); !ok) return ok.error();
        out += (out.empty() ? "" : ",") + normalized;
        at = comma + 1;
    }
    return out;
}

Status check_value(const std::string& property, const std::string& value) {
    if (value.empty()) return invalid("the property '" + property + "' has no value");
    for (char c : value)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" #%.,()+-/*'\"").find(c) != std::string_view::npos))
            return invalid("the value of '" + property + "' has the character '" + std::string(1, c) + "', which is not allowed");
    // Every function must be a colour or calc(): no url(), image-set(), attr(), var(), expression().
    for (std::size_t open = value.find('('); open != std::string::npos; open = value.find('(', open + 1)) {
        std::size_t start = open;
        while (start > 0 && is_name_char(value[start - 1])) --start;
        std::string name = value.substr(start, open - start);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!k_functions.count(name)) return invalid("the function '" + name + "()' is not allowed in '" + property + "'");
    }
    return Ok{};
}

Result<std::string> check_declarations(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto semi = std::min(text.find(';', at), text.size());
        const std::string declaration = trim(text.substr(at, semi - at));
        at = semi + 1;
        if (declaration.empty()) continue;
        const auto colon = declaration.find(':');
        if (colon == std::string::npos) return invalid("'" + declaration + "' is not a 'property: value' pair");
        std::string property = trim(std::string_view(declaration).substr(0, colon));
        std::transform(property.begin(), property.end(), property.begin(), [](unsigned char c) { return std::tolower(c); });
        const std::string value = trim(std::string_view(declaration).substr(colon + 1));
        if (!k_properties.count(property)) return invalid("the property '" + property + "' is not allowed");
        if (auto ok = check_value(property, value); !ok) return ok.error();
        out += property + ":" + value + ";";
    }
    return out;
}

}  // namespace

Result<std::string> sanitize_css(const std::string& css) {
    if (css.size() > k_max_custom_css)
        return invalid("it is longer than " + std::to_string(k_max_custom_css) + " bytes");
    for (char c : css) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || (u < 0x20 && c != '\n' && c != '\r' && c != '\t'))
            return invalid("only printable ASCII is allowed");
    }
    for (std::string_view banned : {"@", "\\", "<", "/*", "!", "&"})
        if (css.find(banned) != std::string::npos)
            return invalid("'" + std::string(banned) + "' is not allowed (no at-rules, escapes, markup, comments or !important)");
    std::string out;
    std::size_t at = 0;
    while (true) {
        const auto open = css.find('{', at);
        if (open == std::string::npos) {
            if (!trim(std::string_view(css).substr(at)).empty()) return invalid("text after the last rule");
            break;
        }
        const auto close = css.find('}', open);
        if (close == std::string::npos) return invalid("a rule without its closing '}'");
        if (css.find('{', open + 1) < close) return invalid("nested rules are not allowed");
        if (css.find('}', at) < open) return invalid("a '}' without its rule");
        auto selectors = check_selectors(std::string_view(css).substr(at, open - at));
        if (!selectors) return selectors.error();
        auto declarations = check_declarations(std::string_view(css).substr(open + 1, close - open - 1));
        if (!declarations) return declarations.error();
        out += *selectors + "{" + *declarations + "}";
        at = close + 1;
    }
    return out;
}

}  // namespace janua::branding
