#pragma once
// Policies in the database: CRUD within one scope (global, or one organization), loading the
// policies that can decide a request, and `decide`, the one call RBAC enforcement makes.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/policies/evaluator.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace janua::policies {

// At most this many policies per scope, so evaluation stays bounded.
inline constexpr int k_max_policies_per_scope = 500;

struct Actor {
    std::string type = "user";  // user | system
    std::optional<std::string> id;
    std::string ip;
    std::string request_id;
};

// `organization_id` empty: global policies. Unknown or foreign ids are NOT_FOUND.
Result<std::vector<Policy>> list_policies(db::Transaction& tx, const std::optional<std::string>& organization_id);
Result<Policy> get_policy(db::Transaction& tx, const std::optional<std::string>& organization_id, const std::string& id);
Result<Policy> create_policy(db::Transaction& tx, const std::optional<std::string>& organization_id,
                             const nlohmann::json& body, const Actor& actor);
Result<Policy> update_policy(db::Transaction& tx, const std::optional<std::string>& organization_id,
                             const std::string& id, const nlohmann::json& body, const Actor& actor);
Status delete_policy(db::Transaction& tx, const std::optional<std::string>& organization_id, const std::string& id,
                     const Actor& actor);

// The global policies plus, when the resource names an organization, that organization's, in a
// stable order (created_at, id).
std::vector<Policy> load_policies_for(db::Transaction& tx, const std::string& resource);

// A user as a policy subject: email, platform-admin flag and the roles held in `organization_id`
// (none without it). NOT_FOUND for an unknown user.
Result<Subject> subject_for_user(db::Transaction& tx, const std::string& user_id,
                                 const std::optional<std::string>& organization_id);

// The policy decision for one request. RBAC enforcement calls this after its own check:
// deny → refuse (even when a role grants it); allow → grant; not_applicable → RBAC decides.
Decision decide(db::Transaction& tx, const Subject& subject, std::string_view action, std::string_view resource,
                const Context& context);

}  // namespace janua::policies
