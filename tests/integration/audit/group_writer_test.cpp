// audit::GroupWriter: concurrent callers' events committed together, each caller returning only
// once its own entry is stored, the chain still verifying, webhook jobs still fanned out, and one
// refused event failing only its own caller.
#include "core/audit/group_writer.hpp"
#include "tests/integration/audit/audit_support.hpp"

#include <vector>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::audit_support;

TEST_CASE("group-committed audit events are all stored, chained and fanned out to webhooks", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url(), 8);
    const std::string org = create_organization(db.url(), "acme");
    superuser_sql(db.url(), "INSERT INTO webhook_endpoints (organization_id, url, secret_encrypted, event_types) VALUES ('" +
                                org + "', 'https://hooks.example/a', 'x', ARRAY['oauth.*'])");
    janua::audit::GroupWriter writer(*pool, 16);

    constexpr int threads = 12, per_thread = 25;
    std::atomic<int> stored{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto e = event("oauth.token_issued", org, "client-" + std::to_string(t));
                e.details = {{"thread", t}, {"i", i}};
                writer.record(e);
                // Returning means committed: the entry is visible to anyone from now on.
                const auto seen = superuser_value(db.url(), "SELECT count(*) FROM audit_events WHERE actor_id = 'client-" +
                                                                std::to_string(t) + "' AND (details->>'i')::int = " +
                                                                std::to_string(i));
                if (seen == "1") ++stored;
            }
        });
    for (auto& w : workers) w.join();

    CHECK(stored == threads * per_thread);
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events WHERE action = 'oauth.token_issued'") ==
          std::to_string(threads * per_thread));
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM jobs WHERE kind = 'webhook'") == std::to_string(threads * per_thread));
    const auto report = janua::audit::verify_chain(*pool, 50);
    INFO(janua::audit::to_json(report).dump());
    CHECK(report.valid);
    CHECK(report.entries_checked == threads * per_thread);
    // Each thread's events keep their order in the chain.
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM (SELECT actor_id, (details->>'i')::int AS i, "
                                    "lag((details->>'i')::int) OVER (PARTITION BY actor_id ORDER BY seq) AS previous "
                                    "FROM audit_events) x WHERE previous IS NOT NULL AND previous >= i") == "0");
}

TEST_CASE("an audit event the database refuses fails only its own caller in a group commit", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url(), 8);
    janua::audit::GroupWriter writer(*pool, 64);
    std::atomic<int> refused{0}, stored{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 8; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                // Thread 0 names an organization that is not a UUID: the insert's cast refuses it.
                auto e = event("client.event", t == 0 ? std::optional<std::string>("not-a-uuid") : std::nullopt,
                               "caller-" + std::to_string(t));
                try {
                    writer.record(e);
                    ++stored;
                } catch (const std::exception&) {
                    ++refused;
                }
            }
        });
    for (auto& w : workers) w.join();
    CHECK(refused == 20);
    CHECK(stored == 7 * 20);
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events") == "140");
    CHECK(janua::audit::verify_chain(*pool, 50).valid);
}
