#pragma once
// The SQL of alert rules and fired alerts (tables of migrations/0024_events_alerts.sql).
// `organization_id` nullopt means the platform scope (rules and alerts of no organization).

#include "core/alerts/rule.hpp"
#include "core/db/pool.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::alerts {

struct Instance {
    std::string id;
    std::string rule_id;
    std::string rule_name;
    std::string severity;
    std::optional<std::string> organization_id;
    std::string group_key;
    std::string state;  // open | acknowledged
    int event_count = 0;
    long long first_seq = 0;
    long long last_seq = 0;
    std::string window_start;
    std::string window_end;
    std::string fired_at;
    std::optional<std::string> audit_event_id;
    std::optional<std::string> acknowledged_at;
    std::optional<std::string> acknowledged_by;
    std::optional<std::string> acknowledgement_note;
};

nlohmann::json to_json(const Instance& instance);

namespace repo {

using Scope = std::optional<std::string>;

std::vector<Rule> rules(db::Transaction& tx, const Scope& organization_id);
std::vector<Rule> enabled_rules(db::Transaction& tx);
std::optional<Rule> find_rule(db::Transaction& tx, const Scope& organization_id, const std::string& id);
int count_rules(db::Transaction& tx, const Scope& organization_id);
Rule insert_rule(db::Transaction& tx, const Rule& rule, const std::optional<std::string>& created_by);
std::optional<Rule> update_rule(db::Transaction& tx, const Rule& rule);
bool delete_rule(db::Transaction& tx, const Scope& organization_id, const std::string& id);

// Whether a webhook endpoint exists (in this organization; in any for the platform scope).
bool webhook_exists(db::Transaction& tx, const Scope& organization_id, const std::string& webhook_id);
// A verified email address of a member of the organization.
bool is_member_address(db::Transaction& tx, const std::string& organization_id, const std::string& address);

struct InstanceQuery {
    Scope organization_id;
    std::optional<std::string> state;
    std::optional<std::string> rule_id;
    std::optional<std::string> before_time;  // keyset position (fired_at, id), newest first
    std::optional<std::string> before_id;
    int limit = 50;
};
std::vector<Instance> instances(db::Transaction& tx, const InstanceQuery& query);
std::optional<Instance> find_instance(db::Transaction& tx, const Scope& organization_id, const std::string& id);
// Set acknowledged fields on an open alert; nullopt when none is open with this id.
std::optional<Instance> acknowledge(db::Transaction& tx, const Scope& organization_id, const std::string& id,
                                    const std::string& by, const std::optional<std::string>& note);

// Counts of alerts fired in [since, until) by rule and state; since defaults to 7 days ago,
// until to now.
nlohmann::json stats(db::Transaction& tx, const Scope& organization_id, const std::optional<std::string>& since,
                     const std::optional<std::string>& until);

}  // namespace repo
}  // namespace janua::alerts
