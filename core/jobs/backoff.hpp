#pragma once
// Retry delays for failed jobs: exponential from `base`, capped, with jitter so that jobs that
// failed together (an SMTP outage) do not all retry in the same instant.

#include <chrono>

namespace janua::jobs {

struct BackoffPolicy {
    std::chrono::milliseconds base{2000};
    std::chrono::milliseconds cap{std::chrono::hours(1)};
};

// Return the delay before the next attempt after `failed_attempts` (>= 1) failures.
// The result lies in [d/2, d] where d = min(cap, base * 2^(failed_attempts-1));
// `unit_random` in [0, 1) picks the point, so tests can pass a fixed value.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failed_attempts,
                                        double unit_random);

// The same with a thread-local random source.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failed_attempts);

}  // namespace janua::jobs
