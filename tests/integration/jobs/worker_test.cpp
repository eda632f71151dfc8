#include "core/jobs/enqueue.hpp"
#include "core/jobs/wake.hpp"
#include "core/jobs/worker.hpp"
#include "tests/integration/jobs/job_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

using namespace janua;
using namespace janua::test;
using std::chrono::milliseconds;

namespace {

jobs::WorkerSettings fast_settings(const std::string& id) {
    jobs::WorkerSettings settings;
    settings.worker_id = id;
    settings.poll_interval = milliseconds(50);
    settings.database_retry_delay = milliseconds(100);
    settings.stop_timeout = std::chrono::seconds(10);
    return settings;
}

jobs::NewJob job_of(const std::string& kind, nlohmann::json payload = nlohmann::json::object(),
                    int max_attempts = 10) {
    jobs::NewJob job;
    job.kind = kind;
    job.payload = std::move(payload);
    job.max_attempts = max_attempts;
    return job;
}

}  // namespace

TEST_CASE("two workers sharing a queue run each of 200 jobs exactly once", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool_a(database.pool_settings()), pool_b(database.pool_settings());
    jobs::JobQueue queue_a(pool_a), queue_b(pool_b);

    std::set<std::string> ids;
    pool_a.transact([&](db::Transaction& tx) {
        for (int i = 0; i < 200; ++i)
            ids.insert(jobs::enqueue(tx, job_of("count", {{"i", i}})).value());
    });
    REQUIRE(ids.size() == 200);

    std::mutex mutex;
    std::map<std::string, int> runs;
    std::set<std::string> workers_seen;
    auto handler = [&](const jobs::Job& job) -> Status {
        std::lock_guard lock(mutex);
        ++runs[job.id];
        workers_seen.insert(job.worker_id.substr(0, job.worker_id.find('#')));
        return Ok{};
    };
    jobs::Worker worker_a(queue_a, fast_settings("a")), worker_b(queue_b, fast_settings("b"));
    worker_a.on("count", handler);
    worker_b.on("count", handler);
    worker_a.start(2);
    worker_b.start(2);
    REQUIRE(eventually(
        [&] { return database.count("SELECT count(*) FROM jobs WHERE status = 'done'") == 200; }));
    CHECK(worker_a.stop());
    CHECK(worker_b.stop());

    std::lock_guard lock(mutex);
    CHECK(runs.size() == 200);
    for (const auto& id : ids) {
        INFO(id);
        CHECK(runs[id] == 1);
    }
    CHECK(worker_a.stats().succeeded + worker_b.stats().succeeded == 200);
    CHECK(database.count("SELECT count(*) FROM jobs WHERE attempts <> 1") == 0);
    CHECK(workers_seen.size() == 2);  // both really took part
}

TEST_CASE("a failing handler is retried with backoff until the job is dead", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool, jobs::BackoffPolicy{milliseconds(20), milliseconds(100)});
    std::atomic<int> calls{0};
    jobs::Worker worker(queue, fast_settings("w"));
    worker.on("flaky", [&](const jobs::Job&) -> Status {
        ++calls;
        return make_error(ErrorCode::unavailable, "relay unreachable", "connection refused");
    });
    const auto id = queue.enqueue(job_of("flaky", {}, 4)).value();
    worker.start(1);
    REQUIRE(eventually([&] { return queue.find(id)->status == "dead"; }));
    worker.stop();
    CHECK(calls == 4);
    const auto record = queue.find(id);
    CHECK(record->attempts == 4);
    CHECK(record->last_error ==
          std::optional<std::string>("relay unreachable: connection refused"));
    CHECK(worker.stats().failed == 4);
    CHECK(worker.stats().dead == 1);
}

TEST_CASE("a throwing handler fails the attempt with the exception's text", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool, jobs::BackoffPolicy{milliseconds(10), milliseconds(10)});
    jobs::Worker worker(queue, fast_settings("w"));
    worker.on("boom",
              [](const jobs::Job&) -> Status { throw std::runtime_error("out of cheese"); });
    const auto id = queue.enqueue(job_of("boom", {}, 2)).value();
    worker.start(1);
    REQUIRE(eventually([&] { return queue.find(id)->status == "dead"; }));
    worker.stop();
    CHECK(queue.find(id)->last_error == std::optional<std::string>("handler threw: out of cheese"));
}

