#pragma once
// The risk score of a sign-in whose first factor passed: the sum of named, explainable signals.
// Each signal carries its points and why it fired, so the audit log can show the reasons.

#include "core/devices/geoip.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::devices {

// Points of each signal (docs/api.md, "Devices and risk-based sign-in").
inline constexpr int k_new_device_points = 40;
inline constexpr int k_new_network_points = 30;
inline constexpr int k_failed_attempts_points = 25;
inline constexpr int k_impossible_travel_points = 70;
// Recent wrong passwords that make the failed-attempts signal fire, and the window they count in.
inline constexpr int k_failed_attempts_min = 3;
inline constexpr int k_failed_attempts_window_minutes = 15;
// Travel faster than this between two sign-ins is impossible; shorter distances are GeoIP noise.
inline constexpr double k_max_travel_kmh = 900;
inline constexpr double k_min_travel_km = 300;

struct Signal {
    std::string name;
    int points = 0;
    nlohmann::json detail = nlohmann::json::object();
};

struct Assessment {
    int score = 0;
    std::vector<Signal> signals;
    void add(Signal signal);
    nlohmann::json reasons() const;
};

// What is known about the user's earlier sign-ins when this one is assessed.
struct History {
    bool has_devices = false;      // the user signed in before (on any device)
    bool known_device = false;     // the device token presented is one of the user's devices
    std::vector<std::string> ips;  // last addresses of the user's devices
    int recent_failures = 0;       // wrong passwords in the failed-attempts window
    // The user's most recent sign-in elsewhere: its address and how many seconds ago.
    std::optional<std::string> previous_ip;
    double seconds_since_previous = 0;
};

// The /24 of an IPv4 address, the /64 of an IPv6 one ("" when not an address).
std::string network_of(const std::string& ip);

Assessment assess(const History& history, const std::string& ip, const GeoIp* geo);

}  // namespace janua::devices
