#include "core/jobs/enqueue.hpp"
#include "core/jobs/queue.hpp"
#include "tests/integration/jobs/job_test_support.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::test;
using std::chrono::milliseconds;

namespace {

jobs::NewJob job_of(const std::string& kind, int max_attempts = 10) {
    jobs::NewJob job;
    job.kind = kind;
    job.payload = {{"n", 1}};
    job.max_attempts = max_attempts;
    return job;
}

const std::vector<std::string> k_kinds = {"test"};

}  // namespace

TEST_CASE("a job enqueued in a transaction that rolls back never exists", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    {
        auto lease = pool.acquire();
        db::Transaction tx(lease);
        REQUIRE(jobs::enqueue(tx, job_of("test")).ok());
        // destroyed without commit: rolled back with the event that caused it
    }
    CHECK(database.count("SELECT count(*) FROM jobs") == 0);

    const auto id =
        pool.transact([](db::Transaction& tx) { return jobs::enqueue(tx, job_of("test")); });
    REQUIRE(id.ok());
    CHECK(database.count("SELECT count(*) FROM jobs WHERE status = 'pending'") == 1);
    jobs::JobQueue queue(pool);
    const auto record = queue.find(id.value());
    REQUIRE(record);
    CHECK(record->kind == "test");
    CHECK(record->payload == nlohmann::json{{"n", 1}});
    CHECK(record->attempts == 0);
}

TEST_CASE("enqueue refuses an empty kind and a zero attempt budget", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    CHECK(queue.enqueue(job_of("")).error().code == ErrorCode::validation);
    CHECK(queue.enqueue(job_of("test", 0)).error().code == ErrorCode::validation);
}

TEST_CASE("claim takes only due jobs of the asked kinds and counts the attempt", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    auto later = job_of("test");
    later.delay = std::chrono::hours(1);
    REQUIRE(queue.enqueue(later).ok());
    REQUIRE(queue.enqueue(job_of("other")).ok());
    CHECK_FALSE(queue.claim("w1", k_kinds, std::chrono::minutes(1)));

    const auto id = queue.enqueue(job_of("test")).value();
    const auto job = queue.claim("w1", k_kinds, std::chrono::minutes(1));
    REQUIRE(job);
    CHECK(job->id == id);
    CHECK(job->attempts == 1);
    CHECK(job->worker_id == "w1");
    CHECK(queue.find(id)->status == "running");
    CHECK_FALSE(queue.claim("w2", k_kinds, std::chrono::minutes(1)));  // running, lease valid

    CHECK(queue.complete(*job));
    const auto record = queue.find(id);
    CHECK(record->status == "done");
    CHECK(record->finished);
    CHECK_FALSE(queue.complete(*job));  // already done
}

TEST_CASE("a failed job is retried after a backoff, then kept as dead with its last error",
          "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool, jobs::BackoffPolicy{milliseconds(400), milliseconds(1000)});
    const auto id = queue.enqueue(job_of("test", 3)).value();

    for (int attempt = 1; attempt <= 3; ++attempt) {
        std::optional<jobs::Job> job;
        REQUIRE(eventually(
            [&] { return (job = queue.claim("w1", k_kinds, std::chrono::minutes(1))).has_value(); },
            std::chrono::seconds(10)));
        CHECK(job->attempts == attempt);
        const auto outcome =
            queue.fail(*job, "smtp down (attempt " + std::to_string(attempt) + ")");
        if (attempt < 3) {
            CHECK(outcome == jobs::FailOutcome::retry_scheduled);
            const auto record = queue.find(id);
            CHECK(record->status == "pending");
            // backoff_delay(400 ms base, attempt n) lies in [200 ms * 2^(n-1), 400 ms * 2^(n-1)].
            CHECK(record->due_in_ms > 100);
            CHECK(record->due_in_ms <= (400LL << (attempt - 1)));
            CHECK_FALSE(queue.claim("w1", k_kinds, std::chrono::minutes(1)));  // not due yet
        } else {
            CHECK(outcome == jobs::FailOutcome::dead);
        }
    }
    const auto record = queue.find(id);
    REQUIRE(record);
    CHECK(record->status == "dead");
    CHECK(record->attempts == 3);
    CHECK(record->last_error == std::optional<std::string>("smtp down (attempt 3)"));
    CHECK(record->finished);
    CHECK_FALSE(queue.claim("w1", k_kinds, std::chrono::minutes(1)));
    CHECK(database.count("SELECT count(*) FROM jobs") == 1);
}

