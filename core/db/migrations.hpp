#pragma once
// Forward-only schema migrations: numbered SQL files applied in order, each in its own
// transaction, under an advisory lock so concurrent runners apply each file exactly once.
// A file whose text changed after it was applied is an error, never silently re-applied.

#include "core/common/result.hpp"
#include "core/db/embedded_migrations.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::db {

struct Migration {
    int version = 0;
    std::string name;      // file name without the number and extension, e.g. "core_schema"
    std::string file_name;
    std::string sql;
    std::string checksum;  // SHA-256 of the file's text, hex
};

struct AppliedMigration {
    int version = 0;
    std::string name;
    std::string checksum;
    std::string applied_at;  // RFC 3339
};

enum class MigrationState { applied, pending, changed, unknown };
const char* migration_state_name(MigrationState state);

struct MigrationStatus {
    int version = 0;
    std::string name;
    MigrationState state = MigrationState::pending;
    std::string applied_at;
};

// Validate file names (NNNN_name.sql, unique numbers) and compute checksums.
Result<std::vector<Migration>> load_migrations(const std::vector<MigrationSource>& sources);

// Compare what the binary carries with what the database recorded (pure; no I/O).
std::vector<MigrationStatus> compare(const std::vector<Migration>& available,
                                     const std::vector<AppliedMigration>& applied);

// The first problem that forbids migrating, e.g. a changed applied file.
std::optional<Error> check_history(const std::vector<MigrationStatus>& statuses);

struct MigrateReport {
    std::vector<MigrationStatus> applied_now;
    int already_applied = 0;
};

class Migrator {
public:
    Migrator(std::string database_url, std::vector<Migration> migrations, int connect_timeout_seconds = 5);

    // Current status of every known migration; never changes the database.
    Result<std::vector<MigrationStatus>> status();
    // Apply every pending migration; `progress` is told before each file.
    Result<MigrateReport> migrate(const std::function<void(const Migration&)>& progress = {});

private:
    std::string m_url;
    std::vector<Migration> m_migrations;
    int m_connect_timeout_seconds;
};

// The embedded migrations, loaded and checked once.
const std::vector<Migration>& builtin_migrations();

}  // namespace janua::db
