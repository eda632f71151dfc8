#include "core/migration/job_store.hpp"

namespace janua::migration::jobs_store {
namespace {

using db::Statement;

#define JOB_COLUMNS                                                                                                  \
    "id, source, status, fingerprint, options::text, files::text, bytes_total, bytes_done, checkpoint_file, "      \
    "checkpoint_record, processed, inserted, updated, unchanged, failed, error, created_by, created_at, started_at, " \
    "finished_at, updated_at"

constexpr Statement k_create{"migration_job_create",
                             "INSERT INTO migration_jobs (source, fingerprint, options, files, bytes_total, created_by) "
                             "VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6) RETURNING id"};
constexpr Statement k_find{"migration_job_find", "SELECT " JOB_COLUMNS " FROM migration_jobs WHERE id = $1"};
constexpr Statement k_find_unfinished{"migration_job_find_unfinished",
                                      "SELECT " JOB_COLUMNS " FROM migration_jobs WHERE fingerprint = $1 "
                                      "AND status IN ('pending', 'running') ORDER BY created_at DESC LIMIT 1"};
constexpr Statement k_running{"migration_job_running",
                              "UPDATE migration_jobs SET status = 'running', started_at = coalesce(started_at, now()), "
                              "updated_at = now() WHERE id = $1"};
constexpr Statement k_checkpoint{
    "migration_job_checkpoint",
    "UPDATE migration_jobs SET checkpoint_file = $2, checkpoint_record = $3, bytes_done = $4, processed = processed + $5, "
    "inserted = inserted + $6, updated = updated + $7, unchanged = unchanged + $8, failed = failed + $9, updated_at = now() "
    "WHERE id = $1"};
constexpr Statement k_finish{"migration_job_finish",
                             "UPDATE migration_jobs SET status = $2, error = $3, finished_at = now(), updated_at = now(), "
                             "bytes_done = CASE WHEN $2 = 'completed' THEN bytes_total ELSE bytes_done END WHERE id = $1"};
// An upload holds password hashes: it goes as soon as its job has ended.
constexpr Statement k_drop_upload{"migration_job_drop_upload", "DELETE FROM migration_uploads WHERE job_id = $1"};
constexpr Statement k_add_error{"migration_job_add_error",
                                "INSERT INTO migration_job_errors (job_id, file, line, record, code, field, reason, external_id, severity) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};
constexpr Statement k_errors{"migration_job_errors",
                             "SELECT file, line, record, code, coalesce(field, ''), reason, coalesce(external_id, ''), severity "
                             "FROM migration_job_errors WHERE job_id = $1 ORDER BY id LIMIT $2"};
constexpr Statement k_error_count{"migration_job_error_count", "SELECT count(*) FROM migration_job_errors WHERE job_id = $1"};

JobRow read(const pqxx::row& r) {
    JobRow j;
    j.id = r[0].as<std::string>();
    j.source = r[1].as<std::string>();
    j.status = r[2].as<std::string>();
    j.fingerprint = r[3].as<std::string>();
    j.options = nlohmann::json::parse(r[4].as<std::string>());
    j.files = nlohmann::json::parse(r[5].as<std::string>());
    j.bytes_total = r[6].as<std::int64_t>();
    j.bytes_done = r[7].as<std::int64_t>();
    j.checkpoint_file = r[8].as<int>();
    j.checkpoint_record = r[9].as<std::int64_t>();
    j.counts = Counts{r[10].as<std::int64_t>(), r[11].as<std::int64_t>(), r[12].as<std::int64_t>(), r[13].as<std::int64_t>(),
                      r[14].as<std::int64_t>()};
    j.error = db::optional_field<std::string>(r[15]);
    j.created_by = db::optional_field<std::string>(r[16]);
    j.created_at = db::timestamp(r[17]);
    j.started_at = db::timestamp(r[18]);
    j.finished_at = db::timestamp(r[19]);
    j.updated_at = db::timestamp(r[20]);
    return j;
}

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

}  // namespace

std::string create(db::Transaction& tx, const std::string& source, const std::string& fingerprint, const nlohmann::json& options,
                   const nlohmann::json& files, std::int64_t bytes_total, const std::optional<std::string>& created_by) {
    return tx.exec(k_create, source, fingerprint, options.dump(), files.dump(), bytes_total, created_by)[0][0].as<std::string>();
}

std::optional<JobRow> find(db::Transaction& tx, const std::string& id) {
    auto r = tx.exec(k_find, id);
    if (r.empty()) return std::nullopt;
    return read(r[0]);
}

std::optional<JobRow> find_unfinished(db::Transaction& tx, const std::string& fingerprint) {
    auto r = tx.exec(k_find_unfinished, fingerprint);
    if (r.empty()) return std::nullopt;
    return read(r[0]);
}

void mark_running(db::Transaction& tx, const std::string& id) { tx.exec(k_running, id); }

void checkpoint(db::Transaction& tx, const std::string& id, int file, std::int64_t record, std::int64_t bytes_done,
                const Counts& d) {
    tx.exec(k_checkpoint, id, file, record, bytes_done, d.processed, d.inserted, d.updated, d.unchanged, d.failed);
}

void finish(db::Transaction& tx, const std::string& id, const std::string& status, const std::optional<std::string>& error) {
    tx.exec(k_finish, id, status, error);
    tx.exec(k_drop_upload, id);
}

void add_error(db::Transaction& tx, const std::string& id, const ErrorRow& e) {
    tx.exec(k_add_error, id, e.file, e.line, e.record, e.code, opt(e.field), e.reason, opt(e.external_id), e.severity);
}

std::vector<ErrorRow> errors(db::Transaction& tx, const std::string& id, int limit) {
    std::vector<ErrorRow> out;
    for (const auto& r : tx.exec(k_errors, id, limit))
        out.push_back(ErrorRow{r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(), r[3].as<std::string>(),
                               r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>()});
    return out;
}

std::int64_t error_count(db::Transaction& tx, const std::string& id) { return tx.exec(k_error_count, id)[0][0].as<std::int64_t>(); }

nlohmann::json to_json(const JobRow& j) {
    auto ts = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    nlohmann::json out = {{"id", j.id},
                          {"source", j.source},
                          {"status", j.status},
                          {"dry_run", j.options.value("dry_run", false)},
                          {"options", j.options},
                          {"files", j.files},
                          {"progress",
                           {{"bytes_total", j.bytes_total},
                            {"bytes_done", j.bytes_done},
                            {"percent", j.bytes_total > 0 ? (100.0 * static_cast<double>(j.bytes_done) / static_cast<double>(j.bytes_total)) : 0.0}}},
                          {"summary",
                           {{"processed", j.counts.processed},
                            {"inserted", j.counts.inserted},
                            {"updated", j.counts.updated},
                            {"unchanged", j.counts.unchanged},
                            {"failed", j.counts.failed}}},
                          {"error", j.error ? nlohmann::json(*j.error) : nlohmann::json(nullptr)},
                          {"created_at", ts(j.created_at)},
                          {"started_at", ts(j.started_at)},
                          {"finished_at", ts(j.finished_at)}};
    return out;
}

nlohmann::json to_json(const ErrorRow& e) {
    nlohmann::json out = {{"file", e.file}, {"line", e.line}, {"record", e.record}, {"code", e.code},
                          {"reason", e.reason}, {"severity", e.severity}};
    if (!e.field.empty()) out["field"] = e.field;
    if (!e.external_id.empty()) out["external_id"] = e.external_id;
    return out;
}

}  // namespace janua::migration::jobs_store
