#include "core/common/time.hpp"

#include <chrono>
#include <ctime>

namespace janua {

std::int64_t unix_seconds_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<std::int64_t> parse_rfc3339(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace janua
