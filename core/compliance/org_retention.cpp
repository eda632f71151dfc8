// Retention set by an organization for its own data, inside the platform's bounds: an
// organization may keep its sessions, its members and the details of its audit entries for
// less time than the platform does, never for longer. The sweep applies the shorter of the two,
// so a platform policy shortened later wins over an older, longer organization setting.
#include "core/compliance/internal.hpp"
#include "core/compliance/service.hpp"

#include <algorithm>
#include <map>

namespace janua::compliance {
namespace {

constexpr int k_batch = 5000;

// The organization's category and the platform category that bounds it.
const std::vector<std::pair<std::string, std::string>> k_org_categories = {
    {"sessions", "sessions"}, {"inactive_members", "inactive_users"}, {"audit_details", "audit_details"}};

constexpr db::Statement k_list{"org_retention_list",
                               "SELECT category, retention_days, updated_at FROM organization_retention_policies "
                               "WHERE organization_id = $1"};
constexpr db::Statement k_all{"org_retention_all",
                              "SELECT organization_id, category, retention_days FROM organization_retention_policies "
                              "ORDER BY organization_id, category"};
constexpr db::Statement k_upsert{
    "org_retention_upsert",
    "INSERT INTO organization_retention_policies (organization_id, category, retention_days, updated_by) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (organization_id, category) DO UPDATE SET retention_days = "
    "EXCLUDED.retention_days, updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING updated_at"};
constexpr db::Statement k_delete{"org_retention_delete",
                                 "DELETE FROM organization_retention_policies WHERE organization_id = $1 AND category = $2"};

// Each touches at most $2 rows of organization $3 older than $1 days; the sweep repeats until done.
#define ORG_OLDER_THAN "now() - make_interval(days => $1)"
const std::map<std::string, db::Statement> k_org_sweeps = {
    {"sessions",
     {"org_retention_sessions", "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE organization_id = $3::uuid "
                                "AND least(coalesce(revoked_at, expires_at), expires_at) < " ORG_OLDER_THAN " LIMIT $2)"}},
    // The membership goes, the account stays; owners are never removed this way.
    {"inactive_members",
     {"org_retention_members",
      "DELETE FROM memberships WHERE organization_id = $3::uuid AND user_id IN (SELECT m.user_id FROM memberships m "
      "JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id JOIN organizations o ON o.id = m.organization_id "
      "WHERE m.organization_id = $3::uuid AND NOT (r.is_system AND r.name = 'owner') AND o.owner_id IS DISTINCT FROM u.id "
      "AND coalesce(u.last_login_at, m.created_at) < " ORG_OLDER_THAN " LIMIT $2)"}},
    {"audit_details",
     {"org_retention_audit", "UPDATE audit_events SET ip_address = NULL, user_agent = NULL, "
                             "details = jsonb_build_object('pseudonymized', true, 'reason', 'retention'), pseudonymized_at = now() "
                             "WHERE id IN (SELECT id FROM audit_events WHERE organization_id = $3::uuid AND hash IS NOT NULL "
                             "AND pseudonymized_at IS NULL AND occurred_at < " ORG_OLDER_THAN " LIMIT $2)"}},
};
constexpr db::Statement k_guard{"org_retention_audit_guard", "SELECT set_config('janua.audit_pseudonymize', $1, true)"};

std::optional<int> bound_of(const std::vector<RetentionPolicy>& platform, const std::string& org_category) {
    for (const auto& [category, bound] : k_org_categories) {
        if (category != org_category) continue;
        for (const auto& p : platform)
            if (p.category == bound && p.enabled) return p.retention_days;
    }
    return std::nullopt;
}

std::optional<int> shorter(std::optional<int> a, std::optional<int> b) {
    if (a && b) return std::min(*a, *b);
    return a ? a : b;
}

bool is_org_category(const std::string& c) {
    return std::any_of(k_org_categories.begin(), k_org_categories.end(), [&](const auto& p) { return p.first == c; });
}

}  // namespace

nlohmann::json to_json(const OrgRetentionPolicy& p) {
    auto days = [](const std::optional<int>& d) { return d ? nlohmann::json(*d) : nlohmann::json(nullptr); };
    return {{"organization_id", p.organization_id},
            {"category", p.category},
            {"retention_days", days(p.retention_days)},
            {"platform_retention_days", days(p.platform_days)},
            {"effective_retention_days", days(p.effective_days)},
            {"updated_at", p.updated_at ? nlohmann::json(*p.updated_at) : nlohmann::json(nullptr)}};
}

Result<std::vector<OrgRetentionPolicy>> ComplianceService::org_retention_policies(const std::string& org_ref) {
    auto platform = retention_policies();
    if (!platform) return platform.error();
    return db::atomically<std::vector<OrgRetentionPolicy>>(m_pool, [&](db::Transaction& tx) -> Result<std::vector<OrgRetentionPolicy>> {
        auto org_id = detail::find_org(tx, org_ref);
        if (!org_id) return org_id.error();
        std::map<std::string, std::pair<int, std::string>> stored;
        for (const auto& r : tx.exec(k_list, *org_id)) stored[r[0].as<std::string>()] = {r[1].as<int>(), db::timestamp(r[2])};
        std::vector<OrgRetentionPolicy> out;
        for (const auto& [category, _] : k_org_categories) {
            OrgRetentionPolicy p;
            p.organization_id = *org_id;
            p.category = category;
            p.platform_days = bound_of(*platform, category);
            if (auto it = stored.find(category); it != stored.end()) {
                p.retention_days = it->second.first;
                p.updated_at = it->second.second;
            }
            p.effective_days = shorter(p.retention_days, p.platform_days);
            out.push_back(p);
        }
        return out;
    });
}

Result<OrgRetentionPolicy> ComplianceService::set_org_retention_policy(const std::string& org_ref, const std::string& category,
                                                                       int days, const identity::Actor& actor) {
    if (!is_org_category(category)) return detail::invalid("category", "must be one of sessions, inactive_members, audit_details");
    if (days < 1 || days > 36500) return detail::invalid("retention_days", "must be between 1 and 36500");
    auto platform = retention_policies();
    if (!platform) return platform.error();
    const auto bound = bound_of(*platform, category);
    if (bound && days > *bound)
        return detail::invalid("retention_days", "must be at most " + std::to_string(*bound) + ": the platform keeps " + category +
                                                     " for " + std::to_string(*bound) +
                                                     " days, and an organization may only shorten that");
    return db::atomically<OrgRetentionPolicy>(m_pool, [&](db::Transaction& tx) -> Result<OrgRetentionPolicy> {
        auto org_id = detail::find_org(tx, org_ref);
        if (!org_id) return org_id.error();
        const std::string by = actor.type + (actor.id ? ":" + *actor.id : std::string());
        OrgRetentionPolicy p;
        p.organization_id = *org_id;
        p.category = category;
        p.retention_days = days;
        p.platform_days = bound;
        p.effective_days = shorter(days, bound);
        p.updated_at = db::timestamp(tx.exec(k_upsert, *org_id, category, days, by)[0][0]);
        detail::record_in_org(tx, actor, *org_id, "compliance.org_retention_policy_set", "retention_policy", category,
                              {{"retention_days", days}});
        return p;
    });
}

Status ComplianceService::delete_org_retention_policy(const std::string& org_ref, const std::string& category,
                                                      const identity::Actor& actor) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Status {
        auto org_id = detail::find_org(tx, org_ref);
        if (!org_id) return org_id.error();
        if (!is_org_category(category) || tx.exec(k_delete, *org_id, category).affected_rows() == 0)
            return make_error(ErrorCode::not_found, "the organization has no retention policy for '" + category.substr(0, 64) +
                                                        "' (the platform's applies)");
        detail::record_in_org(tx, actor, *org_id, "compliance.org_retention_policy_deleted", "retention_policy", category);
        return Ok{};
    });
}

