// The audit log's hash chain: sealing at commit, append-only enforcement, and verification that
// names the first entry changed, removed, reordered or slipped in, even by a superuser who
// disabled the triggers.
#include "tests/integration/audit/audit_support.hpp"

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::audit_support;

namespace {

janua::audit::VerifyReport verify(janua::db::Pool& pool) { return janua::audit::verify_chain(pool, 3); }

// Disable the guard the way a superuser would, run `sql`, enable it again.
void tamper(const std::string& url, const std::string& sql) {
    superuser_sql(url, "ALTER TABLE audit_events DISABLE TRIGGER USER; " + sql +
                           "; ALTER TABLE audit_events ENABLE TRIGGER USER");
}

}  // namespace

TEST_CASE("audit entries are sealed at commit into a gapless chain in commit order", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url());
    write_events(*pool, 5);
    // A rolled-back transaction leaves neither an entry nor a gap.
    try {
        pool->transact([&](janua::db::Transaction& tx) {
            janua::audit::record(tx, event("user.deleted"));
            throw std::runtime_error("roll back");
        });
    } catch (const std::runtime_error&) {
    }
    write_events(*pool, 2);

    // Two transactions: the one that commits first gets the lower seq, whatever the insert order.
    janua::db::Lease first_lease = pool->acquire();
    janua::db::Lease second_lease = pool->acquire();
    auto first = std::make_unique<janua::db::Transaction>(first_lease);
    auto second = std::make_unique<janua::db::Transaction>(second_lease);
    const auto early_insert = janua::audit::append(*first, event("order.inserted_first"));
    const auto late_insert = janua::audit::append(*second, event("order.inserted_second"));
    second->commit();
    first->commit();
    first.reset();
    second.reset();

    const auto report = verify(*pool);
    INFO(janua::audit::to_json(report).dump());
    CHECK(report.valid);
    CHECK(report.entries_checked == 9);
    CHECK(report.head_seq == 9);
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events WHERE action = 'user.deleted'") == "0");
    CHECK(superuser_value(db.url(), "SELECT seq FROM audit_events WHERE id = '" + late_insert + "'") == "8");
    CHECK(superuser_value(db.url(), "SELECT seq FROM audit_events WHERE id = '" + early_insert + "'") == "9");
    // The verifier's own hash agrees with the database's sealing function.
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events e WHERE hash = audit_entry_hash(prev_hash, seq, "
                                    "pii_digest, e) AND pii_digest = audit_pii_digest(e)") == "9");
}

TEST_CASE("one transaction's entries are sealed together in insertion order, savepoints and IMMEDIATE included", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url());
    write_events(*pool, 1);
    // Several entries in one statement and across statements of one transaction, with a
    // rolled-back savepoint in the middle and the seal forced early once.
    superuser_sql(db.url(),
                  "INSERT INTO audit_events (actor_type, action) SELECT 'system', 'batch.' || n FROM generate_series(1, 3) n; "
                  "SAVEPOINT s1; "
                  "INSERT INTO audit_events (actor_type, action) VALUES ('system', 'batch.rolled_back'); "
                  "ROLLBACK TO SAVEPOINT s1; "
                  "SAVEPOINT s2; "
                  "INSERT INTO audit_events (actor_type, action) VALUES ('system', 'batch.4'); "
                  "RELEASE SAVEPOINT s2; "
                  "SET CONSTRAINTS ALL IMMEDIATE; "
                  "INSERT INTO audit_events (actor_type, action) VALUES ('system', 'batch.5'); "
                  "SET CONSTRAINTS ALL DEFERRED; "
                  "INSERT INTO audit_events (actor_type, action) VALUES ('system', 'batch.6'), ('system', 'batch.7')");
    write_events(*pool, 1);
    CHECK(superuser_value(db.url(), "SELECT string_agg(action, ',' ORDER BY seq) FROM audit_events") ==
          "user.signin,batch.1,batch.2,batch.3,batch.4,batch.5,batch.6,batch.7,user.signin");
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events WHERE hash IS NULL OR seq IS NULL") == "0");
    CHECK(superuser_value(db.url(), "SELECT last_seq FROM audit_chain_head") == "9");
    const auto report = verify(*pool);
    INFO(janua::audit::to_json(report).dump());
    CHECK(report.valid);
    CHECK(report.entries_checked == 9);
}

