#include "core/jobs/backoff.hpp"

#include <algorithm>
#include <random>

namespace janua::jobs {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failed_attempts,
                                        double unit_random) {
    const long long base = std::max<long long>(policy.base.count(), 1);
    const long long cap = std::max<long long>(policy.cap.count(), base);
    long long ceiling = base;
    // Doubling stops at the cap, which also keeps the product far from overflow.
    for (int i = 1; i < failed_attempts && ceiling < cap; ++i) ceiling = std::min(ceiling * 2, cap);
    ceiling = std::min(ceiling, cap);
    const double r = std::clamp(unit_random, 0.0, 1.0);
    const long long half = ceiling / 2;
    return std::chrono::milliseconds(
        half + static_cast<long long>(r * static_cast<double>(ceiling - half)));
}

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failed_attempts) {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return backoff_delay(policy, failed_attempts, unit(generator));
}

}  // namespace janua::jobs
