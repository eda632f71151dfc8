#include "cli/command_table.hpp"
#include "core/db/migrations.hpp"

namespace janua::cli {
namespace {

nlohmann::json status_json(const std::vector<db::MigrationStatus>& statuses) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& s : statuses) {
        rows.push_back({{"version", s.version},
                        {"name", s.name},
                        {"state", db::migration_state_name(s.state)},
                        {"applied_at", s.applied_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.applied_at)}});
    }
    return rows;
}

int db_status(CliContext& ctx) {
    const auto* cfg = ctx.config();
    if (!cfg) return exit_usage;
    db::Migrator migrator(cfg->database_url, db::builtin_migrations(), cfg->database_connect_timeout_seconds);
    auto statuses = migrator.status();
    if (!statuses) return ctx.fail(statuses.error());
    int pending = 0;
    for (const auto& s : *statuses) pending += s.state == db::MigrationState::pending;
    const auto problem = db::check_history(*statuses);
    if (ctx.format() == OutputFormat::table) {
        ctx.print(status_json(*statuses), {{"version", "VERSION"}, {"name", "NAME"}, {"state", "STATE"}, {"applied_at", "APPLIED AT"}});
        if (problem) ctx.note(problem->message);
        else if (pending) ctx.note(std::to_string(pending) + " pending: run 'janua db migrate'");
        else ctx.note("schema is current");
    } else {
        ctx.print({{"current", !problem && pending == 0},
                   {"pending", pending},
                   {"problem", problem ? nlohmann::json(problem->message) : nlohmann::json(nullptr)},
                   {"migrations", status_json(*statuses)}});
    }
    return problem ? exit_conflict : static_cast<int>(exit_ok);
}

int db_migrate(CliContext& ctx) {
    const auto* cfg = ctx.config();
    if (!cfg) return exit_usage;
    db::Migrator migrator(cfg->database_url, db::builtin_migrations(), cfg->database_connect_timeout_seconds);
    auto report = migrator.migrate([&](const db::Migration& m) { ctx.note("applying " + m.file_name); });
    if (!report) return ctx.fail(report.error());
    if (ctx.format() == OutputFormat::table) {
        ctx.note(report->applied_now.empty() ? "schema already current (" + std::to_string(report->already_applied) + " applied)"
                                             : "applied " + std::to_string(report->applied_now.size()) + " migration(s)");
        return exit_ok;
    }
    return ctx.print({{"applied", status_json(report->applied_now)}, {"already_applied", report->already_applied}});
}

}  // namespace

void add_db_commands(CommandTable& table) {
    table.noun("db", "Database schema: migrate, status");
    auto& migrate = table.add("db", "migrate", "Apply pending migrations (safe to run concurrently and repeatedly)");
    migrate.example = "janua db migrate --database-url postgresql://janua@localhost/janua";
    migrate.run = db_migrate;
    auto& status = table.add("db", "status", "Show applied and pending migrations; exit 4 if an applied file changed");
    status.example = "janua db status --output json";
    status.run = db_status;
}

}  // namespace janua::cli
