#include "core/billing/billing_service.hpp"

#include "core/audit/audit.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/audit_events.hpp"
#include "core/orgs/org_repository.hpp"
#include "core/orgs/org_service.hpp"

namespace janua::billing {
namespace {

using db::Statement;

#define JANUA_PLAN_COLUMNS \
    "id, name, description, max_members, sso_allowed, scim_allowed, is_default, metadata::text, created_at, updated_at"

constexpr Statement k_list{"billing_plans_list", "SELECT " JANUA_PLAN_COLUMNS " FROM billing_plans ORDER BY created_at, id"};
constexpr Statement k_find{"billing_plans_find", "SELECT " JANUA_PLAN_COLUMNS " FROM billing_plans WHERE id = $1"};
constexpr Statement k_find_locked{"billing_plans_find_locked",
                                  "SELECT " JANUA_PLAN_COLUMNS " FROM billing_plans WHERE id = $1 FOR UPDATE"};
constexpr Statement k_clear_default{"billing_plans_clear_default",
                                    "UPDATE billing_plans SET is_default = false, updated_at = now() WHERE is_default AND id <> $1"};
constexpr Statement k_insert{
    "billing_plans_insert",
    "INSERT INTO billing_plans (id, name, description, max_members, sso_allowed, scim_allowed, is_default, metadata) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (id) DO NOTHING RETURNING " JANUA_PLAN_COLUMNS};
constexpr Statement k_update{
    "billing_plans_update",
    "UPDATE billing_plans SET name = $2, description = $3, max_members = $4, sso_allowed = $5, scim_allowed = $6, "
    "is_default = $7, metadata = $8::jsonb, updated_at = now() WHERE id = $1 RETURNING " JANUA_PLAN_COLUMNS};
constexpr Statement k_delete{"billing_plans_delete", "DELETE FROM billing_plans WHERE id = $1"};
constexpr Statement k_plan_in_use{"billing_plans_in_use", "SELECT count(*) FROM billing_subscriptions WHERE plan_id = $1"};

constexpr Statement k_subscription{
    "billing_subscription_find",
    "SELECT plan_id, status, current_period_end, provider, updated_at, extract(epoch FROM last_event_at)::bigint "
    "FROM billing_subscriptions "
    "WHERE organization_id = $1 FOR UPDATE"};
constexpr Statement k_upsert_subscription{
    "billing_subscription_upsert",
    "INSERT INTO billing_subscriptions (organization_id, plan_id, status, current_period_end, provider, external_id, "
    "last_event_at) VALUES ($1, $2, $3, $4::timestamptz, $5, $6, to_timestamp($7::float8)) "
    "ON CONFLICT (organization_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, status = EXCLUDED.status, "
    "current_period_end = EXCLUDED.current_period_end, provider = EXCLUDED.provider, "
    "external_id = coalesce(EXCLUDED.external_id, billing_subscriptions.external_id), "
    "last_event_at = coalesce(EXCLUDED.last_event_at, billing_subscriptions.last_event_at), updated_at = now()"};
constexpr Statement k_delete_subscription{"billing_subscription_delete",
                                          "DELETE FROM billing_subscriptions WHERE organization_id = $1"};
constexpr Statement k_mark_stale{"billing_events_stale", "UPDATE billing_events SET outcome = 'stale' WHERE event_id = $1"};
constexpr Statement k_count_members{"billing_members", "SELECT count(*) FROM memberships WHERE organization_id = $1"};
constexpr Statement k_record_event{
    "billing_events_insert",
    "INSERT INTO billing_events (event_id, event_type, organization_id, outcome) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (event_id) DO NOTHING"};

Plan plan_from(const pqxx::row& r) {
    Plan p;
    p.id = r[0].as<std::string>();
    p.name = r[1].as<std::string>();
    p.description = r[2].as<std::string>();
    if (!r[3].is_null()) p.max_members = r[3].as<int>();
    p.sso_allowed = r[4].as<bool>();
    p.scim_allowed = r[5].as<bool>();
    p.is_default = r[6].as<bool>();
    p.metadata = nlohmann::json::parse(r[7].as<std::string>());
    p.created_at = db::timestamp(r[8]);
    p.updated_at = db::timestamp(r[9]);
    return p;
}

Error plan_not_found() { return make_error(ErrorCode::not_found, "plan not found"); }

Error unknown_plan(const std::string& id) {
    Error e = make_error(ErrorCode::validation, "there is no plan '" + id.substr(0, 100) + "'; create it first (POST /api/v1/billing/plans)");
    e.details = nlohmann::json::array({{{"field", "plan_id"}, {"message", "is not a plan"}}});
    return e;
}

audit::Event admin_event(const std::string& action, const identity::Actor& actor) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    return e;
}

std::optional<int> as_optional(const std::optional<std::optional<int>>& v, const std::optional<int>& current) {
    return v ? *v : current;
}

Subscription load(db::Transaction& tx, const std::string& org_id) {
    Subscription s;
    s.organization_id = org_id;
    auto row = tx.exec(k_subscription, org_id);
    const bool current = !row.empty() && row[0][1].as<std::string>() != "canceled";
    if (!row.empty()) {
        s.subscribed_plan_id = row[0][0].as<std::string>();
        s.status = row[0][1].as<std::string>();
        if (!row[0][2].is_null()) s.current_period_end = db::timestamp(row[0][2]);
        s.provider = row[0][3].as<std::string>();
        s.updated_at = db::timestamp(row[0][4]);
    }
    if (auto effective = effective_plan(tx, org_id)) {
        auto plan = tx.exec(k_find, effective->id);
        if (!plan.empty()) s.plan = plan_from(plan[0]);
    }
    s.source = current ? "subscription" : s.plan ? "default" : "none";
    s.members = tx.exec(k_count_members, org_id)[0][0].as<int>();
    return s;
}

std::optional<double> unix_or_null(const std::optional<std::int64_t>& t) {
    if (!t) return std::nullopt;
    return static_cast<double>(*t);
}

}  // namespace

