#include "core/migration/importer.hpp"

#include "core/audit/audit.hpp"
#include "core/db/atomically.hpp"

namespace janua::migration {
namespace {

const char* conflict_name(OnConflict c) { return c == OnConflict::update ? "update" : c == OnConflict::fail ? "fail" : "skip"; }

struct BatchOutcome {
    jobs_store::Counts counts;
    std::vector<jobs_store::ErrorRow> errors;
    std::uint64_t next_record = 0;  // checkpoint after this batch
    bool aborted = false;
    std::string abort_reason;
};

// A dry run's writes are undone; this carries the outcome out of the rolled-back transaction.
struct DryRunRollback {};

}  // namespace

nlohmann::json options_json(const ImportOptions& o) {
    return {{"source", o.source},
            {"organization", o.organization ? nlohmann::json(*o.organization) : nlohmann::json(nullptr)},
            {"dry_run", o.dry_run},
            {"batch_size", o.batch_size},
            {"on_conflict", conflict_name(o.on_conflict)}};
}

Result<ImportOptions> options_from_json(const nlohmann::json& body) {
    ImportOptions o;
    auto invalid = [](const std::string& field, const std::string& message) {
        Error e = make_error(ErrorCode::validation, field + " " + message);
        e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
        return e;
    };
    if (body.contains("source")) {
        if (!body["source"].is_string() || (body["source"] != "auth0" && body["source"] != "keycloak"))
            return invalid("source", "must be auth0 or keycloak");
        o.source = body["source"].get<std::string>();
    }
    if (body.contains("organization") && !body["organization"].is_null()) {
        if (!body["organization"].is_string() || body["organization"].get<std::string>().empty())
            return invalid("organization", "must be an organization id or slug");
        o.organization = body["organization"].get<std::string>();
    }
    if (body.contains("dry_run")) {
        if (!body["dry_run"].is_boolean()) return invalid("dry_run", "must be a boolean");
        o.dry_run = body["dry_run"].get<bool>();
    }
    if (body.contains("batch_size")) {
        if (!body["batch_size"].is_number_integer() || body["batch_size"].get<long long>() < 1 || body["batch_size"].get<long long>() > 10000)
            return invalid("batch_size", "must be an integer from 1 to 10000");
        o.batch_size = body["batch_size"].get<int>();
    }
    if (body.contains("on_conflict")) {
        const auto& c = body["on_conflict"];
        if (c == "skip") o.on_conflict = OnConflict::skip;
        else if (c == "update") o.on_conflict = OnConflict::update;
        else if (c == "fail") o.on_conflict = OnConflict::fail;
        else return invalid("on_conflict", "must be skip, update or fail");
    }
    return o;
}

audit::Event job_event(const Actor& actor, const std::string& job_id, std::string action) {
    audit::Event event;
    event.action = std::move(action);
    event.actor_type = actor.type;
    event.actor_id = actor.id;
    event.ip_address = actor.ip;
    event.request_id = actor.request_id;
    event.target_type = "migration_job";
    event.target_id = job_id;
    return event;
}

Importer::Importer(db::Pool& pool, const crypto::FernetKeyring& keyring, Actor actor)
    : m_pool(pool), m_keyring(keyring), m_actor(std::move(actor)) {}

RunResult Importer::run(const jobs_store::JobRow& job, const ImportOptions& options, const std::vector<InputFile>& files,
                        const Producer& producer, const Callbacks& callbacks) {
    const bool persisted = !job.id.empty();
    WriteContext ctx;
    ctx.source = options.source;
    ctx.job_id = job.id;
    ctx.on_conflict = options.on_conflict;
    ctx.keyring = &m_keyring;
    RunResult run{"completed", job.counts, std::nullopt};
    if (options.organization) {
        auto org = m_pool.transact([&](db::Transaction& tx) { return find_organization(tx, *options.organization); });
        if (!org) {
            run.status = "failed";
            run.error = "organization '" + *options.organization + "' does not exist; create it first with janua org create";
            if (persisted) m_pool.transact([&](db::Transaction& tx) { jobs_store::finish(tx, job.id, "failed", run.error); });
            return run;
        }
        ctx.organization_id = *org;
    }
    if (persisted) m_pool.transact([&](db::Transaction& tx) { jobs_store::mark_running(tx, job.id); });

    std::uint64_t bytes_before = 0;
    for (int f = 0; f < job.checkpoint_file && f < static_cast<int>(files.size()); ++f) bytes_before += files[f].bytes;
    const std::uint64_t bytes_total = [&] {
        std::uint64_t t = 0;
        for (const auto& file : files) t += file.bytes;
        return t;
    }();

    bool stop = false;
    for (int f = job.checkpoint_file; f < static_cast<int>(files.size()) && !stop; ++f) {
        const InputFile& file = files[f];
        const std::uint64_t skip_before = f == job.checkpoint_file ? static_cast<std::uint64_t>(job.checkpoint_record) : 0;
        std::unique_ptr<ByteSource> source;
        try {
            source = decompressing(file.open());
        } catch (const std::exception& e) {
            run.status = "failed";
            run.error = e.what();
            break;
        }
        std::vector<Item> batch;
        std::uint64_t next_record = skip_before;

        auto flush = [&]() {
            if (batch.empty()) return;
            BatchOutcome out;
            out.next_record = next_record;
            auto work = [&](db::Transaction& tx) {
                // Plainly new users (the bulk of a first import) are inserted with two statements
                // for the whole batch; a refusal there sends them all the careful way below.
                std::vector<std::optional<std::string>> fast_id(batch.size());
                {
                    std::vector<const ImportUser*> users;
                    std::vector<std::size_t> at;
                    for (std::size_t i = 0; i < batch.size(); ++i)
                        if (!batch[i].refused && batch[i].user) {
                            users.push_back(&*batch[i].user);
                            at.push_back(i);
                        }
                    if (!users.empty()) {
                        const auto fresh = plainly_new(tx, ctx, users);
                        std::vector<const ImportUser*> chosen;
                        std::vector<std::size_t> chosen_at;
                        std::vector<std::string> keys;
                        for (std::size_t k = 0; k < users.size(); ++k)
                            if (fresh[k]) {
                                chosen.push_back(users[k]);
                                chosen_at.push_back(at[k]);
                                keys.push_back(std::to_string(f) + ":" + std::to_string(batch[at[k]].record));
                            }
                        if (!chosen.empty()) {
                            tx.exec_sql("SAVEPOINT import_bulk");
                            try {
                                const auto ids = insert_new_users(tx, ctx, chosen, keys);
                                tx.exec_sql("RELEASE SAVEPOINT import_bulk");
                                for (std::size_t k = 0; k < ids.size(); ++k) fast_id[chosen_at[k]] = ids[k];
                            } catch (const pqxx::sql_error&) {
                                tx.exec_sql("ROLLBACK TO SAVEPOINT import_bulk");
                            }
                        }
                    }
                }
                for (std::size_t index = 0; index < batch.size(); ++index) {
                    const Item& item = batch[index];
                    const std::string key = std::to_string(f) + ":" + std::to_string(item.record);
                    WriteResult result;
                    const bool plain_fast = fast_id[index] && item.user->identities.empty() && !item.user->totp_secret && !ctx.organization_id;
                    if (item.refused) {
                        result = WriteResult{Outcome::refused, item.problem, false, {}};
                    } else if (plain_fast) {
                        result.outcome = Outcome::inserted;
                    } else if (fast_id[index]) {
                        tx.exec_sql("SAVEPOINT import_record");
                        result.outcome = Outcome::inserted;
                        add_user_extras(tx, ctx, *item.user, *fast_id[index], result);
                        tx.exec_sql("RELEASE SAVEPOINT import_record");
                    } else {
                        tx.exec_sql("SAVEPOINT import_record");
                        try {
                            result = item.user ? write_user(tx, ctx, *item.user, key) : item.action(tx, ctx, key);
                            tx.exec_sql("RELEASE SAVEPOINT import_record");
                        } catch (const nlohmann::json::exception&) {
                            // A member of an unexpected type deep in a record: refuse the record, not the import.
                            tx.exec_sql("ROLLBACK TO SAVEPOINT import_record");
                            result = WriteResult{Outcome::refused, Problem{"INVALID_TYPE", "", "a member of the record has an unexpected type"}, false, {}};
                        } catch (const pqxx::sql_error& e) {
                            tx.exec_sql("ROLLBACK TO SAVEPOINT import_record");
                            const bool unique = e.sqlstate() == "23505";
                            result = WriteResult{Outcome::refused,
                                                 Problem{unique ? "CONFLICT" : "INVALID_TYPE", "",
                                                         unique ? "the record conflicts with an existing user (unique value)"
                                                                : "the database refused the record's values"},
                                                 false,
                                                 {}};
                        }
                    }
                    auto note = [&](const Problem& p, const char* severity) {
                        out.errors.push_back(jobs_store::ErrorRow{file.name, static_cast<std::int64_t>(item.line),
                                                                  static_cast<std::int64_t>(item.record), p.code, p.field,
                                                                  p.reason, item.external_id, severity});
                    };
                    if (item.user)
                        for (const auto& w : item.user->warnings) note(w, "warning");
                    for (const auto& w : result.warnings) note(w, "warning");
                    switch (result.outcome) {
                        case Outcome::inserted: ++out.counts.inserted; break;
                        case Outcome::updated: ++out.counts.updated; break;
                        case Outcome::unchanged: ++out.counts.unchanged; break;
                        case Outcome::refused:
                            ++out.counts.failed;
                            note(result.problem, "error");
                            break;
                    }
                    ++out.counts.processed;
                    if (result.abort) {
                        out.aborted = true;
                        out.abort_reason = "stopped at " + file.name + " line " + std::to_string(item.line) + ": " + result.problem.reason;
                        out.next_record = item.record + 1;
                        break;
                    }
                }
                const std::uint64_t bytes_done = bytes_before + source->consumed();
                auto bookkeeping = [&](db::Transaction& t) {
                    for (const auto& e : out.errors) jobs_store::add_error(t, job.id, e);
                    jobs_store::checkpoint(t, job.id, f, static_cast<std::int64_t>(out.next_record),
                                           static_cast<std::int64_t>(std::min(bytes_done, bytes_total)), out.counts);
                    auto event = job_event(m_actor, job.id, options.dry_run ? "migration.batch_validated" : "migration.batch_imported");
                    event.details = {{"source", options.source},
                                     {"file", file.name},
                                     {"first_record", batch.empty() ? 0 : batch.front().record},
                                     {"next_record", out.next_record},
                                     {"inserted", out.counts.inserted},
                                     {"updated", out.counts.updated},
                                     {"unchanged", out.counts.unchanged},
                                     {"failed", out.counts.failed}};
                    audit::record(t, event);
                };
                if (options.dry_run) throw DryRunRollback{};
                if (persisted) bookkeeping(tx);
            };
            try {
                m_pool.transact(work);
            } catch (const DryRunRollback&) {
                // The users' writes are gone; a stored dry-run job still records what it found.
                if (persisted)
                    m_pool.transact([&](db::Transaction& tx) {
                        for (const auto& e : out.errors) jobs_store::add_error(tx, job.id, e);
                        jobs_store::checkpoint(tx, job.id, f, static_cast<std::int64_t>(out.next_record),
                                               static_cast<std::int64_t>(std::min(bytes_before + source->consumed(), bytes_total)),
                                               out.counts);
                    });
            }
            run.counts += out.counts;
            if (callbacks.report)
                for (const auto& e : out.errors) callbacks.report(e);
            batch.clear();
            if (callbacks.progress) callbacks.progress(Progress{std::min(bytes_before + source->consumed(), bytes_total), bytes_total, run.counts});
            if (out.aborted) {
                run.status = "failed";
                run.error = out.abort_reason;
                stop = true;
            } else if (callbacks.should_pause && callbacks.should_pause()) {
                run.status = "paused";
                stop = true;
            }
        };

        std::string read_error;
        try {
            read_error = producer(file, *source, skip_before, [&](Item&& item) {
                if (stop) return;
                next_record = item.record + 1;
                batch.push_back(std::move(item));
                if (static_cast<int>(batch.size()) >= options.batch_size) flush();
            });
        } catch (const db::DatabaseUnavailable&) {
            throw;
        } catch (const std::runtime_error& e) {
            read_error = e.what();  // unreadable or corrupt input (e.g. truncated gzip)
        }
        if (!stop) flush();
        if (stop) break;
        if (!read_error.empty()) {
            run.status = "failed";
            run.error = file.name + ": " + read_error;
            break;
        }
        bytes_before += file.bytes;
        if (f + 1 < static_cast<int>(files.size()) && persisted)
            m_pool.transact([&](db::Transaction& tx) {
                jobs_store::checkpoint(tx, job.id, f + 1, 0, static_cast<std::int64_t>(bytes_before), jobs_store::Counts{});
            });
    }
    if (persisted && run.status != "paused")
        m_pool.transact([&](db::Transaction& tx) {
            jobs_store::finish(tx, job.id, run.status, run.error);
            auto event = job_event(m_actor, job.id, run.status == "completed" ? "migration.job_completed" : "migration.job_failed");
            event.outcome = run.status == "completed" ? "success" : "failure";
            event.details = {{"source", options.source},
                             {"dry_run", options.dry_run},
                             {"processed", run.counts.processed},
                             {"inserted", run.counts.inserted},
                             {"updated", run.counts.updated},
                             {"unchanged", run.counts.unchanged},
                             {"failed", run.counts.failed}};
            if (run.error) event.details["error"] = *run.error;
            audit::record(tx, event);
        });
    return run;
}

}  // namespace janua::migration