TEST_CASE("the audit table refuses updates, deletes and truncation", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url());
    write_events(*pool, 3);
    CHECK_THAT(refused_message(db.url(), "UPDATE audit_events SET action = 'x' WHERE seq = 2"),
               Catch::Contains("append-only"));
    CHECK_THAT(refused_message(db.url(), "DELETE FROM audit_events WHERE seq = 2"), Catch::Contains("append-only"));
    CHECK_THAT(refused_message(db.url(), "TRUNCATE audit_events"), Catch::Contains("append-only"));
    // An insert cannot choose its position or forge a hash: the guard clears them and the seal sets them.
    superuser_sql(db.url(), "INSERT INTO audit_events (actor_type, action, seq, hash) VALUES ('system', 'forged', 1, "
                            "'\\x00')");
    CHECK(superuser_value(db.url(), "SELECT seq FROM audit_events WHERE action = 'forged'") == "4");
    CHECK(verify(*pool).valid);
}

TEST_CASE("verify names the first tampered entry", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url());
    write_events(*pool, 6);
    REQUIRE(verify(*pool).valid);
    const std::string id3 = superuser_value(db.url(), "SELECT id::text FROM audit_events WHERE seq = 3");
    const std::string id4 = superuser_value(db.url(), "SELECT id::text FROM audit_events WHERE seq = 4");

    auto expect_broken = [&](long long seq, const std::string& id, const std::string& reason_part) {
        const auto report = verify(*pool);
        INFO(janua::audit::to_json(report).dump());
        REQUIRE_FALSE(report.valid);
        REQUIRE(report.first_broken);
        CHECK(report.first_broken->seq == seq);
        if (!id.empty()) CHECK(report.first_broken->id == id);
        CHECK_THAT(report.first_broken->reason, Catch::Contains(reason_part));
    };

    SECTION("an edited action") {
        tamper(db.url(), "UPDATE audit_events SET action = 'user.signout' WHERE seq = 3");
        expect_broken(3, id3, "does not match its hash");
    }
    SECTION("an edited address (personal data)") {
        tamper(db.url(), "UPDATE audit_events SET ip_address = '198.51.100.1' WHERE seq = 3");
        expect_broken(3, id3, "were changed");
    }
    SECTION("an edited entry whose hash was recomputed breaks the link of the next one") {
        tamper(db.url(), "UPDATE audit_events SET outcome = 'failure' WHERE seq = 3; UPDATE audit_events e SET hash = "
                         "audit_entry_hash(e.prev_hash, e.seq, e.pii_digest, e) WHERE seq = 3");
        expect_broken(4, id4, "does not link to seq 3");
    }
    SECTION("a deleted entry") {
        tamper(db.url(), "DELETE FROM audit_events WHERE seq = 3");
        expect_broken(4, id4, "expected seq 3");
    }
    SECTION("deleted newest entries") {
        tamper(db.url(), "DELETE FROM audit_events WHERE seq >= 5");
        expect_broken(5, "", "newest entries were deleted");
    }
    SECTION("two entries swapped") {
        tamper(db.url(), "UPDATE audit_events SET seq = -3 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; "
                         "UPDATE audit_events SET seq = 4 WHERE seq = -3");
        expect_broken(3, id4, "does not match its hash");
    }
    SECTION("an entry slipped in with the triggers off") {
        superuser_sql(db.url(), "SET session_replication_role = replica; INSERT INTO audit_events (actor_type, action) "
                                "VALUES ('system', 'sneaky')");
        const auto report = verify(*pool);
        REQUIRE_FALSE(report.valid);
        CHECK_THAT(report.first_broken->reason, Catch::Contains("never sealed"));
        CHECK(report.first_broken->id == superuser_value(db.url(), "SELECT id::text FROM audit_events WHERE action = 'sneaky'"));
    }
    SECTION("the chain head rolled back") {
        tamper(db.url(), "UPDATE audit_chain_head SET last_seq = 5");
        const auto report = verify(*pool);
        REQUIRE_FALSE(report.valid);
    }
}

TEST_CASE("pseudonymization replaces personal data and the chain still verifies", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto pool = pool_on(db.url());
    write_events(*pool, 4);
    const long long changed = pool->transact(
        [](janua::db::Transaction& tx) { return janua::audit::pseudonymize(tx, "actor-2", "erased-user"); });
    CHECK(changed == 1);
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events WHERE actor_id = 'actor-2' OR "
                                    "details::text LIKE '%actor-2%'") == "0");
    CHECK(superuser_value(db.url(), "SELECT ip_address IS NULL FROM audit_events WHERE actor_id = 'erased-user'") ==
          "t");
    CHECK(verify(*pool).valid);
    // The pseudonymization path cannot touch anything else.
    CHECK_THAT(refused_message(db.url(), "SELECT set_config('janua.audit_pseudonymize', 'on', false); UPDATE "
                                         "audit_events SET action = 'x', pseudonymized_at = now() WHERE seq = 1"),
               Catch::Contains("append-only"));
}

