#pragma once
// Prometheus metrics kept in memory: request counts and latency by route and status.

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace janua::daemon {

class Metrics {
public:
    static constexpr std::array<double, 12> k_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                         0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

    void observe_request(const std::string& method, const std::string& route, int status, double seconds);
    void increment(const std::string& counter_name, const std::string& label_value = {});

    // Prometheus text exposition of everything recorded; `extra` is appended (gauges read at scrape time).
    std::string render(const std::string& extra) const;

private:
    struct Histogram {
        std::array<unsigned long long, k_buckets.size()> buckets{};
        unsigned long long count = 0;
        double sum = 0;
    };
    mutable std::mutex m_mutex;
    std::map<std::tuple<std::string, std::string, int>, unsigned long long> m_requests;
    std::map<std::pair<std::string, std::string>, Histogram> m_latency;
    std::map<std::pair<std::string, std::string>, unsigned long long> m_counters;
};

}  // namespace janua::daemon
