#include "core/alerts/evaluator.hpp"

#include "core/alerts/repository.hpp"
#include "core/audit/audit.hpp"
#include "core/jobs/enqueue.hpp"
#include "core/mail/email_job.hpp"

namespace janua::alerts {
namespace {

constexpr db::Statement k_lock_cursor{"alert_cursor_lock", "SELECT last_seq FROM alert_cursor WHERE singleton FOR UPDATE"};
constexpr db::Statement k_move_cursor{"alert_cursor_move", "UPDATE alert_cursor SET last_seq = $1 WHERE singleton"};
constexpr db::Statement k_new_entries{
    "alert_new_entries",
    "SELECT seq, occurred_at, organization_id::text, action, outcome, actor_id, ip_address, target_id, details::text"
    " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"};
// The previous alert of a rule's group, and whether `t` falls in its cooldown (measured in audit
// time from the last entry it counted, so a slow pass does not stretch it).
// Entries of a rule's group within (t - window, t], after its previous alert of that group.
constexpr db::Statement k_count{
    "alert_window_count",
    "SELECT count(*), min(seq), min(occurred_at) FROM audit_events"
    " WHERE seq > $1 AND seq <= $2 AND occurred_at > $3::timestamptz - make_interval(secs => $4)"
    " AND ($5 = '*' OR action = $5 OR (right($5, 2) = '.*' AND starts_with(action, left($5, -1))))"
    " AND NOT starts_with(action, 'alert.')"
    " AND ($6::text IS NULL OR outcome = $6)"
    " AND ($7::uuid IS NULL OR organization_id = $7::uuid)"
    " AND ($8::jsonb IS NULL OR details @> $8::jsonb)"
    " AND (CASE $9 WHEN 'actor' THEN coalesce(actor_id, '') WHEN 'ip' THEN coalesce(ip_address, '')"
    "      WHEN 'target' THEN coalesce(target_id, '') ELSE '' END) = $10"};
constexpr db::Statement k_last_alert{
    "alert_last_of_group",
    "SELECT last_seq, $4 > 0 AND window_end > $3::timestamptz - make_interval(secs => $4) FROM alert_instances"
    " WHERE rule_id = $1::uuid AND group_key = $2 ORDER BY last_seq DESC LIMIT 1"};
constexpr db::Statement k_insert_alert{
    "alert_insert",
    "INSERT INTO alert_instances (rule_id, organization_id, group_key, event_count, first_seq, last_seq,"
    " window_start, window_end) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz)"
    " ON CONFLICT ON CONSTRAINT alert_instances_once DO NOTHING RETURNING id::text, fired_at"};
constexpr db::Statement k_link_audit{"alert_link_audit",
                                     "UPDATE alert_instances SET audit_event_id = $2::uuid WHERE id = $1::uuid"};
// A webhook channel whose endpoint already receives alert.fired through its own subscription
// (same organization, enabled, subscribed) gets it that way, not twice.
constexpr db::Statement k_webhook_target{
    "alert_webhook_target",
    "SELECT NOT (w.enabled AND w.organization_id IS NOT DISTINCT FROM $2::uuid AND EXISTS ("
    "   SELECT 1 FROM unnest(w.event_types) t WHERE t IN ('*', 'alert.*', 'alert.fired')))"
    " FROM webhook_endpoints w WHERE w.id = $1::uuid AND ($2::uuid IS NULL OR w.organization_id = $2::uuid)"};

struct Entry {
    long long seq = 0;
    std::string occurred_at;
    std::optional<std::string> organization_id;
    std::string action;
    std::string outcome;
    std::optional<std::string> actor_id, ip, target_id;
    nlohmann::json details;
};

bool passes(const Rule& rule, const Entry& e) {
    if (e.action.rfind("alert.", 0) == 0) return false;
    if (rule.organization_id && e.organization_id != rule.organization_id) return false;
    if (rule.outcome && e.outcome != *rule.outcome) return false;
    const auto& p = rule.action;
    const bool action_ok = p == "*" || p == e.action ||
                           (p.size() > 2 && p.ends_with(".*") && e.action.rfind(p.substr(0, p.size() - 1), 0) == 0);
    if (!action_ok) return false;
    if (rule.details_match.is_object())
        for (const auto& [key, value] : rule.details_match.items())
            if (!e.details.is_object() || !e.details.contains(key) || e.details[key] != value) return false;
    return true;
}

std::string describe(const Rule& rule, int count, const std::string& group_key) {
    std::string text = std::to_string(count) + " x " + rule.action;
    if (rule.outcome) text += " (" + *rule.outcome + ")";
    text += " within " + std::to_string(rule.window_seconds) + " s";
    if (rule.group_by != "none") text += " for " + rule.group_by + " " + (group_key.empty() ? "(none)" : group_key);
    return text;
}

void notify(db::Transaction& tx, const Rule& rule, const std::string& alert_id, const std::string& event_id,
            const std::string& summary, const Entry& last) {
    for (const auto& channel : rule.channels) {
        if (channel.type == "email") {
            for (const auto& address : channel.addresses) {
                mail::EmailMessage m;
                m.to = address;
                m.subject = "[Janua alert] " + rule.name;
                m.text_body = "The alert rule \"" + rule.name + "\" fired (" + rule.severity + ").\n\n" + summary +
                              "\nLast entry: " + last.action + " at " + last.occurred_at + " (seq " +
                              std::to_string(last.seq) + ")\nAlert id: " + alert_id +
                              "\n\nAcknowledge it through the alerts API (/api/v1/alerts).\n";
                if (auto queued = mail::enqueue(tx, m); !queued)  // a stored address is valid; should one not be, skip it
                    continue;
            }
        } else if (channel.type == "webhook") {
            auto rows = tx.exec(k_webhook_target, channel.webhook_id, rule.organization_id);
            if (rows.empty() || !rows[0][0].as<bool>()) continue;  // gone, or delivered by its subscription
            jobs::NewJob job;
            job.kind = audit::k_webhook_job_kind;
            job.payload = {{"endpoint_id", channel.webhook_id}, {"event_id", event_id}, {"reason", "alert"}};
            job.max_attempts = audit::k_webhook_max_attempts;
            (void)jobs::enqueue(tx, job).value();
        }
    }
}

// Fire `rule` for the group of `e` when its count reached the threshold; true when it fired.
bool consider(db::Transaction& tx, const Rule& rule, const Entry& e) {
    const std::string key = group_key(rule.group_by, e.actor_id, e.ip, e.target_id);
    long long after = 0;
    auto last = tx.exec(k_last_alert, rule.id, key, e.occurred_at, rule.cooldown_seconds);
    if (!last.empty()) {
        if (last[0][1].as<bool>()) return false;  // within the cooldown of the previous alert
        after = last[0][0].as<long long>();
    }
    const std::optional<std::string> details =
        rule.details_match.is_object() ? std::optional<std::string>(rule.details_match.dump()) : std::nullopt;
    auto counted = tx.exec(k_count, after, e.seq, e.occurred_at, rule.window_seconds, rule.action, rule.outcome,
                           rule.organization_id, details, rule.group_by, key)[0];
    const int count = counted[0].as<int>();
    if (count < rule.threshold) return false;
    const long long first_seq = counted[1].as<long long>();
    const std::string window_start = db::timestamp(counted[2]);
    auto inserted = tx.exec(k_insert_alert, rule.id, rule.organization_id, key, count, first_seq, e.seq, window_start,
                            e.occurred_at);
    if (inserted.empty()) return false;
    const std::string alert_id = inserted[0][0].as<std::string>();
    const std::string summary = describe(rule, count, key);

    audit::Event fired;
    fired.action = "alert.fired";
    fired.actor_type = "system";
    fired.organization_id = rule.organization_id;
    fired.target_type = "alert";
    fired.target_id = alert_id;
    fired.details = {{"rule_id", rule.id},       {"rule_name", rule.name},     {"severity", rule.severity},
                     {"summary", summary},       {"action", rule.action},      {"group_by", rule.group_by},
                     {"group_key", key},         {"event_count", count},       {"threshold", rule.threshold},
                     {"window_seconds", rule.window_seconds}, {"first_seq", first_seq}, {"last_seq", e.seq},
                     {"window_start", window_start}, {"window_end", e.occurred_at}};
    if (rule.outcome) fired.details["outcome"] = *rule.outcome;
    const std::string event_id = audit::append(tx, fired);
    tx.exec(k_link_audit, alert_id, event_id);
    notify(tx, rule, alert_id, event_id, summary, e);
    return true;
}

}  // namespace

EvaluationReport Evaluator::run() {
    EvaluationReport report;
    while (true) {
        const auto pass = m_pool.transact([&](db::Transaction& tx) {
            EvaluationReport r;
            const long long from = tx.exec(k_lock_cursor)[0][0].as<long long>();
            auto rows = tx.exec(k_new_entries, from, m_batch);
            if (rows.empty()) return r;
            const auto rules = repo::enabled_rules(tx);
            long long last_seq = from;
            for (const auto& row : rows) {
                Entry e;
                e.seq = row[0].as<long long>();
                e.occurred_at = db::timestamp(row[1]);
                e.organization_id = db::optional_field<std::string>(row[2]);
                e.action = row[3].as<std::string>();
                e.outcome = row[4].as<std::string>();
                e.actor_id = db::optional_field<std::string>(row[5]);
                e.ip = db::optional_field<std::string>(row[6]);
                e.target_id = db::optional_field<std::string>(row[7]);
                e.details = nlohmann::json::parse(row[8].as<std::string>(), nullptr, false);
                for (const auto& rule : rules)
                    if (passes(rule, e) && consider(tx, rule, e)) ++r.fired;
                last_seq = e.seq;
                ++r.entries;
            }
            tx.exec(k_move_cursor, last_seq);
            return r;
        });
        report.entries += pass.entries;
        report.fired += pass.fired;
        if (pass.entries < m_batch) return report;
    }
}

}  // namespace janua::alerts