TEST_CASE("janua audit verify and GET /api/v1/audit-logs/verify report the broken entry", "[audit]") {
    Server server;
    cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin", "--database-url",
              server.db.url(), "--output", "json"},
             k_password);
    const std::string admin = signin(server.base(), "root@example.com")["access_token"];
    signup(server.base(), "plain@example.com");
    const std::string plain = signin(server.base(), "plain@example.com")["access_token"];

    auto ok = cli_json({"audit", "verify", "--database-url", server.db.url(), "--output", "json"});
    CHECK(ok["valid"] == true);
    CHECK(ok["entries_checked"].get<long long>() >= 4);
    auto remote = get(server.base(), "/api/v1/audit-logs/verify", admin);
    REQUIRE(remote.status == 200);
    CHECK(body_of(remote)["valid"] == true);
    CHECK(get(server.base(), "/api/v1/audit-logs/verify", plain).status == 403);
    CHECK(get(server.base(), "/api/v1/audit-logs/verify").status == 401);

    tamper(server.db.url(), "UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 2");
    auto broken = run_janua({"audit", "verify", "--database-url", server.db.url(), "--output", "json"});
    CHECK(broken.exit_code == 1);
    auto report = json::parse(broken.out);
    CHECK(report["valid"] == false);
    CHECK(report["first_broken"]["seq"] == 2);
    auto table = run_janua({"audit", "verify", "--database-url", server.db.url()});
    CHECK_THAT(table.out, Catch::Contains("BROKEN at seq 2"));
    auto over_http = body_of(get(server.base(), "/api/v1/audit-logs/verify", admin));
    CHECK(over_http["valid"] == false);
    CHECK(over_http["first_broken"]["seq"] == 2);
    CHECK(over_http["first_broken"]["id"] == report["first_broken"]["id"]);
}

TEST_CASE("concurrent writers in two daemons, the CLI and another process keep one valid chain", "[audit]") {
    TempDatabase db;
    migrate(db);
    auto first = start_daemon(db.url());
    auto second = start_daemon(db.url());
    auto pool = pool_on(db.url(), 8);
    std::atomic<int> http_failures{0};
    std::vector<std::thread> writers;
    // Failed sign-ins on both daemons (each writes an audit entry).
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            const std::string base = (t % 2 == 0 ? first : second)->base_url();
            for (int i = 0; i < 40; ++i)
                if (signin_response(base, "nobody" + std::to_string(t) + "@example.com", "wrong-password").status != 401)
                    ++http_failures;
        });
    // In-process transactions, some of which roll back.
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < 60; ++i) {
                try {
                    pool->transact([&](janua::db::Transaction& tx) {
                        janua::audit::record(tx, event("bench.write", std::nullopt, "writer-" + std::to_string(t)));
                        janua::audit::record(tx, event("bench.second", std::nullopt, "writer-" + std::to_string(t)));
                        if (i % 5 == 0) throw std::runtime_error("roll back");
                    });
                } catch (const std::runtime_error&) {
                }
            }
        });
    // The CLI in direct mode, as a third kind of process.
    std::atomic<int> cli_failures{0};
    writers.emplace_back([&] {
        for (int i = 0; i < 6; ++i)
            if (run_janua({"user", "create", "--email", "cli" + std::to_string(i) + "@example.com", "--password-stdin",
                           "--database-url", db.url()},
                          {}, k_password)
                    .exit_code != 0)
                ++cli_failures;
    });
    for (auto& w : writers) w.join();
    CHECK(http_failures == 0);
    CHECK(cli_failures == 0);

    const auto report = janua::audit::verify_chain(*pool);
    INFO(janua::audit::to_json(report).dump());
    CHECK(report.valid);
    // 2 signing keys made by the first daemon + 160 failed sign-ins + 4 * 48 committed transactions
    // * 2 entries + 6 users created.
    CHECK(report.entries_checked == 2 + 160 + 4 * 48 * 2 + 6);
    CHECK(superuser_value(db.url(), "SELECT count(*) FROM audit_events") == std::to_string(report.entries_checked));
    auto remote = cli_json({"audit", "verify", "--database-url", db.url(), "--output", "json"});
    CHECK(remote["valid"] == true);
}
