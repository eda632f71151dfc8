#pragma once
// Background workers: threads that claim jobs from the queue and run the handler registered for
// each kind. Idle threads sleep for the poll interval, or less when the doorbell rings (an
// enqueue in this process, or a NOTIFY from another when `listen` is set).

#include "core/db/pool.hpp"
#include "core/jobs/dispatch.hpp"
#include "core/jobs/queue.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace janua::db {
class NotificationListener;
}

namespace janua::jobs {


struct WorkerSettings {
    std::string worker_id;  // empty: hostname:pid:n; each thread appends "#<index>"
    std::chrono::milliseconds poll_interval{1000};
    // Must outlast the slowest handler run, or a second worker starts the same job.
    std::chrono::milliseconds lease{std::chrono::minutes(5)};
    // How long stop() waits for running handlers before leaving them behind.
    std::chrono::milliseconds stop_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds database_retry_delay{std::chrono::seconds(2)};
    // Connection settings for LISTEN janua_jobs; nullopt: rely on polling and in-process rings.
    std::optional<db::PoolSettings> listen;
};

struct WorkerStats {
    long long succeeded = 0;
    long long failed = 0;  // attempts that failed, retried or not
    long long dead = 0;
};

class Worker {
  public:
    explicit Worker(JobQueue& queue, WorkerSettings settings = {});
    // A worker with a queue of its own on `pool` (default backoff) that LISTENs through a
    // connection made with `listen` (normally the pool's own settings).
    Worker(db::Pool& pool, const db::PoolSettings& listen, WorkerSettings settings = {});
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Register the handler for `kind`; only before start(). Only registered kinds are claimed.
    void on(const std::string& kind, Handler handler,
            PayloadRetention retention = PayloadRetention::keep);

    // Start `threads` polling loops (and the listener when configured).
    void start(int threads);

    // Let each loop finish its current job, then return. If handlers are still running after
    // stop_timeout, leave them behind (their leases expire and the jobs run again elsewhere) and
    // return false. The queue and handlers must outlive such stragglers' current job.
    bool stop();

    const std::string& id() const;
    WorkerStats stats() const;

    struct State;

  private:
    std::shared_ptr<State> m_state;
    std::vector<std::thread> m_threads;
    std::unique_ptr<db::NotificationListener> m_listener;
};

}  // namespace janua::jobs
