#pragma once
// The import engine shared by `janua migrate` and the daemon's migration jobs: reads the inputs
// record by record, writes them in batches (one transaction each, with the job's checkpoint and
// one audit event per batch), so a crash loses at most the batch in flight and a re-run resumes
// after the last committed one. Records that cannot be imported are reported (file, line,
// Auth0-style code, reason) and skipped; they never abort the import.

#include "core/audit/audit.hpp"
#include "core/common/result.hpp"
#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/migration/byte_source.hpp"
#include "core/migration/import_user.hpp"
#include "core/migration/job_store.hpp"
#include "core/migration/user_writer.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace janua::migration {

struct ImportOptions {
    std::string source = "auth0";                // auth0 | keycloak
    std::optional<std::string> organization;     // --org (id or slug); must exist
    bool dry_run = false;
    int batch_size = 500;
    OnConflict on_conflict = OnConflict::skip;
    std::size_t max_record_bytes = 1 << 20;
};

nlohmann::json options_json(const ImportOptions& options);
// Validate options given over the API or the CLI.
Result<ImportOptions> options_from_json(const nlohmann::json& body);

struct InputFile {
    std::string name;
    std::uint64_t bytes = 0;
    std::string kind = "users";  // users | organizations (Auth0) | realm (Keycloak)
    std::function<std::unique_ptr<ByteSource>()> open;
};

// What a record turned into: a user to write, or work of its own (an organization, a client).
struct Item {
    std::uint64_t line = 0, record = 0;
    std::optional<ImportUser> user;
    std::function<WriteResult(db::Transaction&, const WriteContext&, const std::string& record_key)> action;
    std::string external_id;
    Problem problem;  // the record was refused before any write
    bool refused = false;
};

struct Progress {
    std::uint64_t bytes_done = 0, bytes_total = 0;
    jobs_store::Counts counts;
};

struct Callbacks {
    std::function<void(const Progress&)> progress;
    std::function<void(const jobs_store::ErrorRow&)> report;
    std::function<bool()> should_pause;  // asked after each batch: stop here (the rest runs later)
};

struct Actor {
    std::string type = "system";
    std::optional<std::string> id;
    std::string ip, request_id;
};

struct RunResult {
    std::string status;  // completed | failed | paused
    jobs_store::Counts counts;
    std::optional<std::string> error;
};

// Turns one input file into items, pushing each to `sink`; records before `skip_before` are
// read but neither parsed nor mapped. Returns an error message for a file that cannot be read.
using Producer = std::function<std::string(const InputFile&, ByteSource&, std::uint64_t skip_before,
                                           const std::function<void(Item&&)>& sink)>;

class Importer {
public:
    Importer(db::Pool& pool, const crypto::FernetKeyring& keyring, Actor actor);

    // Run the import of `files` from the checkpoint of `job` (job.id empty: a dry run that stores
    // nothing at all). Database outages throw (the caller retries; the checkpoint holds).
    RunResult run(const jobs_store::JobRow& job, const ImportOptions& options, const std::vector<InputFile>& files,
                  const Producer& producer, const Callbacks& callbacks);

private:
    db::Pool& m_pool;
    const crypto::FernetKeyring& m_keyring;
    Actor m_actor;
};

// An audit event by `actor` about migration job `job_id` (details and outcome left to the caller).
audit::Event job_event(const Actor& actor, const std::string& job_id, std::string action);

// The producers of each source.
std::string produce_auth0(const InputFile& file, ByteSource& source, std::uint64_t skip_before, std::size_t max_record_bytes,
                          const std::function<void(Item&&)>& sink);
std::string produce_keycloak(const InputFile& file, ByteSource& source, std::uint64_t skip_before, std::size_t max_record_bytes,
                             const std::function<void(Item&&)>& sink);

}  // namespace janua::migration