TEST_CASE("a permanent failure is dead at once", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    const auto id = queue.enqueue(job_of("test", 5)).value();
    const auto job = queue.claim("w1", k_kinds, std::chrono::minutes(1));
    REQUIRE(job);
    CHECK(queue.fail(*job, "malformed payload", jobs::FailureKind::permanent) ==
          jobs::FailOutcome::dead);
    CHECK(queue.find(id)->status == "dead");
    CHECK(queue.find(id)->attempts == 1);
}

TEST_CASE("an expired lease is claimed again and the lost worker cannot finish the job", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    const auto id = queue.enqueue(job_of("test")).value();
    const auto crashed = queue.claim("crashed", k_kinds, milliseconds(300));
    REQUIRE(crashed);
    CHECK_FALSE(queue.claim("rescuer", k_kinds, std::chrono::minutes(1)));

    std::optional<jobs::Job> rescued;
    REQUIRE(eventually(
        [&] {
            return (rescued = queue.claim("rescuer", k_kinds, std::chrono::minutes(1))).has_value();
        },
        std::chrono::seconds(10)));
    CHECK(rescued->id == id);
    CHECK(rescued->attempts == 2);
    CHECK(queue.find(id)->last_error ==
          std::optional<std::string>("lease expired on worker crashed"));
    CHECK(queue.find(id)->locked_by == std::optional<std::string>("rescuer"));

    CHECK_FALSE(queue.complete(*crashed));
    CHECK(queue.fail(*crashed, "late failure") == jobs::FailOutcome::lease_lost);
    CHECK(queue.complete(*rescued));
    CHECK(queue.find(id)->status == "done");
}

TEST_CASE("a job whose lease expires on its last attempt is marked dead", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    const auto id = queue.enqueue(job_of("test", 1)).value();
    REQUIRE(queue.claim("crashed", k_kinds, milliseconds(100)));
    REQUIRE(eventually([&] {
        CHECK_FALSE(queue.claim("rescuer", k_kinds, std::chrono::minutes(1)));
        return queue.find(id)->status == "dead";
    }));
    const auto record = queue.find(id);
    CHECK(record->attempts == 1);
    CHECK(record->last_error ==
          std::optional<std::string>("lease expired on worker crashed on the last attempt"));
}

TEST_CASE("a completed job's payload can be redacted while the row stays", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    const auto id = queue.enqueue(job_of("test")).value();
    const auto job = queue.claim("w1", k_kinds, std::chrono::minutes(1));
    REQUIRE(job);
    REQUIRE(queue.complete(*job, jobs::PayloadRetention::redact_when_done));
    const auto record = queue.find(id);
    CHECK(record->status == "done");
    CHECK(record->payload == nlohmann::json{{"redacted", true}});
}

TEST_CASE("a peer's error text with bytes PostgreSQL refuses is still recorded", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    const auto id = queue.enqueue(job_of("test")).value();
    const auto job = queue.claim("w1", k_kinds, std::chrono::minutes(1));
    REQUIRE(job);
    CHECK(queue.fail(*job, std::string("bad\0byte \xff\xfe", 11)) ==
          jobs::FailOutcome::retry_scheduled);
    CHECK(queue.find(id)->last_error == std::optional<std::string>("bad?byte ??"));
}
