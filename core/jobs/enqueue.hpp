#pragma once
// Add a job in the caller's transaction (the outbox pattern): the job exists exactly when the
// event that caused it commits, and a crash between the two cannot lose or invent one.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/jobs/job.hpp"

#include <string>

namespace janua::jobs {

// The channel enqueue() NOTIFYs (payload: the job kind) and workers may LISTEN on.
inline constexpr const char* k_notify_channel = "janua_jobs";

// Insert `job` in `tx` and return its id. A validation error for an empty kind or
// max_attempts < 1; database failures throw.
Result<std::string> enqueue(db::Transaction& tx, const NewJob& job);

}  // namespace janua::jobs
