#include "core/db/migrations.hpp"

#include "core/crypto/hash.hpp"
#include "core/db/pool.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

namespace janua::db {
namespace {

// Any constant works as long as every Janua process uses the same one ("JANUA" in ASCII).
constexpr long long k_migration_lock_key = 0x4A414E5541LL;

constexpr const char* k_create_history = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
))sql";

constexpr const char* k_history_exists = "SELECT to_regclass('schema_migrations') IS NOT NULL";

constexpr const char* k_select_history =
    "SELECT version, name, checksum, "
    "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM schema_migrations ORDER BY version";

constexpr const char* k_record_applied = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

std::vector<AppliedMigration> read_history(pqxx::transaction_base& tx) {
    std::vector<AppliedMigration> applied;
    for (const auto& row : tx.exec(k_select_history)) {
        applied.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(),
                           row[3].as<std::string>()});
    }
    return applied;
}

Error database_error(const std::exception& e) {
    return make_error(ErrorCode::unavailable, std::string("database error: ") + e.what());
}

}  // namespace

const char* migration_state_name(MigrationState state) {
    switch (state) {
        case MigrationState::applied: return "applied";
        case MigrationState::pending: return "pending";
        case MigrationState::changed: return "changed";
        case MigrationState::unknown: return "unknown";
    }
    return "unknown";
}

Result<std::vector<Migration>> load_migrations(const std::vector<MigrationSource>& sources) {
    static const std::regex pattern(R"(^(\d{4})_([a-z0-9_]+)\.sql$)");
    std::vector<Migration> migrations;
    std::set<int> versions;
    for (const auto& source : sources) {
        std::smatch match;
        if (!std::regex_match(source.file_name, match, pattern)) {
            return make_error(ErrorCode::validation,
                              "migration file '" + source.file_name + "' is not named NNNN_lower_case_name.sql");
        }
        const int version = std::stoi(match[1].str());
        if (version == 0 || !versions.insert(version).second) {
            return make_error(ErrorCode::validation,
                              "migration file '" + source.file_name + "' reuses or misuses number " + match[1].str());
        }
        migrations.push_back({version, match[2].str(), source.file_name, source.sql, crypto::sha256_hex(source.sql)});
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return migrations;
}

std::vector<MigrationStatus> compare(const std::vector<Migration>& available,
                                     const std::vector<AppliedMigration>& applied) {
    std::map<int, const AppliedMigration*> by_version;
    for (const auto& a : applied) by_version[a.version] = &a;
    std::vector<MigrationStatus> statuses;
    for (const auto& m : available) {
        auto it = by_version.find(m.version);
        if (it == by_version.end()) {
            statuses.push_back({m.version, m.name, MigrationState::pending, ""});
        } else {
            const bool same = it->second->checksum == m.checksum;
            statuses.push_back({m.version, m.name, same ? MigrationState::applied : MigrationState::changed,
                                it->second->applied_at});
            by_version.erase(it);
        }
    }
    for (const auto& [version, a] : by_version) {
        statuses.push_back({version, a->name, MigrationState::unknown, a->applied_at});
    }
    std::sort(statuses.begin(), statuses.end(),
              [](const MigrationStatus& a, const MigrationStatus& b) { return a.version < b.version; });
    return statuses;
}

std::optional<Error> check_history(const std::vector<MigrationStatus>& statuses) {
    for (const auto& s : statuses) {
        if (s.state == MigrationState::changed) {
            char number[8];
            std::snprintf(number, sizeof number, "%04d", s.version);
            return make_error(ErrorCode::conflict,
                              std::string("migration ") + number + "_" + s.name +
                                  " was changed after it was applied; restore the original file and add a new "
                                  "migration instead");
        }
        if (s.state == MigrationState::unknown) {
            return make_error(ErrorCode::conflict,
                              "the database has migration " + std::to_string(s.version) + " (" + s.name +
                                  ") that this binary does not know; upgrade janua");
        }
    }
    return std::nullopt;
}

Migrator::Migrator(std::string database_url, std::vector<Migration> migrations, int connect_timeout_seconds)
    : m_url(std::move(database_url)), m_migrations(std::move(migrations)),
      m_connect_timeout_seconds(connect_timeout_seconds) {}

Result<std::vector<MigrationStatus>> Migrator::status() {
    try {
        auto connection = connect({m_url, 1, m_connect_timeout_seconds, 0, 0, "janua-migrate"});
        pqxx::read_transaction tx(*connection);
        std::vector<AppliedMigration> applied;
        if (tx.exec1(k_history_exists)[0].as<bool>()) applied = read_history(tx);
        return compare(m_migrations, applied);
    } catch (const DatabaseUnavailable& e) {
        return make_error(ErrorCode::unavailable, e.what());
    } catch (const pqxx::failure& e) {
        return database_error(e);
    }
}

Result<MigrateReport> Migrator::migrate(const std::function<void(const Migration&)>& progress) {
    std::unique_ptr<pqxx::connection> connection;
    try {
        connection = connect({m_url, 1, m_connect_timeout_seconds, 0, 0, "janua-migrate"});
    } catch (const DatabaseUnavailable& e) {
        return make_error(ErrorCode::unavailable, e.what());
    }
    auto run = [&]() -> Result<MigrateReport> {
        {
            pqxx::nontransaction lock(*connection);
            // Session-level: held across the per-file transactions below.
            lock.exec("SELECT pg_advisory_lock(" + std::to_string(k_migration_lock_key) + ")");
            lock.exec(k_create_history);
        }
        std::vector<AppliedMigration> applied;
        {
            pqxx::read_transaction tx(*connection);
            applied = read_history(tx);
        }
        const auto statuses = compare(m_migrations, applied);
        if (auto problem = check_history(statuses)) return *problem;

        MigrateReport report;
        for (const auto& migration : m_migrations) {
            const bool done = std::any_of(applied.begin(), applied.end(),
                                          [&](const AppliedMigration& a) { return a.version == migration.version; });
            if (done) {
                ++report.already_applied;
                continue;
            }
            if (progress) progress(migration);
            try {
                pqxx::work tx(*connection);
                tx.exec(migration.sql);
                tx.exec_params(k_record_applied, migration.version, migration.name, migration.checksum);
                tx.commit();
            } catch (const pqxx::sql_error& e) {
                return make_error(ErrorCode::internal,
                                  "migration " + migration.file_name + " failed and was rolled back: " + e.what());
            }
            report.applied_now.push_back({migration.version, migration.name, MigrationState::applied, ""});
        }
        return report;
    };
    try {
        auto result = run();
        pqxx::nontransaction unlock(*connection);
        unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(k_migration_lock_key) + ")");
        return result;
    } catch (const pqxx::broken_connection& e) {
        return make_error(ErrorCode::unavailable, std::string("database connection lost: ") + e.what());
    } catch (const pqxx::failure& e) {
        return database_error(e);
    }
}

const std::vector<Migration>& builtin_migrations() {
    static const std::vector<Migration> migrations = [] {
        auto loaded = load_migrations(embedded_migrations());
        // A badly named file is a build mistake, caught by the unit tests before release.
        if (!loaded) throw std::logic_error(loaded.error().message);
        return std::move(loaded.value());
    }();
    return migrations;
}

}  // namespace janua::db
