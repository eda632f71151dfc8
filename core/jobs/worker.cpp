#include "core/jobs/worker.hpp"

#include "core/common/log.hpp"
#include "core/jobs/enqueue.hpp"
#include "core/db/notification_listener.hpp"
#include "core/jobs/wake.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>

namespace janua::jobs {

struct Worker::State {
    State(JobQueue& job_queue, WorkerSettings worker_settings,
          std::shared_ptr<JobQueue> owned = nullptr)
        : owned_queue(std::move(owned)), queue(job_queue), settings(std::move(worker_settings)) {}

    std::shared_ptr<JobQueue> owned_queue;  // set when the worker made its own queue
    JobQueue& queue;
    WorkerSettings settings;
    HandlerMap handlers;
    std::map<std::string, PayloadRetention> retention;
    std::vector<std::string> kinds;
    std::atomic<bool> stopping{false};
    std::atomic<bool> abandoned{false};  // stop() gave up waiting: touch nothing shared any more
    std::atomic<long long> succeeded{0}, failed{0}, dead{0};
    std::mutex mutex;
    std::condition_variable loop_exited;
    int running_loops = 0;
};

namespace {

// After a ring that found nothing, poll again shortly: an enqueue rings before its transaction
// commits, so the first poll can miss the row.
constexpr std::array<std::chrono::milliseconds, 3> k_settle_delays{
    std::chrono::milliseconds(25), std::chrono::milliseconds(100), std::chrono::milliseconds(400)};

std::string default_worker_id() {
    static std::atomic<int> counter{0};
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    return std::string(host.data()) + ":" + std::to_string(::getpid()) + ":" +
           std::to_string(counter++);
}

void process(Worker::State& state, const Job& job) {
    const HandlerOutcome outcome = run_handler(state.handlers, job);
    if (state.abandoned) return;
    if (outcome.ok) {
        ++state.succeeded;
        const auto retention = state.retention.find(job.kind);
        if (!state.queue.complete(job, retention == state.retention.end() ? PayloadRetention::keep
                                                                          : retention->second))
            log::warn("job finished after its lease was lost; it may run again",
                      {{"job_id", job.id}, {"kind", job.kind}, {"worker", job.worker_id}});
        return;
    }
    ++state.failed;
    const FailOutcome result = state.queue.fail(job, outcome.error, outcome.kind);
    nlohmann::json fields = {{"job_id", job.id},        {"kind", job.kind},
                             {"attempt", job.attempts}, {"max_attempts", job.max_attempts},
                             {"worker", job.worker_id}, {"error", outcome.error}};
    switch (result) {
        case FailOutcome::retry_scheduled:
            log::warn("job failed; retry scheduled", fields);
            break;
        case FailOutcome::dead:
            ++state.dead;
            log::error("job failed for good; marked dead", fields);
            break;
        case FailOutcome::lease_lost:
            log::warn("job failed after its lease was lost", fields);
            break;
    }
}

void run_loop(std::shared_ptr<Worker::State> state, std::string thread_id) {
    std::uint64_t seen = wake::generation();
    std::size_t settle_index = k_settle_delays.size();
    while (!state->stopping) {
        std::chrono::milliseconds wait = state->settings.poll_interval;
        try {
            if (auto job = state->queue.claim(thread_id, state->kinds, state->settings.lease)) {
                process(*state, *job);
                settle_index = k_settle_delays.size();
                continue;  // more may be due: ask again before sleeping
            }
            if (settle_index < k_settle_delays.size())
                wait = std::min(wait, k_settle_delays[settle_index++]);
        } catch (const db::DatabaseUnavailable& e) {
            log::warn("job worker cannot reach the database",
                      {{"worker", thread_id}, {"error", e.what()}});
            wait = state->settings.database_retry_delay;
        } catch (const std::exception& e) {
            // pqxx::failure (a failed statement, a lost connection mid-query) and anything else:
            // a background loop must outlive them.
            log::error("job worker loop error", {{"worker", thread_id}, {"error", e.what()}});
            wait = state->settings.database_retry_delay;
        }
        const std::uint64_t now = wake::wait(seen, wait, [&] { return state->stopping.load(); });
        if (now != seen) {
            seen = now;
            settle_index = 0;
        }
    }
}

}  // namespace

Worker::Worker(JobQueue& queue, WorkerSettings settings)
    : m_state(std::make_shared<State>(queue, std::move(settings))) {
    if (m_state->settings.worker_id.empty()) m_state->settings.worker_id = default_worker_id();
}

Worker::Worker(db::Pool& pool, const db::PoolSettings& listen, WorkerSettings settings) {
    auto queue = std::make_shared<JobQueue>(pool);
    settings.listen = listen;
    m_state = std::make_shared<State>(*queue, std::move(settings), queue);
    if (m_state->settings.worker_id.empty()) m_state->settings.worker_id = default_worker_id();
}

Worker::~Worker() {
    stop();
}

void Worker::on(const std::string& kind, Handler handler, PayloadRetention retention) {
    if (!m_threads.empty())
        throw std::logic_error("job handlers must be registered before the worker starts");
    m_state->handlers[kind] = std::move(handler);
    m_state->retention[kind] = retention;
}

void Worker::start(int threads) {
    if (!m_threads.empty()) throw std::logic_error("job worker already started");
    m_state->kinds.clear();
    for (const auto& [kind, handler] : m_state->handlers) m_state->kinds.push_back(kind);
    m_state->stopping = false;
    const int count = std::max(threads, 1);
    {
        std::lock_guard lock(m_state->mutex);
        m_state->running_loops = count;
    }
    for (int i = 0; i < count; ++i) {
        std::string thread_id = m_state->settings.worker_id + "#" + std::to_string(i);
        m_threads.emplace_back([state = m_state, thread_id = std::move(thread_id)] {
            run_loop(state, thread_id);
            std::lock_guard lock(state->mutex);
            --state->running_loops;
            state->loop_exited.notify_all();
        });
    }
    if (m_state->settings.listen) {
        m_listener =
            // Every notification, and every (re)connect, rings the doorbell: jobs may have been
            // enqueued elsewhere, or while the listener was away.
            std::make_unique<db::NotificationListener>(*m_state->settings.listen, k_notify_channel, [] { wake::ring(); });
        m_listener->start();
    }
    log::info("job worker started", {{"worker", m_state->settings.worker_id},
                                     {"threads", count},
                                     {"kinds", m_state->kinds},
                                     {"listen", m_listener != nullptr}});
}

bool Worker::stop() {
    if (m_threads.empty()) return true;
    m_state->stopping = true;
    wake::ring();
    if (m_listener) {
        m_listener->stop();
        m_listener.reset();
    }
    bool finished = false;
    {
        std::unique_lock lock(m_state->mutex);
        finished = m_state->loop_exited.wait_for(lock, m_state->settings.stop_timeout,
                                                 [this] { return m_state->running_loops == 0; });
    }
    if (finished) {
        for (auto& thread : m_threads) thread.join();
    } else {
        m_state->abandoned = true;
        for (auto& thread : m_threads) thread.detach();
        // The stragglers keep the old state; a later start() must not revive them.
        auto fresh =
            std::make_shared<State>(m_state->queue, m_state->settings, m_state->owned_queue);
        fresh->handlers = m_state->handlers;
        fresh->retention = m_state->retention;
        m_state = std::move(fresh);
        log::error("job worker stop timed out; leaving running handlers behind",
                   {{"worker", m_state->settings.worker_id},
                    {"timeout_ms", m_state->settings.stop_timeout.count()}});
    }
    m_threads.clear();
    return finished;
}

const std::string& Worker::id() const {
    return m_state->settings.worker_id;
}

WorkerStats Worker::stats() const {
    return {m_state->succeeded, m_state->failed, m_state->dead};
}

}  // namespace janua::jobs
