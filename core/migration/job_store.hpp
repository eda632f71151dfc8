#pragma once
// SQL for migration_jobs and migration_job_errors (migrations/0014_import.sql).

#include "core/db/pool.hpp"
#include "core/migration/import_user.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::migration::jobs_store {

struct Counts {
    std::int64_t processed = 0, inserted = 0, updated = 0, unchanged = 0, failed = 0;
    Counts& operator+=(const Counts& o) {
        processed += o.processed;
        inserted += o.inserted;
        updated += o.updated;
        unchanged += o.unchanged;
        failed += o.failed;
        return *this;
    }
};

struct JobRow {
    std::string id, source, status, fingerprint;
    nlohmann::json options = nlohmann::json::object();
    nlohmann::json files = nlohmann::json::array();
    std::int64_t bytes_total = 0, bytes_done = 0;
    int checkpoint_file = 0;
    std::int64_t checkpoint_record = 0;
    Counts counts;
    std::optional<std::string> error, created_by;
    std::string created_at, started_at, finished_at, updated_at;
};

struct ErrorRow {
    std::string file;
    std::int64_t line = 0, record = 0;
    std::string code, field, reason, external_id, severity = "error";
};

std::string create(db::Transaction& tx, const std::string& source, const std::string& fingerprint, const nlohmann::json& options,
                   const nlohmann::json& files, std::int64_t bytes_total, const std::optional<std::string>& created_by);
std::optional<JobRow> find(db::Transaction& tx, const std::string& id);
// The newest unfinished job with this fingerprint (an interrupted run to resume).
std::optional<JobRow> find_unfinished(db::Transaction& tx, const std::string& fingerprint);
void mark_running(db::Transaction& tx, const std::string& id);
// Move the checkpoint and add `delta` to the counts.
void checkpoint(db::Transaction& tx, const std::string& id, int file, std::int64_t record, std::int64_t bytes_done,
                const Counts& delta);
void finish(db::Transaction& tx, const std::string& id, const std::string& status, const std::optional<std::string>& error);
void add_error(db::Transaction& tx, const std::string& id, const ErrorRow& row);
std::vector<ErrorRow> errors(db::Transaction& tx, const std::string& id, int limit);
std::int64_t error_count(db::Transaction& tx, const std::string& id);

nlohmann::json to_json(const JobRow& job);
nlohmann::json to_json(const ErrorRow& row);

}  // namespace janua::migration::jobs_store
