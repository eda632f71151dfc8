// Retention policies and their sweep. One row per category; a category without a row keeps
// DEFAULT_RETENTION_PERIOD_DAYS, except inactive_users and audit_details, which only an explicit
// policy enables (erasing accounts or audit evidence is never a default). The audit log's entries
// are never deleted (append-only, hash-chained): audit_details pseudonymizes old ones instead.
// Organizations' own, stricter policies: org_retention.cpp.
#include "core/compliance/erasure.hpp"
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"
#include "core/jobs/enqueue.hpp"

#include <algorithm>
#include <map>

namespace janua::compliance {
namespace {

constexpr int k_batch = 5000;
constexpr int k_hipaa_minimum_days = 6 * 365;

const std::vector<std::string> k_categories = {"sessions",        "jobs",           "webhook_deliveries", "data_subject_requests",
                                               "consent_records", "inactive_users", "audit_details"};

constexpr db::Statement k_policies{"retention_policies",
                                   "SELECT category, retention_days, enabled, updated_at FROM retention_policies"};
constexpr db::Statement k_upsert{
    "retention_upsert",
    "INSERT INTO retention_policies (category, retention_days, enabled, updated_by) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (category) DO UPDATE SET retention_days = EXCLUDED.retention_days, enabled = EXCLUDED.enabled, "
    "updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING category, retention_days, enabled, updated_at"};
constexpr db::Statement k_delete{"retention_delete", "DELETE FROM retention_policies WHERE category = $1"};

// Each deletes at most k_batch expired rows older than $1 days; the sweep repeats until done.
#define OLDER_THAN "now() - make_interval(days => $1)"
const std::map<std::string, db::Statement> k_sweeps = {
    {"sessions",
     {"retention_sessions", "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE "
                            "least(coalesce(revoked_at, expires_at), expires_at) < " OLDER_THAN " LIMIT $2)"}},
    {"jobs",
     {"retention_jobs", "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status IN ('done', 'dead') AND "
                        "coalesce(finished_at, created_at) < " OLDER_THAN " LIMIT $2)"}},
    {"webhook_deliveries",
     {"retention_webhook_deliveries", "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
                                      "WHERE created_at < " OLDER_THAN " LIMIT $2)"}},
    {"data_subject_requests",
     {"retention_requests", "DELETE FROM data_subject_requests WHERE id IN (SELECT id FROM data_subject_requests "
                            "WHERE closed_at < " OLDER_THAN " LIMIT $2)"}},
    // The chain keeps its digests: only the personal fields go, through the guarded path (0004).
    {"audit_details",
     {"retention_audit_details", "UPDATE audit_events SET ip_address = NULL, user_agent = NULL, "
                                 "details = jsonb_build_object('pseudonymized', true, 'reason', 'retention'), "
                                 "pseudonymized_at = now() WHERE id IN (SELECT id FROM audit_events WHERE hash IS NOT NULL "
                                 "AND pseudonymized_at IS NULL AND occurred_at < " OLDER_THAN " LIMIT $2)"}},
    {"consent_records",
     {"retention_consents", "DELETE FROM consent_records WHERE id IN (SELECT id FROM consent_records WHERE "
                            "status <> 'given' AND withdrawn_at < " OLDER_THAN " LIMIT $2)"}},
};
constexpr db::Statement k_inactive{
    "retention_inactive_users",
    "SELECT id FROM users WHERE NOT is_platform_admin AND coalesce(last_login_at, created_at) < " OLDER_THAN
    " AND id > $2::uuid ORDER BY id LIMIT $3"};
constexpr db::Statement k_audit_guard{"retention_audit_guard", "SELECT set_config('janua.audit_pseudonymize', $1, true)"};
constexpr db::Statement k_schedule_lock{"retention_schedule_lock",
                                        "SELECT pg_advisory_xact_lock(hashtext('janua.compliance.retention'))"};
constexpr db::Statement k_pending{"retention_pending",
                                  "SELECT 1 FROM jobs WHERE kind = 'compliance.retention' AND status = 'pending'"};

bool is_category(const std::string& c) { return std::find(k_categories.begin(), k_categories.end(), c) != k_categories.end(); }

bool kept_for_hipaa(const std::string& c) { return c == "consent_records" || c == "data_subject_requests"; }

// Categories that destroy evidence or accounts apply only when an operator turns them on.
bool opt_in(const std::string& c) { return c == "inactive_users" || c == "audit_details"; }

}  // namespace

nlohmann::json to_json(const RetentionPolicy& p) {
    return {{"category", p.category},
            {"retention_days", p.retention_days},
            {"enabled", p.enabled},
            {"source", p.is_default ? "default" : "policy"},
            {"updated_at", p.updated_at ? nlohmann::json(*p.updated_at) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const RetentionReport& r) {
    return {{"deleted", r.deleted}, {"skipped_users", r.skipped_users}, {"organizations", r.organizations}};
}

Result<std::vector<RetentionPolicy>> ComplianceService::retention_policies() {
    auto rows = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_policies); });
    std::map<std::string, RetentionPolicy> stored;
    for (const auto& r : rows) {
        RetentionPolicy p;
        p.category = r[0].as<std::string>();
        p.retention_days = r[1].as<int>();
        p.enabled = r[2].as<bool>();
        p.updated_at = db::timestamp(r[3]);
        stored[p.category] = p;
    }
    std::vector<RetentionPolicy> out;
    for (const auto& category : k_categories) {
        if (auto it = stored.find(category); it != stored.end()) {
            out.push_back(it->second);
            continue;
        }
        RetentionPolicy p;
        p.category = category;
        p.is_default = true;
        p.enabled = !opt_in(category);
        p.retention_days = m_settings.default_retention_days;
        if (m_settings.hipaa && kept_for_hipaa(category)) p.retention_days = std::max(p.retention_days, k_hipaa_minimum_days);
        out.push_back(p);
    }
    return out;
}

