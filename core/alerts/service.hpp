#pragma once
// Alert rules of an organization (or of the platform), the alerts they fire, acknowledgement
// and statistics. Every change of a rule (its channels included) and every acknowledgement is
// audited in the same transaction. Evaluation lives in core/alerts/evaluator.hpp.

#include "core/alerts/repository.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"

#include <optional>
#include <string>

namespace janua::alerts {

using Actor = identity::Actor;
using Scope = std::optional<std::string>;  // nullopt: the platform's own rules and alerts

inline constexpr int k_max_rules_per_scope = 100;

struct InstancePage {
    std::vector<Instance> instances;
    std::optional<std::string> next_cursor;
};

struct InstanceFilter {
    std::optional<std::string> state;
    std::optional<std::string> rule_id;
    std::optional<std::string> cursor;
    int limit = 50;
};

nlohmann::json to_json(const InstancePage& page);

class AlertService {
public:
    explicit AlertService(db::Pool& pool) : m_pool(pool) {}

    Result<std::vector<Rule>> rules(const Scope& scope);
    Result<Rule> rule(const Scope& scope, const std::string& id);
    Result<Rule> create_rule(const Scope& scope, const nlohmann::json& body, const Actor& actor);
    Result<Rule> update_rule(const Scope& scope, const std::string& id, const nlohmann::json& body, const Actor& actor);
    Status delete_rule(const Scope& scope, const std::string& id, const Actor& actor);

    Result<InstancePage> alerts(const Scope& scope, const InstanceFilter& filter);
    Result<Instance> alert(const Scope& scope, const std::string& id);
    Result<Instance> acknowledge(const Scope& scope, const std::string& id, const std::optional<std::string>& note,
                                 const Actor& actor);
    // Counts of alerts fired in [since, until) (RFC 3339; default: the last 7 days).
    Result<nlohmann::json> stats(const Scope& scope, const std::optional<std::string>& since,
                                 const std::optional<std::string>& until);

private:
    db::Pool& m_pool;
};

}  // namespace janua::alerts
