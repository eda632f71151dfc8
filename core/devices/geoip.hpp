#pragma once
// An operator-provided map from IP ranges to coordinates, for the impossible-travel risk signal.
//
// The file is CSV, one range per line: `network,latitude,longitude`, where network is an IPv4 or
// IPv6 CIDR range (or a single address) and latitude/longitude are decimal degrees. Empty lines and
// lines starting with '#' are skipped; a first line starting with "network," is a header. Ranges
// may nest: the most specific one containing an address wins. (A GeoLite2-City-Blocks CSV reduces
// to this with `cut -d, -f1,8,9`.) Loading is strict: a bad line stops the daemon naming the line.

#include "core/common/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::devices {

struct GeoPoint {
    double latitude = 0;
    double longitude = 0;
};

class GeoIp {
public:
    static Result<GeoIp> load(const std::string& path);
    static Result<GeoIp> parse(const std::string& text, const std::string& source);

    std::optional<GeoPoint> locate(const std::string& ip) const;
    std::size_t size() const { return m_ranges.size(); }

private:
    struct Range {
        std::array<std::uint8_t, 17> first{};  // family byte (4 or 6), then the address
        std::array<std::uint8_t, 17> last{};
        int prefix = 0;
        GeoPoint point;
    };
    std::vector<Range> m_ranges;  // sorted by first, then widest first
};

// Great-circle distance in kilometres.
double distance_km(const GeoPoint& a, const GeoPoint& b);

}  // namespace janua::devices
