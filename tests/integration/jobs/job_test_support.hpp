#pragma once
// Shared by the [jobs] and [mail] integration tests: a migrated database with a pool on it.

#include "core/db/migrations.hpp"
#include "core/db/pool.hpp"
#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <thread>

namespace janua::test {

class MigratedDatabase {
  public:
    MigratedDatabase() {
        auto report = db::Migrator(m_database.url(), db::builtin_migrations()).migrate();
        REQUIRE(report.ok());
    }
    const std::string& url() const { return m_database.url(); }
    db::PoolSettings pool_settings(int size = 8) const {
        db::PoolSettings settings;
        settings.url = m_database.url();
        settings.size = size;
        settings.connect_timeout_seconds = 2;
        settings.acquire_timeout_ms = 2000;
        return settings;
    }
    long long count(const std::string& sql) const {
        pqxx::connection connection(m_database.url());
        pqxx::nontransaction tx(connection);
        return tx.exec1(sql)[0].as<long long>();
    }

  private:
    TempDatabase m_database;
};

// Poll `condition` until it holds or `timeout` passes; the final answer.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

}  // namespace janua::test