std::vector<Plan> BillingService::plans() {
    return m_pool.read([&](db::Transaction& tx) {
        std::vector<Plan> out;
        for (const auto& row : tx.exec(k_list)) out.push_back(plan_from(row));
        return out;
    });
}

Result<Plan> BillingService::plan(const std::string& id) {
    return m_pool.read([&](db::Transaction& tx) -> Result<Plan> {
        auto r = tx.exec(k_find, id);
        if (r.empty()) return plan_not_found();
        return plan_from(r[0]);
    });
}

Result<Plan> BillingService::create_plan(const PlanSpec& spec, const identity::Actor& actor) {
    return db::atomically<Plan>(m_pool, [&](db::Transaction& tx) -> Result<Plan> {
        const bool is_default = spec.is_default.value_or(false);
        if (is_default) tx.exec(k_clear_default, *spec.id);
        auto r = tx.exec(k_insert, *spec.id, *spec.name, spec.description.value_or(""), as_optional(spec.max_members, std::nullopt),
                         spec.sso_allowed.value_or(true), spec.scim_allowed.value_or(true), is_default,
                         spec.metadata.value_or(nlohmann::json::object()).dump());
        if (r.empty()) return make_error(ErrorCode::conflict, "a plan with id '" + *spec.id + "' exists");
        Plan plan = plan_from(r[0]);
        auto e = admin_event("billing.plan_created", actor);
        e.target_type = "billing_plan";
        e.target_id = plan.id;
        e.details = {{"plan", to_json(plan)}};
        audit::record(tx, e);
        return plan;
    });
}

Result<Plan> BillingService::update_plan(const std::string& id, const PlanSpec& spec, const identity::Actor& actor) {
    return db::atomically<Plan>(m_pool, [&](db::Transaction& tx) -> Result<Plan> {
        auto r = tx.exec(k_find_locked, id);
        if (r.empty()) return plan_not_found();
        const Plan before = plan_from(r[0]);
        Plan next = before;
        if (spec.name) next.name = *spec.name;
        if (spec.description) next.description = *spec.description;
        next.max_members = as_optional(spec.max_members, before.max_members);
        if (spec.sso_allowed) next.sso_allowed = *spec.sso_allowed;
        if (spec.scim_allowed) next.scim_allowed = *spec.scim_allowed;
        if (spec.is_default) next.is_default = *spec.is_default;
        if (spec.metadata) next.metadata = *spec.metadata;
        if (next.is_default) tx.exec(k_clear_default, id);
        Plan saved = plan_from(tx.exec(k_update, id, next.name, next.description, next.max_members, next.sso_allowed,
                                       next.scim_allowed, next.is_default, next.metadata.dump())[0]);
        auto e = admin_event("billing.plan_updated", actor);
        e.target_type = "billing_plan";
        e.target_id = id;
        e.details = {{"before", to_json(before)}, {"after", to_json(saved)}};
        audit::record(tx, e);
        return saved;
    });
}

Status BillingService::delete_plan(const std::string& id, const identity::Actor& actor) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Result<Ok> {
        auto r = tx.exec(k_find_locked, id);
        if (r.empty()) return plan_not_found();
        const int in_use = tx.exec(k_plan_in_use, id)[0][0].as<int>();
        if (in_use > 0)
            return make_error(ErrorCode::conflict, "the plan is used by " + std::to_string(in_use) +
                                                       " subscription(s); move them to another plan first");
        tx.exec(k_delete, id);
        auto e = admin_event("billing.plan_deleted", actor);
        e.target_type = "billing_plan";
        e.target_id = id;
        e.details = {{"plan", to_json(plan_from(r[0]))}};
        audit::record(tx, e);
        return Ok{};
    });
}

Result<Subscription> BillingService::subscription(const std::string& org_ref) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<Subscription> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        return load(tx, org->id);
    });
}

