#include "core/billing/limits.hpp"

namespace janua::billing {
namespace {

using db::Statement;

constexpr Statement k_effective{
    "billing_effective_plan",
    "SELECT p.id, p.name, p.max_members, p.sso_allowed, p.scim_allowed FROM billing_plans p WHERE p.id = coalesce("
    "(SELECT s.plan_id FROM billing_subscriptions s WHERE s.organization_id = $1 AND s.status <> 'canceled'), "
    "(SELECT d.id FROM billing_plans d WHERE d.is_default))"};
constexpr Statement k_lock_org{"billing_lock_org", "SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE"};
constexpr Statement k_count_members{"billing_count_members", "SELECT count(*) FROM memberships WHERE organization_id = $1"};

Error refused(const EffectivePlan& plan, const std::string& limit, const std::string& message) {
    Error e = make_error(ErrorCode::authorization, message);
    e.details = {{"reason", "plan_limit"}, {"limit", limit}, {"plan_id", plan.id}};
    return e;
}

}  // namespace

std::optional<EffectivePlan> effective_plan(db::Transaction& tx, const std::string& org_id) {
    auto r = tx.exec(k_effective, org_id);
    if (r.empty()) return std::nullopt;
    EffectivePlan p;
    p.id = r[0][0].as<std::string>();
    p.name = r[0][1].as<std::string>();
    if (!r[0][2].is_null()) p.max_members = r[0][2].as<int>();
    p.sso_allowed = r[0][3].as<bool>();
    p.scim_allowed = r[0][4].as<bool>();
    return p;
}

Status require_member_slot(db::Transaction& tx, const std::string& org_id) {
    auto plan = effective_plan(tx, org_id);
    if (!plan || !plan->max_members) return Ok{};
    tx.exec(k_lock_org, org_id);
    const int members = tx.exec(k_count_members, org_id)[0][0].as<int>();
    if (members < *plan->max_members) return Ok{};
    Error e = refused(*plan, "max_members",
                      "the organization's plan '" + plan->name + "' allows " + std::to_string(*plan->max_members) +
                          " members and it has " + std::to_string(members) +
                          "; remove a member or move the organization to a larger plan");
    e.details["max_members"] = *plan->max_members;
    e.details["members"] = members;
    return e;
}

Status require_feature(db::Transaction& tx, const std::string& org_id, Feature feature) {
    auto plan = effective_plan(tx, org_id);
    if (!plan) return Ok{};
    if (feature == Feature::sso && !plan->sso_allowed)
        return refused(*plan, "sso_allowed",
                       "the organization's plan '" + plan->name +
                           "' does not include SSO connections; move the organization to a plan with SSO");
    if (feature == Feature::scim && !plan->scim_allowed)
        return refused(*plan, "scim_allowed",
                       "the organization's plan '" + plan->name +
                           "' does not include SCIM provisioning; move the organization to a plan with SCIM");
    return Ok{};
}

}  // namespace janua::billing
