#pragma once
// Attribute-based access policies: the document model, its strict parser and its JSON form.
// See docs/api.md "Policies" for the format and the resource naming.

#include "core/common/result.hpp"
#include "core/policies/ip_range.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace janua::policies {

enum class Effect { allow, deny };
const char* effect_name(Effect effect);

// Local time window: `days` (0 = Monday .. 6 = Sunday), minutes since midnight [start, end);
// end < start runs over midnight (and counts for the day it started on).
struct TimeWindow {
    std::vector<int> days;  // empty: every day
    int start_minute = 0;
    int end_minute = 0;
    int utc_offset_minutes = 0;
    nlohmann::json source;  // as written, for explanations and output
};

// Every member present must hold (AND); `negated` holds when its own conditions do not all hold.
struct Conditions {
    std::optional<std::vector<IpRange>> ip_ranges;
    std::optional<TimeWindow> time_window;
    std::optional<bool> mfa;
    std::optional<std::vector<std::string>> email_domains;
    std::optional<bool> is_platform_admin;
    std::optional<std::vector<std::string>> roles;      // role names; the subject holds any of them
    std::optional<nlohmann::json> resource_attributes;  // {name: value or [values]}
    std::shared_ptr<const Conditions> negated;
};

// Who a policy applies to.
struct SubjectRef {
    std::string type;  // user | role | everyone
    std::string id;    // user or role id (empty for everyone)
    std::string name;  // role name or user email, for display (filled by the repository)
};

struct Policy {
    std::string id;
    std::optional<std::string> organization_id;  // null: global (platform admins manage it)
    std::string name;
    std::string description;
    Effect effect = Effect::allow;
    std::vector<std::string> actions;    // permission patterns, e.g. "users:read", "users:*"
    std::vector<std::string> resources;  // resource patterns, e.g. "org:<id>/users/*"
    std::vector<SubjectRef> subjects;
    Conditions conditions;
    nlohmann::json conditions_source = nlohmann::json::object();  // as written
    bool enabled = true;
    std::string created_at;
    std::string updated_at;
};

// The writable members of a policy document, validated. `partial`: a PATCH, where absent members
// keep their value (the caller merges); otherwise name, effect, actions, resources, subjects are required.
struct PolicyDocument {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<Effect> effect;
    std::optional<std::vector<std::string>> actions;
    std::optional<std::vector<std::string>> resources;
    std::optional<std::vector<SubjectRef>> subjects;  // role refs may carry a name instead of an id
    std::optional<nlohmann::json> conditions;
    std::optional<bool> enabled;
};

// A VALIDATION_ERROR with one details entry per problem ({field, rule, message}) unless valid.
Result<PolicyDocument> parse_document(const nlohmann::json& body, bool partial);

// Parse a conditions object (already validated by parse_document, or read back from the database).
Result<Conditions> parse_conditions(const nlohmann::json& conditions);

// Resource names and patterns: 1-512 printable ASCII characters without spaces; in a pattern
// '*' matches any run of characters ('/' included).
bool valid_resource_pattern(const std::string& pattern);
// Does the pattern match the resource? '*' matches any run of characters, '/' included.
bool resource_matches(const std::string& pattern, const std::string& resource);

nlohmann::json to_json(const Policy& policy);

}  // namespace janua::policies
