#include "core/common/rate_limiter.hpp"

namespace janua {

RateLimiter::Budget RateLimiter::take(const std::string& key, std::int64_t now) {
    const int per_minute = m_per_minute, per_hour = m_per_hour;
    if (per_minute <= 0 && per_hour <= 0) return {};
    std::lock_guard lock(m_mutex);
    prune(now);
    auto& w = m_windows[key];
    const std::int64_t minute = now / 60, hour = now / 3600;
    if (w.minute != minute) {
        w.minute = minute;
        w.minute_count = 0;
    }
    if (w.hour != hour) {
        w.hour = hour;
        w.hour_count = 0;
    }
    const int minute_reset = static_cast<int>(60 - now % 60), hour_reset = static_cast<int>(3600 - now % 3600);
    if (per_minute > 0 && w.minute_count >= per_minute) return {minute_reset, per_minute, 0, minute_reset, 60};
    if (per_hour > 0 && w.hour_count >= per_hour) return {hour_reset, per_hour, 0, hour_reset, 3600};
    ++w.minute_count;
    ++w.hour_count;
    const int minute_left = per_minute > 0 ? per_minute - w.minute_count : -1;
    const int hour_left = per_hour > 0 ? per_hour - w.hour_count : -1;
    if (hour_left >= 0 && (minute_left < 0 || hour_left < minute_left)) return {0, per_hour, hour_left, hour_reset, 3600};
    return {0, per_minute, minute_left, minute_reset, 60};
}

void RateLimiter::prune(std::int64_t now) {
    // Forget keys idle for an hour, at most once a minute, so memory stays bounded by recent clients.
    if (now - m_last_prune < 60) return;
    m_last_prune = now;
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        if (it->second.hour != now / 3600) it = m_windows.erase(it);
        else ++it;
    }
}

}  // namespace janua
