// The GeoIP CSV and the risk signals of core/devices, without a database.
#include "core/devices/geoip.hpp"
#include "core/devices/risk.hpp"

#include <catch2/catch.hpp>

using namespace janua::devices;

namespace {

const char* k_geo =
    "network,latitude,longitude\n"
    "# comment\n"
    "\n"
    "198.51.100.0/24,48.8566,2.3522\n"
    "198.51.100.128/25,51.5074,-0.1278\n"
    "203.0.113.0/24,-33.8688,151.2093\n"
    "2001:db8::/32,35.6762,139.6503\n";

std::vector<std::string> names(const Assessment& a) {
    std::vector<std::string> out;
    for (const auto& s : a.signals) out.push_back(s.name);
    return out;
}

}  // namespace

TEST_CASE("GeoIp: the most specific range containing an address wins", "[devices]") {
    auto geo = GeoIp::parse(k_geo, "test.csv");
    REQUIRE(geo);
    CHECK(geo->size() == 4);
    CHECK(geo->locate("198.51.100.7")->latitude == Approx(48.8566));
    CHECK(geo->locate("198.51.100.200")->latitude == Approx(51.5074));
    CHECK(geo->locate("203.0.113.255")->longitude == Approx(151.2093));
    CHECK(geo->locate("2001:db8:1::9")->latitude == Approx(35.6762));
    CHECK(geo->locate("::ffff:198.51.100.7")->latitude == Approx(48.8566));
    CHECK_FALSE(geo->locate("192.0.2.1"));
    CHECK_FALSE(geo->locate("2001:db9::1"));
    CHECK_FALSE(geo->locate("not an address"));
}

TEST_CASE("GeoIp: a bad line is refused with its number", "[devices]") {
    for (const auto* text : {"10.0.0.0/8,1\n", "10.0.0.0/8,91,0\n", "10.0.0.0/8,1,181\n", "10.0.0.1/8,1,2\n",
                             "10.0.0.0/8,1,2,3\n", "nonsense,1,2\n", "10.0.0.0/8,nan,2\n", "10.0.0.0/8,1x,2\n"}) {
        INFO(text);
        auto geo = GeoIp::parse(std::string("# first\n") + text, "geo.csv");
        REQUIRE_FALSE(geo);
        CHECK(geo.error().message.find("geo.csv line 2") != std::string::npos);
    }
    CHECK_FALSE(GeoIp::load("/nonexistent/geo.csv"));
}

TEST_CASE("distance_km: Paris to Sydney", "[devices]") {
    CHECK(distance_km({48.8566, 2.3522}, {-33.8688, 151.2093}) == Approx(16960).epsilon(0.01));
    CHECK(distance_km({10, 10}, {10, 10}) == Approx(0).margin(1e-9));
}

TEST_CASE("network_of: the /24 or the /64", "[devices]") {
    CHECK(network_of("198.51.100.7") == "198.51.100.0/24");
    CHECK(network_of("2001:db8:aa:bb:1:2:3:4") == "2001:0db8:00aa:00bb::/64");
    CHECK(network_of("x") == "");
}

TEST_CASE("assess: each signal fires on its own evidence", "[devices]") {
    auto geo = GeoIp::parse(k_geo, "test.csv");
    REQUIRE(geo);
    History none;
    CHECK(assess(none, "198.51.100.7", &*geo).score == 0);  // a first device is nothing to compare with

    History known;
    known.has_devices = true;
    known.known_device = true;
    known.ips = {"198.51.100.3"};
    known.previous_ip = "198.51.100.3";
    known.seconds_since_previous = 60;
    CHECK(assess(known, "198.51.100.7", &*geo).score == 0);

    History stranger = known;
    stranger.known_device = false;
    auto a = assess(stranger, "192.0.2.1", &*geo);
    CHECK(names(a) == std::vector<std::string>{"new_device", "new_network"});
    CHECK(a.score == k_new_device_points + k_new_network_points);

    History failures = known;
    failures.recent_failures = k_failed_attempts_min - 1;
    CHECK(assess(failures, "198.51.100.7", &*geo).score == 0);
    failures.recent_failures = k_failed_attempts_min;
    CHECK(names(assess(failures, "198.51.100.7", &*geo)) == std::vector<std::string>{"failed_attempts"});

    // Paris to Sydney in a minute is impossible, in two days it is not; without a GeoIP file, never.
    auto travel = assess(known, "203.0.113.5", &*geo);
    CHECK(names(travel) == std::vector<std::string>{"new_network", "impossible_travel"});
    CHECK(travel.reasons()[1]["distance_km"].get<long>() > 16000);
    History slow = known;
    slow.seconds_since_previous = 2 * 86400;
    CHECK(names(assess(slow, "203.0.113.5", &*geo)) == std::vector<std::string>{"new_network"});
    CHECK(names(assess(known, "203.0.113.5", nullptr)) == std::vector<std::string>{"new_network"});
    // Paris to London (under an hour's flight) at 900 km/h is possible for 340 km in 30 minutes.
    History near = known;
    near.seconds_since_previous = 1800;
    CHECK(names(assess(near, "198.51.100.200", &*geo)).empty());
}
