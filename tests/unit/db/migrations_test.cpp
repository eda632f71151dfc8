#include "core/db/migrations.hpp"

#include <catch2/catch.hpp>

using namespace janua;

TEST_CASE("migration files must be named NNNN_name.sql with unique numbers", "[migrations]") {
    CHECK(db::load_migrations({{"0001_a.sql", "x"}, {"0002_b.sql", "y"}}).ok());
    CHECK_FALSE(db::load_migrations({{"1_a.sql", "x"}}).ok());
    CHECK_FALSE(db::load_migrations({{"0001_A.sql", "x"}}).ok());
    CHECK_FALSE(db::load_migrations({{"0001_a.sql", "x"}, {"0001_b.sql", "y"}}).ok());
    CHECK_FALSE(db::load_migrations({{"0000_zero.sql", "x"}}).ok());
}

TEST_CASE("migrations are ordered by number and checksummed by content", "[migrations]") {
    auto loaded = db::load_migrations({{"0002_b.sql", "select 2;"}, {"0001_a.sql", "select 1;"}});
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == 2);
    CHECK(loaded->at(0).version == 1);
    CHECK(loaded->at(1).name == "b");
    // SHA-256 of "select 1;"
    CHECK(loaded->at(0).checksum.size() == 64);
    auto again = db::load_migrations({{"0001_a.sql", "select 1; "}});
    CHECK(again->at(0).checksum != loaded->at(0).checksum);
}

TEST_CASE("a changed applied migration is detected and refused", "[migrations]") {
    auto available = db::load_migrations({{"0001_a.sql", "select 1;"}, {"0002_b.sql", "select 2;"}}).value();
    std::vector<db::AppliedMigration> applied = {{1, "a", available[0].checksum, "2026-01-01T00:00:00Z"}};
    auto statuses = db::compare(available, applied);
    REQUIRE(statuses.size() == 2);
    CHECK(statuses[0].state == db::MigrationState::applied);
    CHECK(statuses[1].state == db::MigrationState::pending);
    CHECK_FALSE(db::check_history(statuses).has_value());

    applied[0].checksum = std::string(64, '0');
    statuses = db::compare(available, applied);
    CHECK(statuses[0].state == db::MigrationState::changed);
    auto problem = db::check_history(statuses);
    REQUIRE(problem.has_value());
    CHECK(problem->code == ErrorCode::conflict);
    CHECK(problem->message.find("0001_a") != std::string::npos);
}

TEST_CASE("a migration the binary does not know is reported", "[migrations]") {
    auto available = db::load_migrations({{"0001_a.sql", "select 1;"}}).value();
    std::vector<db::AppliedMigration> applied = {{1, "a", available[0].checksum, ""}, {2, "future", "ff", ""}};
    auto statuses = db::compare(available, applied);
    REQUIRE(statuses.size() == 2);
    CHECK(statuses[1].state == db::MigrationState::unknown);
    CHECK(db::check_history(statuses).has_value());
}

TEST_CASE("the embedded migrations load", "[migrations]") {
    const auto& builtin = db::builtin_migrations();
    REQUIRE_FALSE(builtin.empty());
    CHECK(builtin.front().version == 1);
    CHECK(builtin.front().sql.find("CREATE TABLE users") != std::string::npos);
}
