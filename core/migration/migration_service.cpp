#include "core/migration/migration_service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/db/atomically.hpp"
#include "core/jobs/enqueue.hpp"
#include "core/jobs/worker.hpp"
#include "core/migration/auth0_records.hpp"
#include "core/migration/json_stream.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>

namespace janua::migration {
namespace {

using db::Statement;

constexpr Statement k_put_chunk{"migration_upload_put", "INSERT INTO migration_uploads (job_id, seq, data) VALUES ($1, $2, $3)"};
constexpr Statement k_get_chunk{"migration_upload_get", "SELECT data FROM migration_uploads WHERE job_id = $1 AND seq = $2"};

// SHA-256 of a file, streamed.
std::string file_digest(const std::string& path, std::uint64_t& bytes) {
    auto source = open_file(path);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::vector<char> buffer(1 << 20);
    bytes = 0;
    for (std::size_t n; (n = source->read(buffer.data(), buffer.size())) > 0;) {
        EVP_DigestUpdate(ctx, buffer.data(), n);
        bytes += n;
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, out, &length);
    EVP_MD_CTX_free(ctx);
    return crypto::hex_encode(std::string(reinterpret_cast<const char*>(out), length));
}

std::vector<InputFile> upload_inputs(db::Pool& pool, const jobs_store::JobRow& job) {
    std::vector<InputFile> inputs;
    const auto& f = job.files.at(0);
    InputFile input;
    input.name = f.value("name", "upload");
    input.bytes = f.value("bytes", 0ULL);
    input.kind = f.value("kind", "users");
    const std::string id = job.id;
    input.open = [&pool, id]() {
        return chunked([&pool, id](int seq) -> std::optional<std::string> {
            return pool.transact([&](db::Transaction& tx) -> std::optional<std::string> {
                auto r = tx.exec(k_get_chunk, id, seq);
                if (r.empty()) return std::nullopt;
                return pqxx::binarystring(r[0][0]).str();
            });
        });
    };
    inputs.push_back(std::move(input));
    return inputs;
}

// Whether a file's first record is from Auth0's password-hash export.
bool is_password_export(const std::string& path) {
    try {
        auto source = decompressing(open_file(path));
        RecordReader reader(*source, 1 << 20);
        RawRecord first;
        if (!reader.next(first) || !first.error.empty()) return false;
        auto parsed = nlohmann::json::parse(first.text, nullptr, false);
        return parsed.is_object() && auth0::classify(parsed) == auth0::Shape::password_export;
    } catch (const std::exception&) {
        return false;  // reported when the file is read for real
    }
}

Result<ImportOptions> stored_options(const jobs_store::JobRow& job) { return options_from_json(job.options); }

}  // namespace

Producer producer_for(const std::string& source, std::size_t max_record_bytes) {
    return [source, max_record_bytes](const InputFile& file, ByteSource& bytes, std::uint64_t skip_before,
                                      const std::function<void(Item&&)>& sink) {
        return source == "keycloak" ? produce_keycloak(file, bytes, skip_before, max_record_bytes, sink)
                                    : produce_auth0(file, bytes, skip_before, max_record_bytes, sink);
    };
}

MigrationService::MigrationService(db::Pool& pool, crypto::FernetKeyring keyring) : m_pool(pool), m_keyring(std::move(keyring)) {}

Result<LocalRun> MigrationService::run_local(const ImportOptions& options, const std::vector<LocalFile>& files, const Actor& actor,
                                             const Callbacks& callbacks) {
    if (files.empty()) return make_error(ErrorCode::validation, "give at least one file to import");
    // User files first, then password-hash exports (joined to those users), then organizations.
    auto rank = [](const LocalFile& f) {
        if (f.kind == "organizations") return 2;
        return f.kind == "users" && is_password_export(f.path) ? 1 : 0;
    };
    std::vector<LocalFile> ordered = files;
    std::stable_sort(ordered.begin(), ordered.end(), [&](const LocalFile& a, const LocalFile& b) { return rank(a) < rank(b); });

    std::vector<InputFile> inputs;
    nlohmann::json described = nlohmann::json::array();
    std::string fingerprint_input = options_json(options).dump();
    std::uint64_t total = 0;
    for (const auto& f : ordered) {
        std::uint64_t bytes = 0;
        std::string digest;
        try {
            digest = file_digest(f.path, bytes);
        } catch (const std::exception& e) {
            return make_error(ErrorCode::validation, e.what());
        }
        fingerprint_input += "|" + f.kind + ":" + digest;
        total += bytes;
        InputFile input;
        input.name = std::filesystem::path(f.path).filename().string();
        input.bytes = bytes;
        input.kind = f.kind;
        const std::string path = f.path;
        input.open = [path] { return open_file(path); };
        inputs.push_back(std::move(input));
        described.push_back({{"name", inputs.back().name}, {"bytes", bytes}, {"kind", f.kind}, {"sha256", digest}});
    }
    const std::string fingerprint = crypto::sha256_hex(fingerprint_input);

    LocalRun run;
    run.job.source = options.source;
    run.job.files = described;
    run.job.bytes_total = static_cast<std::int64_t>(total);
    if (!options.dry_run) {
        m_pool.transact([&](db::Transaction& tx) {
            if (auto previous = jobs_store::find_unfinished(tx, fingerprint)) {
                run.job = *previous;
                run.resumed = true;
                return;
            }
            const std::string id = jobs_store::create(tx, options.source, fingerprint, options_json(options), described,
                                                      static_cast<std::int64_t>(total), actor.id);
            auto event = job_event(actor, id, "migration.job_started");
            event.details = {{"source", options.source}, {"files", described}, {"options", options_json(options)}};
            audit::record(tx, event);
            run.job = *jobs_store::find(tx, id);
        });
    }
    Importer importer(m_pool, m_keyring, actor);
    run.result = importer.run(run.job, options, inputs, producer_for(options.source, options.max_record_bytes), callbacks);
    if (!options.dry_run) {
        m_pool.transact([&](db::Transaction& tx) { run.job = *jobs_store::find(tx, run.job.id); });
    }
    return run;
}

Result<jobs_store::JobRow> MigrationService::submit(const ImportOptions& options, const std::string& file_name, const std::string& kind,
                                                    const std::string& body, const Actor& actor) {
    if (body.empty()) return make_error(ErrorCode::validation, "the request body is empty: send the export file as the body");
    if (kind != "users" && kind != "organizations" && kind != "realm")
        return make_error(ErrorCode::validation, "kind must be users, organizations or realm");
    if ((kind == "realm") != (options.source == "keycloak"))
        return make_error(ErrorCode::validation, "a Keycloak import takes kind=realm; an Auth0 import users or organizations");
    if (options.organization) {
        auto org = m_pool.transact([&](db::Transaction& tx) { return find_organization(tx, *options.organization); });
        if (!org) return make_error(ErrorCode::validation, "organization '" + *options.organization + "' does not exist");
    }
    return db::atomically<jobs_store::JobRow>(m_pool, [&](db::Transaction& tx) -> Result<jobs_store::JobRow> {
        const nlohmann::json files = nlohmann::json::array({{{"name", file_name}, {"bytes", body.size()}, {"kind", kind}}});
        // Uploads are never resumed by fingerprint: each POST is its own job (idempotency holds anyway).
        const std::string id = jobs_store::create(tx, options.source, "upload:" + crypto::sha256_hex(body), options_json(options), files,
                                                  static_cast<std::int64_t>(body.size()), actor.id);
        for (std::size_t at = 0, seq = 0; at < body.size(); at += k_upload_chunk_bytes, ++seq)
            tx.exec(k_put_chunk, id, static_cast<int>(seq), pqxx::binarystring(body.data() + at, std::min(k_upload_chunk_bytes, body.size() - at)));
        auto queued = jobs::enqueue(tx, jobs::NewJob{k_job_kind, {{"migration_job_id", id}}, 20, std::chrono::milliseconds(0)});
        if (!queued) return queued.error();
        auto event = job_event(actor, id, "migration.job_started");
        event.details = {{"source", options.source}, {"files", files}, {"options", options_json(options)}};
        audit::record(tx, event);
        return *jobs_store::find(tx, id);
    });
}

Result<nlohmann::json> MigrationService::describe(const std::string& job_id, int error_limit) {
    if (!is_uuid(job_id)) return make_error(ErrorCode::not_found, "no migration job with this id");
    return m_pool.transact([&](db::Transaction& tx) -> Result<nlohmann::json> {
        auto job = jobs_store::find(tx, job_id);
        if (!job) return make_error(ErrorCode::not_found, "no migration job with this id");
        auto out = jobs_store::to_json(*job);
        nlohmann::json errors = nlohmann::json::array();
        for (const auto& e : jobs_store::errors(tx, job_id, error_limit)) errors.push_back(jobs_store::to_json(e));
        out["errors"] = errors;
        out["error_count"] = jobs_store::error_count(tx, job_id);
        return out;
    });
}

Status MigrationService::run_queued(const std::string& job_id, std::chrono::milliseconds budget) {
    auto job = m_pool.transact([&](db::Transaction& tx) { return jobs_store::find(tx, job_id); });
    if (!job) return make_error(ErrorCode::validation, "the migration job no longer exists");
    if (job->status == "completed" || job->status == "failed") return Ok{};
    auto options = stored_options(*job);
    if (!options) return make_error(ErrorCode::validation, "the migration job has invalid options");
    // One runner at a time per job: a second claim (an expired lease) waits for the lock.
    auto lease = m_pool.acquire();
    pqxx::nontransaction lock_tx(lease.connection());
    const std::string lock_key = "migration:" + job_id;
    if (!lock_tx.exec_params1("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", lock_key)[0].as<bool>())
        return make_error(ErrorCode::unavailable, "the migration job is running elsewhere");
    struct Unlock {
        pqxx::nontransaction& tx;
        const std::string& key;
        ~Unlock() {
            try {
                tx.exec_params("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key);
            } catch (...) {
            }
        }
    } unlock{lock_tx, lock_key};
    const auto deadline = std::chrono::steady_clock::now() + budget;
    Callbacks callbacks;
    callbacks.should_pause = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
    Actor actor{"user", job->created_by, "", ""};
    if (!job->created_by) actor.type = "system";
    Importer importer(m_pool, m_keyring, actor);
    auto result = importer.run(*job, *options, upload_inputs(m_pool, *job), producer_for(options->source, options->max_record_bytes), callbacks);
    if (result.status == "paused") {
        m_pool.transact([&](db::Transaction& tx) {
            (void)jobs::enqueue(tx, jobs::NewJob{k_job_kind, {{"migration_job_id", job_id}}, 20, std::chrono::milliseconds(0)});
        });
    }
    return Ok{};
}

void MigrationService::register_handler(jobs::Worker& worker) {
    worker.on(k_job_kind, [this](const jobs::Job& job) -> Status {
        if (!job.payload.contains("migration_job_id") || !job.payload["migration_job_id"].is_string())
            return make_error(ErrorCode::validation, "malformed migration job payload");
        // Slices well inside the worker's lease (5 minutes): the next slice is a new queued job.
        return run_queued(job.payload["migration_job_id"].get<std::string>(), std::chrono::seconds(60));
    });
}

}  // namespace janua::migration
