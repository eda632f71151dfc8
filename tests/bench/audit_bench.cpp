// Audit-log write throughput with the hash chain: entries committed per second by 1, 4 and 16
// concurrent writers, each writing one entry per transaction (the common case: one audited
// change per request). Prints figures; asserts nothing.
//
//   janua_audit_bench [DATABASE_URL] [--seconds N] [--writers 1,4,16] [--without-chain]
//
// --without-chain disables the sealing trigger (superuser only) to measure plain inserts for
// comparison; the entries it writes are never sealed, so verify reports the scratch log broken.
// DATABASE_URL (or JANUA_TEST_DATABASE_URL) must name a scratch database: the bench migrates
// it and appends entries that cannot be deleted (the table is append-only).
#include "core/audit/audit.hpp"
#include "core/audit/chain.hpp"
#include "core/db/migrations.hpp"
#include "core/db/pool.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<int> parse_list(const std::string& text) {
    std::vector<int> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        out.push_back(std::stoi(text.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

double run(const std::string& url, int writers, double seconds) {
    janua::db::PoolSettings settings;
    settings.url = url;
    settings.size = writers;
    settings.application_name = "audit-bench";
    janua::db::Pool pool(settings);
    std::atomic<bool> stop{false};
    std::atomic<long long> written{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            janua::audit::Event e;
            e.action = "bench.write";
            e.actor_id = "writer-" + std::to_string(w);
            e.target_type = "user";
            e.target_id = "target";
            e.ip_address = "203.0.113.9";
            e.user_agent = "audit-bench";
            e.details = {{"writer", w}};
            while (!stop) {
                pool.transact([&](janua::db::Transaction& tx) { janua::audit::record(tx, e); });
                ++written;
            }
        });
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(written) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url;
    double seconds = 5;
    std::vector<int> writers = {1, 4, 16};
    bool without_chain = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
        else if (arg == "--writers" && i + 1 < argc) writers = parse_list(argv[++i]);
        else if (arg == "--without-chain") without_chain = true;
        else url = arg;
    }
    if (url.empty())
        if (const char* env = std::getenv("JANUA_TEST_DATABASE_URL")) url = env;
    if (url.empty()) {
        std::fprintf(stderr, "usage: janua_audit_bench DATABASE_URL [--seconds N] [--writers 1,4,16]\n");
        return 2;
    }
    janua::db::Migrator migrator(url, janua::db::builtin_migrations());
    auto migrated = migrator.migrate();
    if (!migrated) {
        std::fprintf(stderr, "cannot migrate: %s\n", migrated.error().message.c_str());
        return 1;
    }
    janua::db::PoolSettings settings;
    settings.url = url;
    janua::db::Pool pool(settings);
    auto set_chain = [&](bool on) {
        pool.transact([&](janua::db::Transaction& tx) {
            tx.exec_sql(std::string("ALTER TABLE audit_events ") + (on ? "ENABLE" : "DISABLE") +
                        " TRIGGER audit_events_seal");
        });
    };
    if (without_chain) set_chain(false);
    std::printf("audit %s write throughput (%.0f s per run, one entry per transaction)\n",
                without_chain ? "log WITHOUT the chain" : "chain", seconds);
    for (int n : writers) std::printf("  %2d writers: %8.0f entries/s\n", n, run(url, n, seconds));
    if (without_chain) {
        set_chain(true);
        return 0;
    }

    const auto start = std::chrono::steady_clock::now();
    const auto report = janua::audit::verify_chain(pool);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("verify: %s, %lld entries in %.2f s (%.0f entries/s)\n", report.valid ? "valid" : "BROKEN",
                report.entries_checked, elapsed, static_cast<double>(report.entries_checked) / elapsed);
    return report.valid ? 0 : 1;
}
