#pragma once
// The records of the durable job queue (table `jobs`, migrations/0001_core_schema.sql).

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace janua::jobs {

// What a caller asks to run later. `delay` postpones the first attempt.
struct NewJob {
    std::string kind;
    nlohmann::json payload = nlohmann::json::object();
    int max_attempts = 10;
    std::chrono::milliseconds delay{0};
};

// A job claimed by one worker. `attempts` counts this run and doubles as the fencing token:
// complete() and fail() only take effect while the row still carries the same attempt and worker.
struct Job {
    std::string id;
    std::string kind;
    nlohmann::json payload;
    int attempts = 0;
    int max_attempts = 0;
    std::string worker_id;
};

// A row as stored, for inspection (CLI, tests).
struct JobRecord {
    std::string id;
    std::string kind;
    nlohmann::json payload;
    std::string status;  // pending | running | done | dead
    int attempts = 0;
    int max_attempts = 0;
    std::optional<std::string> last_error;
    std::optional<std::string> locked_by;
    long long due_in_ms = 0;  // run_at - now(); negative when already due
    bool finished = false;    // finished_at is set
};

// Whether retrying a failed attempt can help.
enum class FailureKind {
    transient,  // retry with backoff until max_attempts
    permanent,  // e.g. a malformed payload: mark dead now
};

// What happens to a job's payload once it is done. Payloads may carry secrets (an email holds a
// sign-in link); the row itself is kept either way.
enum class PayloadRetention {
    keep,
    redact_when_done,  // replace it with {"redacted": true}
};

enum class FailOutcome {
    retry_scheduled,  // back to pending with a later run_at
    dead,             // out of attempts (or a permanent error): kept with last_error
    lease_lost,       // another worker owns the job now; nothing changed
};

}  // namespace janua::jobs
