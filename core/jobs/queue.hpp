#pragma once
// The durable job queue on PostgreSQL, shared by every daemon on the database. Jobs are claimed
// with FOR UPDATE SKIP LOCKED under a lease; a worker that dies leaves a lease that expires, and
// the job is claimed again. Delivery is at least once: handlers must tolerate a repeat.
// Rows are never deleted here; finished jobs stay as done or dead for inspection.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/jobs/backoff.hpp"
#include "core/jobs/job.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace janua::jobs {

class JobQueue {
  public:
    explicit JobQueue(db::Pool& pool, BackoffPolicy backoff = {});

    // Enqueue in a transaction of its own, for jobs not tied to another write.
    Result<std::string> enqueue(const NewJob& job);

    // Take one due job of one of `kinds` (a pending job whose run_at has come, or a running job
    // whose lease expired), mark it running for `lease` and count the attempt. nullopt if none.
    std::optional<Job> claim(const std::string& worker_id, const std::vector<std::string>& kinds,
                             std::chrono::milliseconds lease);

    // Mark a claimed job done. False if the lease was lost (the job expired and was re-claimed).
    bool complete(const Job& job, PayloadRetention retention = PayloadRetention::keep);

    // Record a failed attempt: reschedule with backoff, or mark dead when out of attempts or when
    // the failure is permanent. `error` is stored as last_error; it must hold no secrets.
    FailOutcome fail(const Job& job, const std::string& error,
                     FailureKind kind = FailureKind::transient);

    std::optional<JobRecord> find(const std::string& id);

    const BackoffPolicy& backoff() const { return m_backoff; }

  private:
    db::Pool& m_pool;
    BackoffPolicy m_backoff;
};

}  // namespace janua::jobs
