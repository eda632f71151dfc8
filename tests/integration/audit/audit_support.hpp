#pragma once
// Shared pieces of the audit and webhook integration tests: a pool on the test database,
// events written in-process through audit::record, superuser SQL for tampering, and verify.

#include "core/audit/audit.hpp"
#include "core/audit/chain.hpp"
#include "core/db/pool.hpp"
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <thread>

#include <memory>
#include <string>

namespace janua::test::audit_support {

inline std::unique_ptr<janua::db::Pool> pool_on(const std::string& url, int size = 4) {
    janua::db::PoolSettings settings;
    settings.url = url;
    settings.size = size;
    settings.application_name = "audit-test";
    return std::make_unique<janua::db::Pool>(settings);
}

inline janua::audit::Event event(const std::string& action, const std::optional<std::string>& org = std::nullopt,
                                 const std::string& actor = "actor-1") {
    janua::audit::Event e;
    e.action = action;
    e.actor_id = actor;
    e.organization_id = org;
    e.target_type = "user";
    e.target_id = "target-" + actor;
    e.ip_address = "203.0.113.7";
    e.user_agent = "test-agent/1.0";
    e.request_id = "req-" + action;
    e.details = {{"email", actor + "@example.com"}, {"n", 1}};
    return e;
}

inline void write_events(janua::db::Pool& pool, int count, const std::optional<std::string>& org = std::nullopt,
                         const std::string& action = "user.signin") {
    for (int i = 0; i < count; ++i)
        pool.transact([&](janua::db::Transaction& tx) {
            janua::audit::record(tx, event(action, org, "actor-" + std::to_string(i)));
        });
}

// Run SQL as the superuser the test cluster runs under (the tamperer).
inline void superuser_sql(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::work w(c);
    w.exec(sql);
    w.commit();
}

inline std::string superuser_value(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::work w(c);
    auto r = w.exec(sql);
    std::string value = r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
    w.commit();
    return value;
}

// The first statement fails with the append-only error.
inline std::string refused_message(const std::string& url, const std::string& sql) {
    try {
        superuser_sql(url, sql);
    } catch (const pqxx::sql_error& e) {
        return e.what();
    }
    return "";
}

inline std::string create_organization(const std::string& url, const std::string& slug) {
    return superuser_value(url, "INSERT INTO organizations (slug, name) VALUES ('" + slug + "', 'Org " + slug +
                                    "') RETURNING id::text");
}

}  // namespace janua::test::audit_support
