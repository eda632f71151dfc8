#include "core/jobs/queue.hpp"

#include "core/jobs/enqueue.hpp"
#include "core/jobs/sql.hpp"

namespace janua::jobs {
namespace {

// last_error is for people reading the table; a runaway message must not bloat the row.
constexpr std::size_t k_max_error_length = 2000;

// Error texts come from peers (SMTP replies, exceptions) and may hold bytes PostgreSQL refuses
// in a text column; an unstorable error would leave the job stuck as running until its lease ends.
// Keeping printable ASCII is enough for a diagnostic and cannot produce invalid UTF-8.
std::string storable_text(const std::string& text) {
    std::string out = text.substr(0, k_max_error_length);
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || (byte < 0x20 && c != '\n' && c != '\t')) c = '?';
    }
    return out;
}

Job job_from_row(const pqxx::row& row, const std::string& worker_id) {
    Job job;
    job.id = row[0].as<std::string>();
    job.kind = row[1].as<std::string>();
    job.payload = nlohmann::json::parse(row[2].as<std::string>());
    job.attempts = row[3].as<int>();
    job.max_attempts = row[4].as<int>();
    job.worker_id = worker_id;
    return job;
}

}  // namespace

JobQueue::JobQueue(db::Pool& pool, BackoffPolicy backoff) : m_pool(pool), m_backoff(backoff) {}

Result<std::string> JobQueue::enqueue(const NewJob& job) {
    return m_pool.transact([&](db::Transaction& tx) { return jobs::enqueue(tx, job); });
}

std::optional<Job> JobQueue::claim(const std::string& worker_id,
                                   const std::vector<std::string>& kinds,
                                   std::chrono::milliseconds lease) {
    if (kinds.empty()) return std::nullopt;
    const std::string kind_list = nlohmann::json(kinds).dump();
    const long long lease_ms = lease.count();
    return m_pool.transact([&](db::Transaction& tx) -> std::optional<Job> {
        tx.exec(sql::k_bury_expired);
        auto rows = tx.exec(sql::k_claim_expired, worker_id, kind_list, lease_ms);
        if (rows.empty()) rows = tx.exec(sql::k_claim_due, worker_id, kind_list, lease_ms);
        if (rows.empty()) return std::nullopt;
        return job_from_row(rows[0], worker_id);
    });
}

bool JobQueue::complete(const Job& job, PayloadRetention retention) {
    const auto& statement = retention == PayloadRetention::redact_when_done
                                ? sql::k_complete_redacted
                                : sql::k_complete;
    return m_pool.transact([&](db::Transaction& tx) {
        return tx.exec(statement, job.id, job.attempts, job.worker_id).affected_rows() == 1;
    });
}

FailOutcome JobQueue::fail(const Job& job, const std::string& error, FailureKind kind) {
    const long long delay_ms = backoff_delay(m_backoff, job.attempts).count();
    const bool permanent = kind == FailureKind::permanent;
    const std::string stored = storable_text(error);
    return m_pool.transact([&](db::Transaction& tx) {
        auto rows =
            tx.exec(sql::k_fail, job.id, job.attempts, job.worker_id, permanent, delay_ms, stored);
        if (rows.empty()) return FailOutcome::lease_lost;
        return rows[0][0].as<std::string>() == "dead" ? FailOutcome::dead
                                                      : FailOutcome::retry_scheduled;
    });
}

std::optional<JobRecord> JobQueue::find(const std::string& id) {
    return m_pool.transact([&](db::Transaction& tx) -> std::optional<JobRecord> {
        auto rows = tx.exec(sql::k_find, id);
        if (rows.empty()) return std::nullopt;
        const auto& row = rows[0];
        JobRecord record;
        record.id = row[0].as<std::string>();
        record.kind = row[1].as<std::string>();
        record.payload = nlohmann::json::parse(row[2].as<std::string>());
        record.status = row[3].as<std::string>();
        record.attempts = row[4].as<int>();
        record.max_attempts = row[5].as<int>();
        record.last_error = db::optional_field<std::string>(row[6]);
        record.locked_by = db::optional_field<std::string>(row[7]);
        record.due_in_ms = row[8].as<long long>();
        record.finished = row[9].as<bool>();
        return record;
    });
}

}  // namespace janua::jobs
