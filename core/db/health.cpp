#include "core/db/health.hpp"

#include "core/db/migrations.hpp"

#include <chrono>

namespace janua::db {
namespace {

constexpr Statement k_read_history{
    "health_read_history",
    "SELECT version, name, checksum, '' FROM schema_migrations ORDER BY version"};
constexpr Statement k_history_exists{"health_history_exists", "SELECT to_regclass('schema_migrations') IS NOT NULL"};

}  // namespace

DatabaseHealth check_database(Pool& pool) {
    DatabaseHealth health;
    const auto start = std::chrono::steady_clock::now();
    try {
        std::vector<AppliedMigration> applied;
        pool.transact([&](Transaction& tx) {
            if (!tx.exec(k_history_exists)[0][0].as<bool>()) return;
            for (const auto& row : tx.exec(k_read_history))
                applied.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(), ""});
        });
        health.reachable = true;
        const auto statuses = compare(builtin_migrations(), applied);
        if (auto problem = check_history(statuses)) {
            health.problem = problem->message;
        }
        for (const auto& s : statuses) {
            if (s.state == MigrationState::applied) ++health.applied;
            if (s.state == MigrationState::pending) ++health.pending;
        }
        if (health.problem.empty() && health.pending > 0)
            health.problem = std::to_string(health.pending) + " migration(s) pending; run 'janua db migrate'";
        health.schema_current = health.problem.empty();
    } catch (const DatabaseUnavailable& e) {
        health.problem = "database unreachable";
    } catch (const pqxx::failure& e) {
        health.problem = "database error";
    }
    health.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return health;
}

}  // namespace janua::db
