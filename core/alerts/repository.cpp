#include "core/alerts/repository.hpp"

namespace janua::alerts {
namespace {

#define JANUA_RULE_COLUMNS                                                                                     \
    "id::text, organization_id::text, name, description, action, outcome, details_match::text, threshold, "   \
    "window_seconds, group_by, cooldown_seconds, severity, enabled, channels::text, created_at, updated_at"

// Platform scope ($1 NULL) matches rows of no organization only: a platform rule never shows up
// in an organization's list and the other way round.
#define JANUA_SCOPE "organization_id IS NOT DISTINCT FROM $1::uuid"

constexpr db::Statement k_rules{"alert_rules_list",
                                "SELECT " JANUA_RULE_COLUMNS " FROM alert_rules WHERE " JANUA_SCOPE
                                " ORDER BY created_at, id"};
constexpr db::Statement k_enabled{"alert_rules_enabled",
                                  "SELECT " JANUA_RULE_COLUMNS " FROM alert_rules WHERE enabled ORDER BY created_at, id"};
constexpr db::Statement k_find{"alert_rules_find",
                               "SELECT " JANUA_RULE_COLUMNS " FROM alert_rules WHERE " JANUA_SCOPE " AND id = $2::uuid"};
constexpr db::Statement k_count{"alert_rules_count", "SELECT count(*) FROM alert_rules WHERE " JANUA_SCOPE};
constexpr db::Statement k_insert{
    "alert_rules_insert",
    "INSERT INTO alert_rules (organization_id, name, description, action, outcome, details_match, threshold,"
    " window_seconds, group_by, cooldown_seconds, severity, enabled, channels, created_by)"
    " VALUES ($1::uuid, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::uuid)"
    " RETURNING " JANUA_RULE_COLUMNS};
constexpr db::Statement k_update{
    "alert_rules_update",
    "UPDATE alert_rules SET name = $3, description = $4, action = $5, outcome = $6, details_match = $7::jsonb,"
    " threshold = $8, window_seconds = $9, group_by = $10, cooldown_seconds = $11, severity = $12, enabled = $13,"
    " channels = $14::jsonb, updated_at = now()"
    " WHERE " JANUA_SCOPE " AND id = $2::uuid RETURNING " JANUA_RULE_COLUMNS};
constexpr db::Statement k_delete{"alert_rules_delete",
                                 "DELETE FROM alert_rules WHERE " JANUA_SCOPE " AND id = $2::uuid"};
constexpr db::Statement k_webhook_exists{
    "alert_webhook_exists",
    "SELECT 1 FROM webhook_endpoints WHERE id = $2::uuid AND ($1::uuid IS NULL OR organization_id = $1::uuid)"};
constexpr db::Statement k_member_address{
    "alert_member_address",
    "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id "
    "WHERE m.organization_id = $1::uuid AND lower(u.email) = lower($2) AND u.email_verified"};

#define JANUA_INSTANCE_COLUMNS                                                                                   \
    "i.id::text, i.rule_id::text, r.name, r.severity, i.organization_id::text, i.group_key, i.state, i.event_count," \
    " i.first_seq, i.last_seq, i.window_start, i.window_end, i.fired_at, i.audit_event_id::text,"                   \
    " i.acknowledged_at, i.acknowledged_by, i.acknowledgement_note"

constexpr db::Statement k_instances{
    "alert_instances_list",
    "SELECT " JANUA_INSTANCE_COLUMNS " FROM alert_instances i JOIN alert_rules r ON r.id = i.rule_id"
    " WHERE i.organization_id IS NOT DISTINCT FROM $1::uuid AND ($2::text IS NULL OR i.state = $2)"
    " AND ($3::uuid IS NULL OR i.rule_id = $3::uuid)"
    " AND ($4::timestamptz IS NULL OR (i.fired_at, i.id) < ($4::timestamptz, $5::uuid))"
    " ORDER BY i.fired_at DESC, i.id DESC LIMIT $6"};
constexpr db::Statement k_find_instance{
    "alert_instances_find",
    "SELECT " JANUA_INSTANCE_COLUMNS " FROM alert_instances i JOIN alert_rules r ON r.id = i.rule_id"
    " WHERE i.organization_id IS NOT DISTINCT FROM $1::uuid AND i.id = $2::uuid"};
constexpr db::Statement k_acknowledge{
    "alert_instances_acknowledge",
    "UPDATE alert_instances SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $3,"
    " acknowledgement_note = $4"
    " WHERE organization_id IS NOT DISTINCT FROM $1::uuid AND id = $2::uuid AND state = 'open' RETURNING id"};
constexpr db::Statement k_stats{
    "alert_instances_stats",
    "SELECT r.id::text, r.name, r.severity, count(*) FILTER (WHERE i.state = 'open'),"
    " count(*) FILTER (WHERE i.state = 'acknowledged'), count(*)"
    " FROM alert_instances i JOIN alert_rules r ON r.id = i.rule_id"
    " WHERE i.organization_id IS NOT DISTINCT FROM $1::uuid"
    " AND i.fired_at >= $2::timestamptz AND i.fired_at < $3::timestamptz"
    " GROUP BY r.id, r.name, r.severity ORDER BY count(*) DESC, r.name"};

constexpr db::Statement k_range{"alert_stats_range",
                                "SELECT coalesce($1::timestamptz, now() - interval '7 days'),"
                                " coalesce($2::timestamptz, now() + interval '1 second')"};

Rule rule_from(const pqxx::row& row) {
    Rule r;
    r.id = row[0].as<std::string>();
    r.organization_id = db::optional_field<std::string>(row[1]);
    r.name = row[2].as<std::string>();
    r.description = db::optional_field<std::string>(row[3]);
    r.action = row[4].as<std::string>();
    r.outcome = db::optional_field<std::string>(row[5]);
    r.details_match = row[6].is_null() ? nlohmann::json() : nlohmann::json::parse(row[6].as<std::string>(), nullptr, false);
    r.threshold = row[7].as<int>();
    r.window_seconds = row[8].as<int>();
    r.group_by = row[9].as<std::string>();
    r.cooldown_seconds = row[10].as<int>();
    r.severity = row[11].as<std::string>();
    r.enabled = row[12].as<bool>();
    r.channels = channels_from_json(nlohmann::json::parse(row[13].as<std::string>(), nullptr, false));
    r.created_at = db::timestamp(row[14]);
    r.updated_at = db::timestamp(row[15]);
    return r;
}

Instance instance_from(const pqxx::row& row) {
    Instance i;
    i.id = row[0].as<std::string>();
    i.rule_id = row[1].as<std::string>();
    i.rule_name = row[2].as<std::string>();
    i.severity = row[3].as<std::string>();
    i.organization_id = db::optional_field<std::string>(row[4]);
    i.group_key = row[5].as<std::string>();
    i.state = row[6].as<std::string>();
    i.event_count = row[7].as<int>();
    i.first_seq = row[8].as<long long>();
    i.last_seq = row[9].as<long long>();
    i.window_start = db::timestamp(row[10]);
    i.window_end = db::timestamp(row[11]);
    i.fired_at = db::timestamp(row[12]);
    i.audit_event_id = db::optional_field<std::string>(row[13]);
    if (!row[14].is_null()) i.acknowledged_at = db::timestamp(row[14]);
    i.acknowledged_by = db::optional_field<std::string>(row[15]);
    i.acknowledgement_note = db::optional_field<std::string>(row[16]);
    return i;
}

std::optional<std::string> details_text(const Rule& r) {
    if (r.details_match.is_null()) return std::nullopt;
    return r.details_match.dump();
}

nlohmann::json opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json to_json(const Instance& i) {
    nlohmann::json acknowledgement = nullptr;
    if (i.acknowledged_at)
        acknowledgement = {{"at", *i.acknowledged_at}, {"by", opt(i.acknowledged_by)}, {"note", opt(i.acknowledgement_note)}};
    return {{"id", i.id},
            {"rule_id", i.rule_id},
            {"rule_name", i.rule_name},
            {"severity", i.severity},
            {"organization_id", opt(i.organization_id)},
            {"group_key", i.group_key},
            {"state", i.state},
            {"event_count", i.event_count},
            {"first_seq", i.first_seq},
            {"last_seq", i.last_seq},
            {"window_start", i.window_start},
            {"window_end", i.window_end},
            {"fired_at", i.fired_at},
            {"audit_event_id", opt(i.audit_event_id)},
            {"acknowledgement", acknowledgement}};
}

namespace repo {

std::vector<Rule> rules(db::Transaction& tx, const Scope& organization_id) {
    std::vector<Rule> out;
    for (const auto& row : tx.exec(k_rules, organization_id)) out.push_back(rule_from(row));
    return out;
}

std::vector<Rule> enabled_rules(db::Transaction& tx) {
    std::vector<Rule> out;
    for (const auto& row : tx.exec(k_enabled)) out.push_back(rule_from(row));
    return out;
}

std::optional<Rule> find_rule(db::Transaction& tx, const Scope& organization_id, const std::string& id) {
    auto rows = tx.exec(k_find, organization_id, id);
    if (rows.empty()) return std::nullopt;
    return rule_from(rows[0]);
}

int count_rules(db::Transaction& tx, const Scope& organization_id) {
    return tx.exec(k_count, organization_id)[0][0].as<int>();
}

Rule insert_rule(db::Transaction& tx, const Rule& r, const std::optional<std::string>& created_by) {
    return rule_from(tx.exec(k_insert, r.organization_id, r.name, r.description, r.action, r.outcome, details_text(r),
                             r.threshold, r.window_seconds, r.group_by, r.cooldown_seconds, r.severity, r.enabled,
                             channels_to_json(r.channels).dump(), created_by)[0]);
}

std::optional<Rule> update_rule(db::Transaction& tx, const Rule& r) {
    auto rows = tx.exec(k_update, r.organization_id, r.id, r.name, r.description, r.action, r.outcome, details_text(r),
                        r.threshold, r.window_seconds, r.group_by, r.cooldown_seconds, r.severity, r.enabled,
                        channels_to_json(r.channels).dump());
    if (rows.empty()) return std::nullopt;
    return rule_from(rows[0]);
}

bool delete_rule(db::Transaction& tx, const Scope& organization_id, const std::string& id) {
    return tx.exec(k_delete, organization_id, id).affected_rows() > 0;
}

bool webhook_exists(db::Transaction& tx, const Scope& organization_id, const std::string& webhook_id) {
    return !tx.exec(k_webhook_exists, organization_id, webhook_id).empty();
}

bool is_member_address(db::Transaction& tx, const std::string& organization_id, const std::string& address) {
    return !tx.exec(k_member_address, organization_id, address).empty();
}

std::vector<Instance> instances(db::Transaction& tx, const InstanceQuery& q) {
    std::vector<Instance> out;
    for (const auto& row : tx.exec(k_instances, q.organization_id, q.state, q.rule_id, q.before_time, q.before_id, q.limit))
        out.push_back(instance_from(row));
    return out;
}

std::optional<Instance> find_instance(db::Transaction& tx, const Scope& organization_id, const std::string& id) {
    auto rows = tx.exec(k_find_instance, organization_id, id);
    if (rows.empty()) return std::nullopt;
    return instance_from(rows[0]);
}

std::optional<Instance> acknowledge(db::Transaction& tx, const Scope& organization_id, const std::string& id,
                                    const std::string& by, const std::optional<std::string>& note) {
    if (tx.exec(k_acknowledge, organization_id, id, by, note).empty()) return std::nullopt;
    return find_instance(tx, organization_id, id);
}

nlohmann::json stats(db::Transaction& tx, const Scope& organization_id, const std::optional<std::string>& from,
                     const std::optional<std::string>& to) {
    const auto range = tx.exec(k_range, from, to)[0];
    const std::string since = db::timestamp(range[0]), until = db::timestamp(range[1]);
    nlohmann::json by_rule = nlohmann::json::array();
    long long open = 0, acknowledged = 0;
    for (const auto& row : tx.exec(k_stats, organization_id, since, until)) {
        open += row[3].as<long long>();
        acknowledged += row[4].as<long long>();
        by_rule.push_back({{"rule_id", row[0].as<std::string>()},
                           {"rule_name", row[1].as<std::string>()},
                           {"severity", row[2].as<std::string>()},
                           {"open", row[3].as<long long>()},
                           {"acknowledged", row[4].as<long long>()},
                           {"total", row[5].as<long long>()}});
    }
    return {{"since", since},
            {"until", until},
            {"total", open + acknowledged},
            {"by_state", {{"open", open}, {"acknowledged", acknowledged}}},
            {"by_rule", by_rule}};
}

}  // namespace repo
}  // namespace janua::alerts
