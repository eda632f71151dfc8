#pragma once
// Fixed-window counters per key (a client IP) for a per-minute and a per-hour budget. Kept in
// this process's memory: with several daemons behind a load balancer each enforces its own
// budget, so the effective limit is the sum (documented in docs/api.md).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace janua {

class RateLimiter {
public:
    // 0 disables a budget.
    RateLimiter(int per_minute, int per_hour) : m_per_minute(per_minute), m_per_hour(per_hour) {}

    // What a client is told of its budget (the RateLimit-* headers of the IETF httpapi draft):
    // the window that is closest to running out.
    struct Budget {
        int retry_after = 0;  // 0: this attempt is allowed; else seconds until one would be
        int limit = 0;        // the window's quota (0: no limit configured)
        int remaining = 0;    // attempts left in it after this one
        int reset = 0;        // seconds until the window starts again
        int window = 0;       // the window's length in seconds (60 or 3600)
    };
    // Count one attempt for `key` when the budget allows it.
    Budget take(const std::string& key, std::int64_t now_seconds);
    // Count one attempt for `key`; 0 when allowed, else the seconds until it would be.
    int acquire(const std::string& key, std::int64_t now_seconds) { return take(key, now_seconds).retry_after; }
    // New budgets at run time (system settings); counts so far are kept.
    void set_limits(int per_minute, int per_hour) {
        m_per_minute = per_minute;
        m_per_hour = per_hour;
    }

private:
    struct Windows {
        std::int64_t minute = -1;
        int minute_count = 0;
        std::int64_t hour = -1;
        int hour_count = 0;
    };
    void prune(std::int64_t now_seconds);

    std::atomic<int> m_per_minute;
    std::atomic<int> m_per_hour;
    std::mutex m_mutex;
    std::unordered_map<std::string, Windows> m_windows;
    std::int64_t m_last_prune = 0;
};

}  // namespace janua