void ComplianceService::run_org_retention(const identity::Actor& actor, const std::vector<RetentionPolicy>& platform,
                                          RetentionReport& report) {
    auto rows = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_all); });
    for (const auto& row : rows) {
        const std::string org_id = row[0].as<std::string>();
        const std::string category = row[1].as<std::string>();
        const auto sweep = k_org_sweeps.find(category);
        if (sweep == k_org_sweeps.end()) continue;
        const int days = *shorter(row[2].as<int>(), bound_of(platform, category));
        long long total = 0;
        while (true) {
            // Each batch and its audit entry commit together.
            const auto n = m_pool.transact([&](db::Transaction& tx) {
                if (category == "audit_details") tx.exec(k_guard, std::string("on"));
                const auto changed = static_cast<long long>(tx.exec(sweep->second, days, k_batch, org_id).affected_rows());
                if (category == "audit_details") tx.exec(k_guard, std::string("off"));
                if (changed > 0)
                    detail::record_in_org(tx, actor, org_id, "compliance.org_retention_applied", "retention_policy", category,
                                          {{"retention_days", days}, {"count", changed}});
                return changed;
            });
            total += n;
            if (n < k_batch) break;
        }
        if (total > 0) report.organizations[org_id][category] = total;
    }
}

}  // namespace janua::compliance
