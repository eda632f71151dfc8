#include "core/common/rate_limiter.hpp"

#include <catch2/catch.hpp>

using namespace janua;

TEST_CASE("the rate limiter enforces per-minute and per-hour budgets per key", "[daemon]") {
    RateLimiter limiter(2, 3);
    const std::int64_t t = 1800000000 - 1800000000 % 3600;  // the start of an hour
    CHECK(limiter.acquire("a", t) == 0);
    CHECK(limiter.acquire("a", t + 1) == 0);
    CHECK(limiter.acquire("a", t + 2) == 58);  // minute budget spent: wait for the next minute
    CHECK(limiter.acquire("b", t + 2) == 0);    // other keys have their own budget
    CHECK(limiter.acquire("a", t + 60) == 0);   // next minute
    CHECK(limiter.acquire("a", t + 61) == 3600 - 61);  // hour budget (3) spent
    CHECK(limiter.acquire("a", t + 3600) == 0);
}

TEST_CASE("a zero budget disables the limit", "[daemon]") {
    RateLimiter off(0, 0);
    for (int i = 0; i < 1000; ++i) CHECK(off.acquire("a", 1800000000) == 0);
}
