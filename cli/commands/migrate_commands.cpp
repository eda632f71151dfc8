// janua migrate auth0|keycloak|status: import users, organizations and roles from Auth0 or a
// Keycloak realm export. Direct mode runs the import here (resumable, checkpointed per batch);
// remote mode uploads each file to januad's /api/v1/migration/jobs and follows the job.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/migration/migration_service.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

namespace janua::cli {
namespace {

struct MigrateArgs {
    std::vector<std::string> files;
    std::string realm_file, organizations, org, on_conflict = "skip", report, job;
    bool dry_run = false;
    int batch_size = 500;
};

std::string duration(double seconds) {
    if (seconds < 0 || seconds > 1e7) return "--:--";
    const long s = static_cast<long>(seconds);
    std::ostringstream out;
    if (s >= 3600) out << s / 3600 << ':' << std::setw(2) << std::setfill('0') << (s % 3600) / 60 << ':' << std::setw(2) << s % 60;
    else out << s / 60 << ':' << std::setw(2) << std::setfill('0') << s % 60;
    return out.str();
}

// A progress bar with rate and ETA on a terminal; nothing otherwise (a summary line follows).
class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : m_enabled(enabled), m_start(std::chrono::steady_clock::now()) {}
    void update(std::uint64_t done, std::uint64_t total, std::int64_t records) {
        if (!m_enabled) return;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        const double fraction = total ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
        const double rate = elapsed > 0 ? static_cast<double>(records) / elapsed : 0;
        const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : -1;
        const int width = 30, filled = static_cast<int>(fraction * width);
        std::fprintf(stderr, "\r[%s%s] %5.1f%%  %lld records  %.0f/s  ETA %s ", std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), fraction * 100, static_cast<long long>(records), rate, duration(eta).c_str());
        std::fflush(stderr);
        m_drawn = true;
    }
    void done() {
        if (m_drawn) std::fputs("\n", stderr);
    }

private:
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
};

// --report FILE: one JSON object per skipped or failed record (NDJSON).
class ReportFile {
public:
    explicit ReportFile(const std::string& path) {
        if (!path.empty()) m_out.open(path, std::ios::trunc);
    }
    bool ok(const std::string& path) const { return path.empty() || m_out.good(); }
    void write(const nlohmann::json& entry) {
        if (m_out.is_open()) m_out << entry.dump() << '\n';
    }

private:
    std::ofstream m_out;
};

Result<migration::ImportOptions> options_of(const MigrateArgs& a, const std::string& source) {
    nlohmann::json body = {{"source", source}, {"dry_run", a.dry_run}, {"batch_size", a.batch_size}, {"on_conflict", a.on_conflict}};
    if (!a.org.empty()) body["organization"] = a.org;
    return migration::options_from_json(body);
}

std::string summary_line(const nlohmann::json& job, const std::string& report) {
    const auto& s = job["summary"];
    std::ostringstream out;
    out << (job.value("dry_run", false) ? "validated " : "imported ") << s.value("processed", 0) << " records: " << s.value("inserted", 0)
        << " inserted, " << s.value("updated", 0) << " updated, " << s.value("unchanged", 0) << " unchanged, " << s.value("failed", 0)
        << " failed";
    if (job.contains("status") && job["status"] != "completed") out << " (" << job["status"].get<std::string>() << ")";
    if (!report.empty() && s.value("failed", 0) > 0) out << "; see " << report;
    return out.str();
}

