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

TEST_CASE("the budget reported is the window closest to running out", "[daemon]") {
    RateLimiter limiter(5, 6);
    const std::int64_t t = 1800000000 - 1800000000 % 3600 + 10;  // 10 s into an hour
    auto first = limiter.take("a", t);
    CHECK(first.retry_after == 0);
    CHECK(first.limit == 5);
    CHECK(first.remaining == 4);
    CHECK(first.reset == 50);
    CHECK(first.window == 60);
    for (int i = 0; i < 4; ++i) (void)limiter.take("a", t);
    auto refused = limiter.take("a", t);
    CHECK(refused.retry_after == 50);
    CHECK(refused.remaining == 0);
    // Next minute: one left in the hour, fewer than the minute's five.
    auto hourly = limiter.take("a", t + 60);
    CHECK(hourly.retry_after == 0);
    CHECK(hourly.limit == 6);
    CHECK(hourly.remaining == 0);
    CHECK(hourly.window == 3600);
    CHECK(limiter.take("a", t + 61).retry_after == 3600 - 71);
}
