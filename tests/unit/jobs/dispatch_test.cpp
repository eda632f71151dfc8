#include "core/jobs/dispatch.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace janua;

namespace {

jobs::Job job_of(const std::string& kind) {
    jobs::Job job;
    job.id = "00000000-0000-0000-0000-000000000001";
    job.kind = kind;
    job.attempts = 1;
    job.max_attempts = 3;
    return job;
}

}  // namespace

TEST_CASE("a handler's success is reported as ok", "[jobs]") {
    jobs::HandlerMap handlers{{"ping", [](const jobs::Job&) -> Status { return Ok{}; }}};
    CHECK(jobs::run_handler(handlers, job_of("ping")).ok);
}

TEST_CASE("a job of an unknown kind fails with a clear error and may be retried", "[jobs]") {
    const auto outcome = jobs::run_handler({}, job_of("mystery"));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.error == "no handler registered for job kind 'mystery'");
    CHECK(outcome.kind == jobs::FailureKind::transient);
}

TEST_CASE("a throwing handler becomes a retryable failure", "[jobs]") {
    jobs::HandlerMap handlers{
        {"boom", [](const jobs::Job&) -> Status { throw std::runtime_error("disk full"); }}};
    const auto outcome = jobs::run_handler(handlers, job_of("boom"));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.error == "handler threw: disk full");
    CHECK(outcome.kind == jobs::FailureKind::transient);
}

TEST_CASE("returned errors carry message and detail, validation errors are permanent", "[jobs]") {
    jobs::HandlerMap handlers{{"down",
                               [](const jobs::Job&) -> Status {
                                   return make_error(ErrorCode::unavailable,
                                                     "email delivery failed", "connection refused");
                               }},
                              {"bad", [](const jobs::Job&) -> Status {
                                   return make_error(ErrorCode::validation, "malformed payload");
                               }}};
    const auto down = jobs::run_handler(handlers, job_of("down"));
    CHECK(down.error == "email delivery failed: connection refused");
    CHECK(down.kind == jobs::FailureKind::transient);
    const auto bad = jobs::run_handler(handlers, job_of("bad"));
    CHECK(bad.error == "malformed payload");
    CHECK(bad.kind == jobs::FailureKind::permanent);
}
