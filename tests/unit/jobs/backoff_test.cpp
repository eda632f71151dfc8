#include "core/jobs/backoff.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles from the base and stays within the jittered window", "[jobs]") {
    const jobs::BackoffPolicy policy{milliseconds(2000), std::chrono::hours(1)};
    CHECK(jobs::backoff_delay(policy, 1, 0.0) == milliseconds(1000));
    CHECK(jobs::backoff_delay(policy, 1, 0.999999) == milliseconds(1999));
    CHECK(jobs::backoff_delay(policy, 2, 0.0) == milliseconds(2000));
    CHECK(jobs::backoff_delay(policy, 3, 0.0) == milliseconds(4000));
    CHECK(jobs::backoff_delay(policy, 4, 0.5) == milliseconds(12000));  // in [8 s, 16 s]
}

TEST_CASE("backoff is capped however many attempts failed", "[jobs]") {
    const jobs::BackoffPolicy policy{milliseconds(2000), std::chrono::hours(1)};
    const auto hour = milliseconds(std::chrono::hours(1));
    CHECK(jobs::backoff_delay(policy, 12, 1.0) == hour);
    CHECK(jobs::backoff_delay(policy, 1000, 0.0) == hour / 2);
    CHECK(jobs::backoff_delay(policy, 1000000, 1.0) == hour);
}

TEST_CASE("backoff with millisecond settings for tests", "[jobs]") {
    const jobs::BackoffPolicy policy{milliseconds(10), milliseconds(40)};
    CHECK(jobs::backoff_delay(policy, 1, 1.0) == milliseconds(10));
    CHECK(jobs::backoff_delay(policy, 3, 1.0) == milliseconds(40));
    CHECK(jobs::backoff_delay(policy, 4, 1.0) == milliseconds(40));
}

TEST_CASE("random backoff never leaves its window", "[jobs]") {
    const jobs::BackoffPolicy policy{milliseconds(100), milliseconds(10000)};
    for (int attempt = 1; attempt <= 10; ++attempt) {
        const auto ceiling = std::min<long long>(100LL << (attempt - 1), 10000);
        for (int i = 0; i < 50; ++i) {
            const auto delay = jobs::backoff_delay(policy, attempt).count();
            CHECK(delay >= ceiling / 2);
            CHECK(delay <= ceiling);
        }
    }
}
