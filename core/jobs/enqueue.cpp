#include "core/jobs/enqueue.hpp"

#include "core/jobs/sql.hpp"
#include "core/jobs/wake.hpp"

namespace janua::jobs {

Result<std::string> enqueue(db::Transaction& tx, const NewJob& job) {
    if (job.kind.empty()) return make_error(ErrorCode::validation, "job kind is empty");
    if (job.max_attempts < 1)
        return make_error(
            ErrorCode::validation, "job max_attempts must be at least 1",
            "kind '" + job.kind + "' max_attempts " + std::to_string(job.max_attempts));
    const long long delay_ms =
        job.delay.count() > 0 ? static_cast<long long>(job.delay.count()) : 0;
    auto rows = tx.exec(sql::k_insert, job.kind,
                        job.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                        job.max_attempts, delay_ms);
    // The row is not visible until the caller commits; the workers' short re-polls after a ring
    // cover that gap, and LISTENers hear the NOTIFY at the commit itself.
    wake::ring();
    return rows[0][0].as<std::string>();
}

}  // namespace janua::jobs
