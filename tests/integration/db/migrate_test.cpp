#include "core/db/migrations.hpp"
#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <future>

using namespace janua;
using namespace janua::test;

namespace {

int count_rows(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<int>();
}

}  // namespace

TEST_CASE("janua db migrate applies the schema and a second run is a no-op", "[migrations][db]") {
    TempDatabase db;
    auto first = run_janua({"db", "migrate", "--database-url", db.url(), "--output", "json"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    auto report = nlohmann::json::parse(first.out);
    CHECK(report["applied"].size() == db::builtin_migrations().size());

    auto second = run_janua({"db", "migrate", "--database-url", db.url(), "--output", "json"});
    REQUIRE(second.exit_code == 0);
    auto again = nlohmann::json::parse(second.out);
    CHECK(again["applied"].empty());
    CHECK(again["already_applied"] == db::builtin_migrations().size());

    auto status = run_janua({"db", "status", "--database-url", db.url(), "--output", "json"});
    REQUIRE(status.exit_code == 0);
    auto parsed = nlohmann::json::parse(status.out);
    CHECK(parsed["current"] == true);
    CHECK(parsed["pending"] == 0);
    CHECK(parsed["migrations"][0]["state"] == "applied");
    CHECK(count_rows(db.url(), "SELECT count(*) FROM roles WHERE is_system") == 4);
}

TEST_CASE("janua db status reports pending migrations on an empty database", "[migrations][db]") {
    TempDatabase db;
    auto status = run_janua({"db", "status", "--output", "json"}, {{"DATABASE_URL", db.url()}});
    REQUIRE(status.exit_code == 0);
    auto parsed = nlohmann::json::parse(status.out);
    CHECK(parsed["current"] == false);
    CHECK(parsed["pending"] == db::builtin_migrations().size());
    CHECK(parsed["migrations"][0]["state"] == "pending");
}

TEST_CASE("concurrent migrate runs apply each file exactly once", "[migrations][db]") {
    TempDatabase db;
    std::vector<std::future<ProcessResult>> runs;
    for (int i = 0; i < 4; ++i)
        runs.push_back(std::async(std::launch::async, [&] {
            return run_janua({"db", "migrate", "--database-url", db.url(), "--output", "json"});
        }));
    size_t applied_total = 0;
    for (auto& run : runs) {
        auto result = run.get();
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        applied_total += nlohmann::json::parse(result.out)["applied"].size();
    }
    CHECK(applied_total == db::builtin_migrations().size());
    CHECK(count_rows(db.url(), "SELECT count(*) FROM schema_migrations") ==
          static_cast<int>(db::builtin_migrations().size()));
}

TEST_CASE("a migration changed after it was applied is refused", "[migrations][db]") {
    TempDatabase db;
    auto original = db::load_migrations({{"0001_first.sql", "CREATE TABLE first_table (id int);"}}).value();
    REQUIRE(db::Migrator(db.url(), original).migrate().ok());

    auto edited = db::load_migrations({{"0001_first.sql", "CREATE TABLE first_table (id bigint);"},
                                       {"0002_second.sql", "CREATE TABLE second_table (id int);"}})
                      .value();
    auto refused = db::Migrator(db.url(), edited).migrate();
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK(refused.error().message.find("0001_first") != std::string::npos);
    // Nothing after the changed file was applied.
    CHECK(count_rows(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'second_table'") == 0);

    // The CLI sees the same through the checksum it recorded.
    REQUIRE(run_janua({"db", "migrate", "--database-url", db.url()}).exit_code == 4);
}

TEST_CASE("the CLI refuses a database whose applied checksum no longer matches", "[migrations][db]") {
    TempDatabase db;
    REQUIRE(run_janua({"db", "migrate", "--database-url", db.url()}).exit_code == 0);
    {
        pqxx::connection c(db.url());
        pqxx::work tx(c);
        tx.exec("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");
        tx.commit();
    }
    auto status = run_janua({"db", "status", "--database-url", db.url(), "--output", "json"});
    CHECK(status.exit_code == 4);
    CHECK(nlohmann::json::parse(status.out)["migrations"][0]["state"] == "changed");
    auto migrate = run_janua({"db", "migrate", "--database-url", db.url()});
    CHECK(migrate.exit_code == 4);
    CHECK(migrate.err.find("changed after it was applied") != std::string::npos);
}

TEST_CASE("a failing migration is rolled back entirely", "[migrations][db]") {
    TempDatabase db;
    auto broken = db::load_migrations({{"0001_ok.sql", "CREATE TABLE ok_table (id int);"},
                                       {"0002_broken.sql", "CREATE TABLE half (id int); SELECT no_such_column FROM half;"}})
                      .value();
    auto result = db::Migrator(db.url(), broken).migrate();
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message.find("0002_broken.sql") != std::string::npos);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'half'") == 0);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM schema_migrations") == 1);
}

TEST_CASE("an unreachable database exits with code 6", "[migrations][db]") {
    auto result = run_janua({"db", "status", "--database-url", "postgresql://postgres@127.0.0.1:1/none"});
    CHECK(result.exit_code == 6);
    CHECK(result.err.find("janua: ") == 0);
}
