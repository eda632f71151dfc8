#include "core/common/rate_limiter.hpp"

namespace janua {

int RateLimiter::acquire(const std::string& key, std::int64_t now) {
    if (m_per_minute <= 0 && m_per_hour <= 0) return 0;
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
    if (m_per_minute > 0 && w.minute_count >= m_per_minute) return static_cast<int>(60 - now % 60);
    if (m_per_hour > 0 && w.hour_count >= m_per_hour) return static_cast<int>(3600 - now % 3600);
    ++w.minute_count;
    ++w.hour_count;
    return 0;
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
