#pragma once
// The policy decision, as a pure function of the policies and the request: no database, no
// clock, so every rule is unit-tested. Deny wins over allow; no matching policy is
// not_applicable, and the caller falls back to RBAC (docs/api.md "Policies and RBAC").

#include "core/policies/policy.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::policies {

struct RoleRef {
    std::string id;
    std::string name;
};

struct Subject {
    std::string user_id;
    std::string email;
    bool is_platform_admin = false;
    std::vector<RoleRef> roles;  // the roles the subject holds in the resource's organization
};

struct Context {
    std::optional<IpAddress> ip;
    std::int64_t unix_time = 0;
    std::vector<std::string> amr;                                     // authentication methods used
    nlohmann::json resource_attributes = nlohmann::json::object();  // attributes of the resource
};

enum class Outcome { allow, deny, not_applicable };
const char* outcome_name(Outcome outcome);

struct ConditionResult {
    std::string condition;  // e.g. "ip_ranges", "subject.email_domains", "not.mfa"
    bool matched = false;
    std::string detail;
};

struct PolicyExplanation {
    std::string policy_id;
    std::string name;
    Effect effect = Effect::allow;
    bool global = true;  // a platform-wide policy rather than an organization's
    // matched | disabled | out_of_scope | subject_not_attached | action_not_matched |
    // resource_not_matched | conditions_not_met
    std::string result;
    std::vector<ConditionResult> conditions;
};

struct Decision {
    Outcome outcome = Outcome::not_applicable;
    std::optional<PolicyExplanation> decided_by;
    std::vector<PolicyExplanation> evaluated;
};

// Evaluate `policies` in order. A policy applies when it is enabled, in scope (an organization's
// policy only for resources of that organization: "org:<id>" or "org:<id>/..."), attached to the
// subject (user id, one of its roles' ids, or everyone), one of its actions matches `action`, one
// of its resources matches `resource`, and all its conditions hold.
Decision evaluate(const std::vector<Policy>& policies, const Subject& subject, const std::string& action,
                  const std::string& resource, const Context& context);

// The organization a resource name belongs to ("org:<id>" or "org:<id>/..."), if any.
std::optional<std::string> resource_organization(const std::string& resource);

nlohmann::json to_json(const Decision& decision);

}  // namespace janua::policies
