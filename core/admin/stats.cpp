#include "core/admin/stats.hpp"

namespace janua::admin {
namespace {

const db::Statement k_users{"admin_stats_users",
                            "SELECT count(*) FILTER (WHERE status <> 'DELETED'), "
                            "count(*) FILTER (WHERE status = 'ACTIVE'), "
                            "count(*) FILTER (WHERE status <> 'DELETED' AND email_verified), "
                            "count(*) FILTER (WHERE status = 'SUSPENDED'), "
                            "count(*) FILTER (WHERE is_platform_admin AND status <> 'DELETED') FROM users"};
const db::Statement k_orgs{"admin_stats_orgs", "SELECT count(*) FROM organizations"};
const db::Statement k_sessions{"admin_stats_sessions",
                               "SELECT count(*), count(DISTINCT user_id) FROM sessions "
                               "WHERE revoked_at IS NULL AND expires_at > now()"};
// Sign-ins are sessions started (password, magic link, hosted login); failures come from the audit trail.
const db::Statement k_daily{
    "admin_stats_daily",
    "WITH days AS (SELECT (now() AT TIME ZONE 'UTC')::date - n AS day FROM generate_series(0, $1::int - 1) AS n) "
    "SELECT to_char(d.day, 'YYYY-MM-DD'), "
    "(SELECT count(*) FROM sessions s WHERE s.created_at >= d.day::timestamp AT TIME ZONE 'UTC' "
    " AND s.created_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'), "
    "(SELECT count(DISTINCT s.user_id) FROM sessions s WHERE s.created_at >= d.day::timestamp AT TIME ZONE 'UTC' "
    " AND s.created_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'), "
    "(SELECT count(*) FROM audit_events a WHERE a.action = 'user.signin' AND a.outcome = 'failure' "
    " AND a.occurred_at >= d.day::timestamp AT TIME ZONE 'UTC' AND a.occurred_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC') "
    "FROM days d ORDER BY d.day"};

}  // namespace

nlohmann::json platform_stats(db::Transaction& tx, int days) {
    const auto u = tx.exec(k_users)[0];
    const auto s = tx.exec(k_sessions)[0];
    nlohmann::json daily = nlohmann::json::array();
    long long total = 0;
    for (const auto& row : tx.exec(k_daily, days)) {
        total += row[1].as<long long>();
        daily.push_back({{"date", row[0].as<std::string>()},
                         {"signins", row[1].as<long long>()},
                         {"unique_users", row[2].as<long long>()},
                         {"failed_signins", row[3].as<long long>()}});
    }
    return {{"users",
             {{"total", u[0].as<long long>()},
              {"active", u[1].as<long long>()},
              {"verified", u[2].as<long long>()},
              {"suspended", u[3].as<long long>()},
              {"platform_admins", u[4].as<long long>()}}},
            {"organizations", {{"total", tx.exec(k_orgs)[0][0].as<long long>()}}},
            {"sessions", {{"active", s[0].as<long long>()}, {"users_with_active_sessions", s[1].as<long long>()}}},
            {"signins", {{"days", days}, {"total", total}, {"per_day", daily}}}};
}

}  // namespace janua::admin
