#pragma once
// Imports from Auth0 and Keycloak, for `janua migrate` (files on this machine, run in-process)
// and for januad's /api/v1/migration/jobs (an uploaded body, run by the background job runner in
// slices that each end with a checkpoint, so a long import survives restarts and never outlives
// a job lease).

#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/migration/importer.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace janua::jobs {
class Worker;
}

namespace janua::migration {

inline constexpr const char* k_job_kind = "migration";
inline constexpr std::size_t k_upload_chunk_bytes = 4u << 20;

struct LocalFile {
    std::string path;
    std::string kind = "users";  // users | organizations | realm
};

struct LocalRun {
    jobs_store::JobRow job;  // id empty for a dry run (nothing stored)
    RunResult result;
    bool resumed = false;    // an interrupted run of the same import was continued
};

class MigrationService {
public:
    MigrationService(db::Pool& pool, crypto::FernetKeyring keyring);

    // Import local files now. The same files with the same options resume an interrupted run.
    Result<LocalRun> run_local(const ImportOptions& options, const std::vector<LocalFile>& files, const Actor& actor,
                               const Callbacks& callbacks);

    // Store an uploaded body as a new job and queue it (one transaction). `kind` as LocalFile.
    Result<jobs_store::JobRow> submit(const ImportOptions& options, const std::string& file_name, const std::string& kind,
                                      const std::string& body, const Actor& actor);
    // The job with its progress, counts and first `error_limit` problems.
    Result<nlohmann::json> describe(const std::string& job_id, int error_limit);

    // Run a queued job for at most `budget`, then queue its continuation.
    Status run_queued(const std::string& job_id, std::chrono::milliseconds budget);
    void register_handler(jobs::Worker& worker);

private:
    db::Pool& m_pool;
    crypto::FernetKeyring m_keyring;
};

// The producer for a source ("auth0" | "keycloak").
Producer producer_for(const std::string& source, std::size_t max_record_bytes);

}  // namespace janua::migration
