#include "core/federation/return_target.hpp"

#include <algorithm>
#include <cctype>

namespace janua::federation {
namespace {

// "https://app.example.com:8443/x" -> "https://app.example.com:8443" (lower-case); "" if not a URL.
std::string origin_of(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return {};
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") return {};
    const auto host_end = url.find_first_of("/?#", scheme_end + 3);
    std::string origin = url.substr(0, host_end);
    if (origin.find('@') != std::string::npos) return {};  // user info is a classic open-redirect trick
    std::transform(origin.begin(), origin.end(), origin.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return origin;
}

}  // namespace

std::optional<std::string> checked_return_to(const std::string& value, const std::string& base_url,
                                             const std::string& frontend_url) {
    if (value.empty() || value.size() > 4096) return std::nullopt;
    for (unsigned char c : value)
        if (c < 0x21 || c == 0x7f || c == '\\') return std::nullopt;
    if (value[0] == '/') {
        if (value.size() > 1 && (value[1] == '/' || value[1] == '\\')) return std::nullopt;  // scheme-relative
        return value;
    }
    const std::string origin = origin_of(value);
    if (origin.empty()) return std::nullopt;
    if (origin == origin_of(base_url) || (!frontend_url.empty() && origin == origin_of(frontend_url))) {
        // The origin must end where the URL's host ends: "https://app.example.com.evil" is another origin.
        const char next = value.size() > origin.size() ? value[origin.size()] : '/';
        if (next == '/' || next == '?' || next == '#') return value;
    }
    return std::nullopt;
}

}  // namespace janua::federation