Result<Subscription> BillingService::set_subscription(const std::string& org_ref, const SubscriptionSpec& spec,
                                                      const identity::Actor& actor) {
    return db::atomically<Subscription>(m_pool, [&](db::Transaction& tx) -> Result<Subscription> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        if (tx.exec(k_find, spec.plan_id).empty()) return unknown_plan(spec.plan_id);
        const Subscription before = load(tx, org->id);
        tx.exec(k_upsert_subscription, org->id, spec.plan_id, spec.status, spec.current_period_end, std::string("manual"),
                std::optional<std::string>{}, std::optional<double>{});
        Subscription after = load(tx, org->id);
        auto e = admin_event("billing.subscription_updated", actor);
        e.organization_id = org->id;
        e.target_type = "organization";
        e.target_id = org->id;
        e.details = {{"via", "admin"},
                     {"plan_id", spec.plan_id},
                     {"status", spec.status},
                     {"current_period_end", after.current_period_end ? nlohmann::json(*after.current_period_end) : nlohmann::json(nullptr)},
                     {"previous_plan_id", before.subscribed_plan_id ? nlohmann::json(*before.subscribed_plan_id) : nlohmann::json(nullptr)},
                     {"previous_status", before.status ? nlohmann::json(*before.status) : nlohmann::json(nullptr)}};
        audit::record(tx, e);
        return after;
    });
}

Status BillingService::remove_subscription(const std::string& org_ref, const identity::Actor& actor) {
    return db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Result<Ok> {
        auto org = orgs::repo::find(tx, org_ref);
        if (!org) return orgs::organization_not_found();
        const Subscription before = load(tx, org->id);
        if (!before.status) return make_error(ErrorCode::not_found, "the organization has no subscription");
        tx.exec(k_delete_subscription, org->id);
        auto e = admin_event("billing.subscription_removed", actor);
        e.organization_id = org->id;
        e.target_type = "organization";
        e.target_id = org->id;
        e.details = {{"via", "admin"}, {"previous_plan_id", *before.subscribed_plan_id}, {"previous_status", *before.status}};
        audit::record(tx, e);
        return Ok{};
    });
}

Result<WebhookOutcome> BillingService::receive(const std::string& signature, const std::string& body, std::int64_t now,
                                               const identity::RequestMeta& meta) {
    if (!webhook_enabled())
        return make_error(ErrorCode::not_found, "the billing webhook is not configured (BILLING_WEBHOOK_SECRET)");
    if (auto verified = verify_signature(signature, body, m_settings.webhook_secret, now, m_settings.tolerance_seconds); !verified)
        return verified.error();
    auto event = parse_event(body);
    if (!event) return event.error();
    const auto& ev = *event;
    return db::atomically<WebhookOutcome>(m_pool, [&](db::Transaction& tx) -> Result<WebhookOutcome> {
        WebhookOutcome out{ev.id, "applied"};
        // The event id is claimed first: a concurrent redelivery waits here, then sees it taken.
        if (tx.exec(k_record_event, ev.id, ev.type, ev.organization_id, std::string("applied")).affected_rows() == 0) {
            out.outcome = "duplicate";
            return out;
        }
        auto org = orgs::repo::find(tx, ev.organization_id);
        if (!org) {
            Error e = make_error(ErrorCode::validation, "event data.organization_id names no organization");
            e.details = nlohmann::json::array({{{"field", "data.organization_id"}, {"message", "is not an organization"}}});
            return e;
        }
        auto current = tx.exec(k_subscription, org->id);
        std::string plan_id = ev.plan_id.value_or("");
        if (plan_id.empty()) {
            if (current.empty()) return make_error(ErrorCode::validation, "the organization has no subscription to cancel; give data.plan_id");
            plan_id = current[0][0].as<std::string>();
        }
        if (tx.exec(k_find, plan_id).empty()) return unknown_plan(plan_id);
        // Providers do not promise order: an event older than the one applied last changes nothing.
        if (ev.created && !current.empty() && !current[0][5].is_null()) {
            if (*ev.created < current[0][5].as<std::int64_t>()) {
                tx.exec(k_mark_stale, ev.id);
                out.outcome = "stale";
                return out;
            }
        }
        tx.exec(k_upsert_subscription, org->id, plan_id, ev.status, ev.current_period_end, ev.provider, ev.external_id,
                unix_or_null(ev.created ? ev.created : std::optional<std::int64_t>(now)));
        auto e = identity::request_event("billing.subscription_updated", meta);
        e.actor_type = "system";
        e.organization_id = org->id;
        e.target_type = "organization";
        e.target_id = org->id;
        e.details = {{"via", "webhook"},
                     {"event_id", ev.id},
                     {"event_type", ev.type},
                     {"provider", ev.provider},
                     {"plan_id", plan_id},
                     {"status", ev.status},
                     {"current_period_end", ev.current_period_end ? nlohmann::json(*ev.current_period_end) : nlohmann::json(nullptr)},
                     {"previous_plan_id", current.empty() ? nlohmann::json(nullptr) : nlohmann::json(current[0][0].as<std::string>())},
                     {"previous_status", current.empty() ? nlohmann::json(nullptr) : nlohmann::json(current[0][1].as<std::string>())}};
        audit::record(tx, e);
        return out;
    });
}

}  // namespace janua::billing
