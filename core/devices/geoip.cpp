#include "core/devices/geoip.hpp"

#include "core/policies/ip_range.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace janua::devices {
namespace {

// Large enough for a full GeoLite2 city file reduced to three columns, small enough to refuse a
// wrong path pointing at something huge.
constexpr std::uintmax_t k_max_file_bytes = 512ull * 1024 * 1024;

std::array<std::uint8_t, 17> key(const policies::IpAddress& a) {
    std::array<std::uint8_t, 17> k{};
    k[0] = a.v4 ? 4 : 6;
    std::copy(a.bytes.begin(), a.bytes.end(), k.begin() + 1);
    return k;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::optional<double> number(const std::string& text, double limit) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, value);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end || !std::isfinite(value) ||
        std::fabs(value) > limit)
        return std::nullopt;
    return value;
}

}  // namespace

Result<GeoIp> GeoIp::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::bad_request, "cannot read the GeoIP file " + path);
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uintmax_t>(in.tellg());
    if (size > k_max_file_bytes) return make_error(ErrorCode::bad_request, "the GeoIP file " + path + " is larger than 512 MiB");
    in.seekg(0);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    return parse(text, path);
}

Result<GeoIp> GeoIp::parse(const std::string& text, const std::string& source) {
    GeoIp geo;
    std::istringstream lines(text);
    std::string line;
    int number_of_line = 0;
    while (std::getline(lines, line)) {
        ++number_of_line;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (number_of_line == 1 && line.rfind("network,", 0) == 0) continue;
        auto fail = [&](const std::string& why) {
            return make_error(ErrorCode::bad_request,
                              source + " line " + std::to_string(number_of_line) + ": " + why +
                                  " (expected network,latitude,longitude)");
        };
        const auto c1 = line.find(',');
        const auto c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
        if (c2 == std::string::npos || line.find(',', c2 + 1) != std::string::npos) return fail("not three fields");
        std::string error;
        auto network = trim(line.substr(0, c1));
        auto range = policies::parse_ip_range(network, error);
        if (!range) return fail(error);
        const auto latitude = number(trim(line.substr(c1 + 1, c2 - c1 - 1)), 90);
        const auto longitude = number(trim(line.substr(c2 + 1)), 180);
        if (!latitude || !longitude) return fail("latitude must be within [-90, 90] and longitude within [-180, 180]");
        Range r;
        r.first = key(range->network);
        r.last = r.first;
        const int bits = range->network.v4 ? 32 : 128;
        for (int bit = range->prefix; bit < bits; ++bit) r.last[1 + bit / 8] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
        r.prefix = range->prefix;
        r.point = {*latitude, *longitude};
        geo.m_ranges.push_back(r);
    }
    std::sort(geo.m_ranges.begin(), geo.m_ranges.end(), [](const Range& a, const Range& b) {
        return a.first != b.first ? a.first < b.first : a.prefix < b.prefix;
    });
    return geo;
}

std::optional<GeoPoint> GeoIp::locate(const std::string& ip) const {
    const auto address = policies::parse_ip(ip);
    if (!address) return std::nullopt;
    const auto k = key(*address);
    // The ranges starting at or before the address, nearest first: the first that contains it is the
    // most specific (a nested range starts at or after its parent and sorts after it).
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), k,
                               [](const auto& value, const Range& r) { return value < r.first; });
    for (int steps = 0; it != m_ranges.begin() && steps < 64; ++steps) {
        --it;
        if (it->first[0] != k[0]) break;
        if (k <= it->last) return it->point;
    }
    return std::nullopt;
}

double distance_km(const GeoPoint& a, const GeoPoint& b) {
    constexpr double k_radius = 6371.0;
    constexpr double k_rad = 3.14159265358979323846 / 180.0;
    const double dlat = (b.latitude - a.latitude) * k_rad;
    const double dlon = (b.longitude - a.longitude) * k_rad;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(a.latitude * k_rad) * std::cos(b.latitude * k_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * k_radius * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace janua::devices
