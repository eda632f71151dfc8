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

TEST_CASE("0019 moves the imported linked accounts into user_identities and drops user_linked_identities", "[migrations][db]") {
    TempDatabase db;
    auto all = db::builtin_migrations();
    std::vector<db::Migration> before;
    for (const auto& m : all)
        if (m.version < 19) before.push_back(m);
    REQUIRE(db::Migrator(db.url(), before).migrate().ok());
    {
        pqxx::connection c(db.url());
        pqxx::work w(c);
        w.exec("INSERT INTO users (id, email) VALUES ('00000000-0000-0000-0000-0000000000a1', 'ann@example.com'), "
               "('00000000-0000-0000-0000-0000000000b2', 'ben@example.com')");
        w.exec("INSERT INTO identity_providers (id, slug, display_name, preset, protocol, issuer, client_id) VALUES "
               "('00000000-0000-0000-0000-0000000000c3', 'google', 'Google', 'google', 'oidc', 'https://accounts.google.com', 'x')");
        // Ann signed in with Google before the import carried the same Google account over.
        w.exec("INSERT INTO user_identities (provider_id, subject, user_id, email) VALUES "
               "('00000000-0000-0000-0000-0000000000c3', 'g-1', '00000000-0000-0000-0000-0000000000a1', 'ann@gmail.example')");
        w.exec("INSERT INTO user_linked_identities (user_id, provider, connection, subject, is_social, profile, source) VALUES "
               "('00000000-0000-0000-0000-0000000000a1', 'google-oauth2', 'google-oauth2', 'g-1', true, '{}', 'auth0'), "
               "('00000000-0000-0000-0000-0000000000a1', 'github', 'github', '4242', true, '{\"email\": \"ann@github.example\"}', 'auth0'), "
               "('00000000-0000-0000-0000-0000000000b2', 'google-oauth2', 'google-oauth2', 'g-2', true, '{}', 'auth0'), "
               "('00000000-0000-0000-0000-0000000000b2', 'oidc', 'acme-sso', 'ben@acme', false, '{}', 'auth0')");
        w.commit();
    }
    REQUIRE(db::Migrator(db.url(), all).migrate().ok());
    CHECK(count_rows(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'user_linked_identities'") == 0);
    // Four imported rows, one of them the account a sign-in had linked already: three move, none is lost.
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities") == 4);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities WHERE subject = 'g-1'") == 1);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities WHERE provider_id IS NULL AND source = 'auth0'") == 3);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities WHERE provider_key = 'github' AND subject = '4242' "
                               "AND email = 'ann@github.example' AND user_id = '00000000-0000-0000-0000-0000000000a1'") == 1);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities WHERE provider_key = 'oidc' AND connection = 'acme-sso' "
                               "AND NOT is_social AND user_id = '00000000-0000-0000-0000-0000000000b2'") == 1);
    CHECK(count_rows(db.url(), "SELECT count(*) FROM user_identities WHERE provider_key = 'google-oauth2' AND subject = 'g-2'") == 1);
}
