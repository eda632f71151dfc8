#pragma once
// IPv4 and IPv6 addresses and CIDR ranges for policy conditions. Parsing is strict: a range
// with host bits set ("10.0.0.1/8") is refused, because it usually hides a typo.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace janua::policies {

struct IpAddress {
    bool v4 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
};

struct IpRange {
    IpAddress network;
    int prefix = 0;
    std::string text;  // as written, for explanations
};

// "192.0.2.7", "2001:db8::1"; an IPv4-mapped IPv6 address (::ffff:192.0.2.7) becomes IPv4.
std::optional<IpAddress> parse_ip(std::string_view text);

// "10.0.0.0/8", "2001:db8::/32", or a single address (/32 or /128). The error says what is wrong.
std::optional<IpRange> parse_ip_range(std::string_view text, std::string& error);

bool contains(const IpRange& range, const IpAddress& address);

}  // namespace janua::policies
