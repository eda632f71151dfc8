#include "daemon/metrics.hpp"

#include <sstream>

namespace janua::daemon {
namespace {

std::string escape_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

void Metrics::observe_request(const std::string& method, const std::string& route, int status, double seconds) {
    std::lock_guard lock(m_mutex);
    ++m_requests[{method, route, status}];
    auto& h = m_latency[{method, route}];
    for (size_t i = 0; i < k_buckets.size(); ++i)
        if (seconds <= k_buckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

void Metrics::increment(const std::string& counter_name, const std::string& label_value) {
    std::lock_guard lock(m_mutex);
    ++m_counters[{counter_name, label_value}];
}

std::string Metrics::render(const std::string& extra) const {
    std::ostringstream out;
    std::lock_guard lock(m_mutex);
    out << "# HELP janua_http_requests_total HTTP requests by method, route and status.\n"
        << "# TYPE janua_http_requests_total counter\n";
    for (const auto& [key, count] : m_requests) {
        const auto& [method, route, status] = key;
        out << "janua_http_requests_total{method=\"" << method << "\",route=\"" << escape_label(route)
            << "\",status=\"" << status << "\"} " << count << "\n";
    }
    out << "# HELP janua_http_request_duration_seconds HTTP request latency by method and route.\n"
        << "# TYPE janua_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : m_latency) {
        const std::string labels = "method=\"" + key.first + "\",route=\"" + escape_label(key.second) + "\"";
        for (size_t i = 0; i < k_buckets.size(); ++i)
            out << "janua_http_request_duration_seconds_bucket{" << labels << ",le=\"" << k_buckets[i] << "\"} "
                << h.buckets[i] << "\n";
        out << "janua_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count << "\n";
        out << "janua_http_request_duration_seconds_sum{" << labels << "} " << h.sum << "\n";
        out << "janua_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
    std::string last_name;
    for (const auto& [key, count] : m_counters) {
        if (key.first != last_name) {
            out << "# TYPE " << key.first << " counter\n";
            last_name = key.first;
        }
        out << key.first;
        if (!key.second.empty()) out << "{kind=\"" << escape_label(key.second) << "\"}";
        out << " " << count << "\n";
    }
    out << extra;
    return out.str();
}

}  // namespace janua::daemon