TEST_CASE("an enqueue in this process wakes an idle worker before its poll interval", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    auto settings = fast_settings("w");
    settings.poll_interval = std::chrono::minutes(10);
    jobs::Worker worker(queue, settings);
    worker.on("ping", [](const jobs::Job&) -> Status { return Ok{}; });
    worker.start(1);
    std::this_thread::sleep_for(milliseconds(200));  // the worker is asleep now
    const auto id =
        pool.transact([](db::Transaction& tx) { return jobs::enqueue(tx, job_of("ping")); })
            .value();
    CHECK(eventually([&] { return queue.find(id)->status == "done"; }, std::chrono::seconds(5)));
    worker.stop();
}

TEST_CASE("a worker listening on janua_jobs hears of jobs enqueued by another process", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    auto settings = fast_settings("w");
    settings.poll_interval = std::chrono::minutes(10);
    settings.listen = database.pool_settings();
    jobs::Worker worker(queue, settings);
    worker.on("ping", [](const jobs::Job&) -> Status { return Ok{}; });
    const auto before = jobs::wake::generation();
    worker.start(1);
    // The listener rings once it is LISTENing; then let the worker's short re-polls pass.
    REQUIRE(
        eventually([&] { return jobs::wake::generation() != before; }, std::chrono::seconds(5)));
    std::this_thread::sleep_for(milliseconds(800));

    // Another process: plain SQL, so nothing rings in this one.
    pqxx::connection other(database.url());
    pqxx::work tx(other);
    const auto id =
        tx.exec1("INSERT INTO jobs (kind) VALUES ('ping') RETURNING id::text")[0].as<std::string>();
    tx.exec("SELECT pg_notify('janua_jobs', 'ping')");
    tx.commit();
    CHECK(eventually([&] { return queue.find(id)->status == "done"; }, std::chrono::seconds(5)));
    worker.stop();
}

TEST_CASE("stop lets the running job finish", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    std::atomic<bool> started{false};
    jobs::Worker worker(queue, fast_settings("w"));
    worker.on("slow", [&](const jobs::Job&) -> Status {
        started = true;
        std::this_thread::sleep_for(milliseconds(300));
        return Ok{};
    });
    const auto id = queue.enqueue(job_of("slow")).value();
    worker.start(1);
    REQUIRE(eventually([&] { return started.load(); }));
    CHECK(worker.stop());
    CHECK(queue.find(id)->status == "done");
}

TEST_CASE("stop gives up on a stuck handler after its timeout", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    std::atomic<bool> started{false}, release{false}, returned{false};
    auto settings = fast_settings("w");
    settings.stop_timeout = milliseconds(200);
    jobs::Worker worker(queue, settings);
    worker.on("stuck", [&](const jobs::Job&) -> Status {
        started = true;
        while (!release) std::this_thread::sleep_for(milliseconds(5));
        returned = true;
        return Ok{};
    });
    const auto id = queue.enqueue(job_of("stuck")).value();
    worker.start(1);
    REQUIRE(eventually([&] { return started.load(); }));
    const auto begin = std::chrono::steady_clock::now();
    CHECK_FALSE(worker.stop());
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(2));
    release = true;
    REQUIRE(eventually([&] { return returned.load(); }));
    std::this_thread::sleep_for(milliseconds(50));
    // The abandoned run touches nothing: the job stays running until its lease expires.
    CHECK(queue.find(id)->status == "running");
}

TEST_CASE("a worker survives the database going away and carries on when it returns", "[jobs]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    auto settings = fast_settings("w");
    settings.listen = database.pool_settings();
    jobs::Worker worker(queue, settings);
    worker.on("ping", [](const jobs::Job&) -> Status { return Ok{}; });
    worker.start(2);
    std::this_thread::sleep_for(milliseconds(200));
    stop_postgres();
    std::this_thread::sleep_for(milliseconds(600));  // several failed polls
    start_postgres();
    std::optional<std::string> id;
    REQUIRE(eventually([&] {
        try {
            id = queue.enqueue(job_of("ping")).value();
            return true;
        } catch (const std::exception&) {
            return false;  // the pool is still reconnecting
        }
    }));
    CHECK(eventually([&] { return queue.find(*id)->status == "done"; }, std::chrono::seconds(10)));
    CHECK(worker.stop());
}
