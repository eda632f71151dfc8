#include "core/policies/ip_range.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace janua::policies {

std::optional<IpAddress> parse_ip(std::string_view text) {
    if (text.empty() || text.size() > 45) return std::nullopt;
    const std::string s(text);
    IpAddress address;
    // inet_pton's IPv4 form is the strict dotted quad (no octal, no short forms).
    if (inet_pton(AF_INET, s.c_str(), address.bytes.data()) == 1) {
        address.v4 = true;
        return address;
    }
    if (inet_pton(AF_INET6, s.c_str(), address.bytes.data()) != 1) return std::nullopt;
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(address.bytes.data(), mapped, 12) == 0) {
        std::copy(address.bytes.begin() + 12, address.bytes.end(), address.bytes.begin());
        std::fill(address.bytes.begin() + 4, address.bytes.end(), 0);
        address.v4 = true;
    }
    return address;
}

namespace {

bool bit_set(const IpAddress& a, int bit) { return (a.bytes[bit / 8] >> (7 - bit % 8)) & 1; }

}  // namespace

std::optional<IpRange> parse_ip_range(std::string_view text, std::string& error) {
    const auto slash = text.find('/');
    const std::string_view host = text.substr(0, slash);
    IpRange range;
    range.text = std::string(text);
    // A range is written in its canonical family: "::ffff:10.0.0.0/104" is refused, write "10.0.0.0/8".
    if (host.find(':') != std::string_view::npos && host.find('.') != std::string_view::npos) {
        error = "write IPv4 ranges in dotted form (e.g. 10.0.0.0/8)";
        return std::nullopt;
    }
    auto network = parse_ip(host);
    if (!network) {
        error = "'" + std::string(host) + "' is not an IPv4 or IPv6 address";
        return std::nullopt;
    }
    const int max_prefix = network->v4 ? 32 : 128;
    range.prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            (digits.size() > 1 && digits[0] == '0')) {
            error = "the prefix length after '/' must be a number";
            return std::nullopt;
        }
        range.prefix = std::stoi(std::string(digits));
        if (range.prefix > max_prefix) {
            error = "the prefix length must be at most " + std::to_string(max_prefix);
            return std::nullopt;
        }
    }
    for (int bit = range.prefix; bit < max_prefix; ++bit) {
        if (bit_set(*network, bit)) {
            error = "has host bits set after /" + std::to_string(range.prefix) + " (write the network address)";
            return std::nullopt;
        }
    }
    range.network = *network;
    return range;
}

bool contains(const IpRange& range, const IpAddress& address) {
    if (range.network.v4 != address.v4) return false;
    const int full = range.prefix / 8;
    if (!std::equal(range.network.bytes.begin(), range.network.bytes.begin() + full, address.bytes.begin())) return false;
    const int rest = range.prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (range.network.bytes[full] & mask) == (address.bytes[full] & mask);
}

}  // namespace janua::policies
