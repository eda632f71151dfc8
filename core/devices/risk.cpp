#include "core/devices/risk.hpp"

#include "core/policies/ip_range.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace janua::devices {

void Assessment::add(Signal signal) {
    score += signal.points;
    signals.push_back(std::move(signal));
}

nlohmann::json Assessment::reasons() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : signals) {
        nlohmann::json reason = {{"signal", s.name}, {"points", s.points}};
        for (const auto& [key, value] : s.detail.items()) reason[key] = value;
        out.push_back(std::move(reason));
    }
    return out;
}

std::string network_of(const std::string& ip) {
    const auto address = policies::parse_ip(ip);
    if (!address) return "";
    char buffer[64];
    const auto& b = address->bytes;
    if (address->v4) {
        std::snprintf(buffer, sizeof buffer, "%u.%u.%u.0/24", b[0], b[1], b[2]);
    } else {
        std::snprintf(buffer, sizeof buffer, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2], b[3], b[4],
                      b[5], b[6], b[7]);
    }
    return buffer;
}

Assessment assess(const History& history, const std::string& ip, const GeoIp* geo) {
    Assessment a;
    // The first device of a user has nothing to be compared with: it is not "new".
    if (history.has_devices && !history.known_device) a.add({"new_device", k_new_device_points, nlohmann::json::object()});
    const auto network = network_of(ip);
    if (history.has_devices && !network.empty() &&
        std::none_of(history.ips.begin(), history.ips.end(), [&](const std::string& seen) { return network_of(seen) == network; }))
        a.add({"new_network", k_new_network_points, {{"network", network}}});
    if (history.recent_failures >= k_failed_attempts_min)
        a.add({"failed_attempts", k_failed_attempts_points,
               {{"failures", history.recent_failures}, {"window_minutes", k_failed_attempts_window_minutes}}});
    if (geo && history.previous_ip && *history.previous_ip != ip) {
        const auto from = geo->locate(*history.previous_ip);
        const auto to = geo->locate(ip);
        if (from && to) {
            const double km = distance_km(*from, *to);
            const double hours = std::max(history.seconds_since_previous, 60.0) / 3600.0;
            if (km >= k_min_travel_km && km / hours > k_max_travel_kmh)
                a.add({"impossible_travel", k_impossible_travel_points,
                       {{"from_ip", *history.previous_ip},
                        {"distance_km", std::lround(km)},
                        {"minutes_since_previous", std::lround(history.seconds_since_previous / 60)}}});
        }
    }
    return a;
}

}  // namespace janua::devices