int run_direct(CliContext& ctx, const MigrateArgs& a, const std::string& source, const std::vector<migration::LocalFile>& files) {
    auto options = options_of(a, source);
    if (!options) return ctx.fail(options.error());
    const auto* cfg = ctx.config();
    if (!cfg) return exit_usage;
    ReportFile report(a.report);
    if (!report.ok(a.report)) return ctx.fail("cannot write the report file '" + a.report + "'", exit_usage);
    ProgressBar bar(!ctx.options().quiet && ::isatty(STDERR_FILENO));
    try {
        DirectServices services(*cfg);
        migration::MigrationService service(services.pool(), crypto::make_field_keyring(cfg->field_encryption_keys, cfg->secret_key));
        migration::Callbacks callbacks;
        callbacks.progress = [&](const migration::Progress& p) { bar.update(p.bytes_done, p.bytes_total, p.counts.processed); };
        callbacks.report = [&](const migration::jobs_store::ErrorRow& e) { report.write(migration::jobs_store::to_json(e)); };
        auto run = service.run_local(*options, files, migration::Actor{"system", std::string("janua-cli"), "", ""}, callbacks);
        bar.done();
        if (!run) return ctx.fail(run.error());
        if (run->resumed) ctx.note("resumed the interrupted import " + run->job.id);
        nlohmann::json out = migration::jobs_store::to_json(run->job);
        if (options->dry_run) {
            out["status"] = run->result.status;
            out["dry_run"] = true;
            out["summary"] = {{"processed", run->result.counts.processed}, {"inserted", run->result.counts.inserted},
                              {"updated", run->result.counts.updated},     {"unchanged", run->result.counts.unchanged},
                              {"failed", run->result.counts.failed}};
        }
        if (run->result.error) out["error"] = *run->result.error;
        if (!ctx.options().quiet) ctx.err() << summary_line(out, a.report) << '\n';
        const int printed = ctx.print(out);
        if (run->result.status != "completed") return ctx.fail(run->result.error.value_or("the import did not complete"));
        return printed;
    } catch (const db::DatabaseUnavailable& e) {
        bar.done();
        return ctx.fail(make_error(ErrorCode::unavailable, e.what()));
    }
}

std::string read_whole(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = in.good();
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Upload each file as its own job (users before organizations) and follow it to the end.
int run_remote(CliContext& ctx, const MigrateArgs& a, const std::string& source, const std::vector<migration::LocalFile>& files) {
    ReportFile report(a.report);
    if (!report.ok(a.report)) return ctx.fail("cannot write the report file '" + a.report + "'", exit_usage);
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& f : files) {
        bool ok = false;
        const std::string body = read_whole(f.path, ok);
        if (!ok) return ctx.fail("cannot read '" + f.path + "'", exit_usage);
        std::string path = "/api/v1/migration/jobs?source=" + source + "&kind=" + f.kind + "&on_conflict=" + a.on_conflict +
                           "&batch_size=" + std::to_string(a.batch_size) + "&dry_run=" + (a.dry_run ? "true" : "false") +
                           "&name=" + url_encode(f.path.substr(f.path.find_last_of('/') + 1));
        if (!a.org.empty()) path += "&organization=" + url_encode(a.org);
        auto created = remote_upload(ctx.remote_target(), path, body, "application/octet-stream");
        if (!created) return ctx.fail(created.error());
        const std::string id = (*created)["id"];
        ProgressBar bar(!ctx.options().quiet && ::isatty(STDERR_FILENO));
        nlohmann::json job;
        for (;;) {
            auto got = ctx.call("GET", "/api/v1/migration/jobs/" + id + "?errors_limit=10000");
            if (!got) {
                bar.done();
                return ctx.fail(got.error());
            }
            job = *got;
            bar.update(job["progress"].value("bytes_done", 0ULL), job["progress"].value("bytes_total", 0ULL),
                       job["summary"].value("processed", 0LL));
            if (job["status"] == "completed" || job["status"] == "failed") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        bar.done();
        for (const auto& e : job.value("errors", nlohmann::json::array())) report.write(e);
        if (!ctx.options().quiet) ctx.err() << f.path << ": " << summary_line(job, a.report) << '\n';
        job.erase("errors");
        jobs.push_back(job);
        if (job["status"] == "failed") {
            ctx.print(jobs.size() == 1 ? jobs[0] : nlohmann::json{{"jobs", jobs}});
            return ctx.fail(job.value("error", nlohmann::json("the import failed")).is_string() ? job["error"].get<std::string>() : "the import failed");
        }
    }
    return ctx.print(jobs.size() == 1 ? jobs[0] : nlohmann::json{{"jobs", jobs}});
}

void common_options(CommandSpec& cmd, MigrateArgs& a) {
    cmd.option("--org", &a.org, "put every imported user in this organization (id or slug; it must exist)")
        .flag("--dry-run", &a.dry_run, "validate everything and report problems; write nothing")
        .option("--batch-size", &a.batch_size, "records per transaction and checkpoint (default 500, at most 10000)")
        .choice("--on-conflict", &a.on_conflict, {"skip", "update", "fail"},
                "when a user already exists: skip it (report CONFLICT_EMAIL), update it, or stop the import")
        .option("--report", &a.report, "write every skipped or failed record (file, line, code, reason) to FILE as NDJSON");
}

}  // namespace