Result<RetentionPolicy> ComplianceService::set_retention_policy(const std::string& category, int days, bool enabled,
                                                                const identity::Actor& actor) {
    if (!is_category(category))
        return detail::invalid("category", "must be one of sessions, jobs, webhook_deliveries, data_subject_requests, "
                                           "consent_records, inactive_users, audit_details");
    if (days < 1 || days > 36500) return detail::invalid("retention_days", "must be between 1 and 36500");
    if (m_settings.hipaa && kept_for_hipaa(category) && days < k_hipaa_minimum_days)
        return detail::invalid("retention_days", "must be at least " + std::to_string(k_hipaa_minimum_days) +
                                                     " for " + category + " while COMPLIANCE_HIPAA_ENABLED is on "
                                                     "(45 CFR 164.316(b)(2))");
    return db::atomically<RetentionPolicy>(m_pool, [&](db::Transaction& tx) -> Result<RetentionPolicy> {
        const std::string by = actor.type + (actor.id ? ":" + *actor.id : std::string());
        auto r = tx.exec(k_upsert, category, days, enabled, by)[0];
        RetentionPolicy p;
        p.category = r[0].as<std::string>();
        p.retention_days = r[1].as<int>();
        p.enabled = r[2].as<bool>();
        p.updated_at = db::timestamp(r[3]);
        detail::record(tx, actor, "compliance.retention_policy_set", "retention_policy", category,
                       {{"retention_days", days}, {"enabled", enabled}});
        return p;
    });
}

Status ComplianceService::delete_retention_policy(const std::string& category, const identity::Actor& actor) {
    if (!is_category(category)) return make_error(ErrorCode::not_found, "no retention policy for '" + category + "'");
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        if (tx.exec(k_delete, category).affected_rows() == 0)
            return make_error(ErrorCode::not_found, "no retention policy for '" + category + "' (the default applies)");
        detail::record(tx, actor, "compliance.retention_policy_deleted", "retention_policy", category);
        return Ok{};
    });
}

Result<RetentionReport> ComplianceService::run_retention(const identity::Actor& actor) {
    auto policies = retention_policies();
    if (!policies) return policies.error();
    RetentionReport report;
    for (const auto& p : *policies) {
        if (!p.enabled) continue;
        long long deleted = 0;
        if (p.category == "inactive_users") {
            // One transaction per person: a refusal (a sole owner) or a failure touches nobody else.
            std::string after = "00000000-0000-0000-0000-000000000000";
            while (true) {
                auto ids = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_inactive, p.retention_days, after, 500); });
                for (const auto& row : ids) {
                    const std::string id = row[0].as<std::string>();
                    auto erased = db::atomically<ErasureReport>(m_pool, [&](db::Transaction& tx) {
                        return erase_in(tx, id, actor, "retention:inactive_users");
                    });
                    if (erased) ++deleted;
                    else report.skipped_users.push_back(id);
                }
                if (ids.size() < 500) break;
                after = ids[ids.size() - 1][0].as<std::string>();
            }
        } else {
            const auto& sweep = k_sweeps.at(p.category);
            while (true) {
                const auto n = m_pool.transact([&](db::Transaction& tx) {
                    const bool audit = p.category == "audit_details";
                    if (audit) tx.exec(k_audit_guard, std::string("on"));
                    const auto changed = static_cast<long long>(tx.exec(sweep, p.retention_days, k_batch).affected_rows());
                    if (audit) tx.exec(k_audit_guard, std::string("off"));
                    return changed;
                });
                deleted += n;
                if (n < k_batch) break;
            }
        }
        report.deleted[p.category] = deleted;
    }
    run_org_retention(actor, *policies, report);
    long long total = 0;
    for (const auto& [category, n] : report.deleted.items()) total += n.get<long long>();
    if (total > 0 || !report.skipped_users.empty()) {
        m_pool.transact([&](db::Transaction& tx) {
            detail::record(tx, actor, "compliance.retention_run", "retention_policy", std::nullopt,
                           {{"deleted", report.deleted}, {"skipped_users", report.skipped_users.size()}});
        });
    }
    return report;
}

void ComplianceService::schedule_retention(std::chrono::milliseconds delay) {
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_schedule_lock);  // two daemons starting together schedule one sweep
        if (!tx.exec(k_pending).empty()) return;
        jobs::NewJob job;
        job.kind = k_retention_job_kind;
        job.max_attempts = 3;
        job.delay = delay;
        (void)jobs::enqueue(tx, job);
    });
}

}  // namespace janua::compliance
