#pragma once
// The limits of an organization's plan, enforced where organizations grow: a new member (added,
// invitation accepted, provisioned by SCIM or SSO), a new SSO connection (SAML or enterprise
// OIDC), a new SCIM token. Called inside the caller's transaction, before the write; a refusal is
// an authorization error (403 AUTHORIZATION_ERROR) whose details say {"reason": "plan_limit",
// "limit": ..., "plan_id": ...} and whose message names the limit and what to do.
//
// Which plan applies: the subscription's while it is active, trialing or past_due; otherwise the
// plan marked default; with neither, nothing is limited (migrations/0026_billing.sql).

#include "core/common/result.hpp"
#include "core/db/pool.hpp"

#include <optional>
#include <string>

namespace janua::billing {

enum class Feature { sso, scim };

struct EffectivePlan {
    std::string id;
    std::string name;
    std::optional<int> max_members;  // none: unlimited
    bool sso_allowed = true;
    bool scim_allowed = true;
};

// The plan whose limits apply to `org_id` now; none when nothing is limited.
std::optional<EffectivePlan> effective_plan(db::Transaction& tx, const std::string& org_id);

// Refuse adding one more member when the plan's max_members is reached. Locks the organization's
// row (FOR NO KEY UPDATE) so concurrent additions count one after the other.
Status require_member_slot(db::Transaction& tx, const std::string& org_id);

// Refuse when the plan does not include SSO connections or SCIM.
Status require_feature(db::Transaction& tx, const std::string& org_id, Feature feature);

}  // namespace janua::billing
