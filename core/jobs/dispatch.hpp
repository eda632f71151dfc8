#pragma once
// Run the handler registered for a job's kind and turn every way it can end into an outcome the
// queue can record: success, a returned error, an exception, or no handler at all.

#include "core/common/result.hpp"
#include "core/jobs/job.hpp"

#include <functional>
#include <map>
#include <string>

namespace janua::jobs {

using Handler = std::function<Status(const Job&)>;
using HandlerMap = std::map<std::string, Handler>;

struct HandlerOutcome {
    bool ok = false;
    std::string error;  // for last_error and the log
    FailureKind kind = FailureKind::transient;
};

// Errors with ErrorCode::validation or bad_request are permanent: the same input fails again.
// Everything else (a down SMTP server, an exception, an unknown kind another daemon version may
// know) is retried.
HandlerOutcome run_handler(const HandlerMap& handlers, const Job& job) noexcept;

}  // namespace janua::jobs
