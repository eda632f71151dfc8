#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace janua {

std::int64_t unix_seconds_now();
// "2026-11-22T16:20:00[.fraction]Z" -> seconds since the epoch.
std::optional<std::int64_t> parse_rfc3339(const std::string& text);

}  // namespace janua