void add_migrate_commands(CommandTable& table) {
    table.noun("migrate", "Import users, organizations and roles from Auth0 or Keycloak");
    auto a = std::make_shared<MigrateArgs>();

    auto& auth0 = table.add("migrate", "auth0",
                            "Import Auth0 users: bulk-import JSON arrays, user-export NDJSON (gzip or not) and the "
                            "password-hash export, joined on user_id; users sign in with their Auth0 passwords");
    auth0.option("files", &a->files, "Auth0 files to import (any of the three shapes, in any order)");
    auth0.option("--organizations", &a->organizations,
                 "an Auth0 organizations export (JSON array or NDJSON of {name, display_name, members[{user_id, roles}], roles})");
    common_options(auth0, *a);
    auth0.example = "janua migrate auth0 users.ndjson.gz password-hashes.json --organizations orgs.json --report problems.ndjson";
    auth0.run = [a](CliContext& ctx) {
        std::vector<migration::LocalFile> files;
        for (const auto& f : a->files) files.push_back({f, "users"});
        if (!a->organizations.empty()) files.push_back({a->organizations, "organizations"});
        if (files.empty()) return ctx.fail("give the Auth0 files to import (e.g. janua migrate auth0 users.json)", exit_usage);
        return ctx.remote() ? run_remote(ctx, *a, "auth0", files) : run_direct(ctx, *a, "auth0", files);
    };

    auto& keycloak = table.add("migrate", "keycloak",
                               "Import a Keycloak realm export: users with their pbkdf2/argon2 passwords, groups and roles as "
                               "organizations and roles, OIDC clients with their redirect URIs");
    keycloak.option("realm", &a->realm_file, "the realm export (kc.sh export --realm NAME --file FILE)", true);
    common_options(keycloak, *a);
    keycloak.example = "janua migrate keycloak acme-realm.json --report problems.ndjson";
    keycloak.run = [a](CliContext& ctx) {
        std::vector<migration::LocalFile> files = {{a->realm_file, "realm"}};
        return ctx.remote() ? run_remote(ctx, *a, "keycloak", files) : run_direct(ctx, *a, "keycloak", files);
    };

    auto& status = table.add("migrate", "status", "Show an import job: progress, counts and the first problems");
    status.option("job", &a->job, "the job id (printed by migrate auth0|keycloak)", true);
    status.run = [a](CliContext& ctx) {
        return run_either(
            ctx,
            [&](DirectServices& services) -> Result<nlohmann::json> {
                const auto* cfg = ctx.config();
                migration::MigrationService service(services.pool(), crypto::make_field_keyring(cfg->field_encryption_keys, cfg->secret_key));
                return service.describe(a->job, 100);
            },
            [&] { return ctx.call("GET", "/api/v1/migration/jobs/" + url_encode(a->job)); });
    };
}

}  // namespace janua::cli
