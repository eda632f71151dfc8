#include "core/scim/group_patch.hpp"

#include "core/scim/common.hpp"
#include "core/scim/filter.hpp"
#include "core/scim/patch.hpp"
#include "core/scim/users.hpp"

#include <algorithm>

namespace janua::scim {
namespace {

constexpr std::size_t k_max_patch_members = 10000;

Error patch_error(const std::string& scim_type, const std::string& detail) { return scim_error(400, scim_type, detail); }

bool has_member(const nlohmann::json& members, const std::string& value) {
    return std::any_of(members.begin(), members.end(), [&](const nlohmann::json& m) { return m["value"] == value; });
}

Status set_text(GroupState& g, const std::string& attr, const std::string& op, const nlohmann::json& value) {
    if (attr == "displayname") {
        if (op == "remove") return patch_error("mutability", "displayName is required and cannot be removed");
        if (!value.is_string() || value.get<std::string>().empty())
            return patch_error("invalidValue", "displayName must be a non-empty string");
        g.display_name = value.get<std::string>();
        return Ok{};
    }
    if (op == "remove" || value.is_null()) {
        g.external_id.reset();
        return Ok{};
    }
    if (!value.is_string()) return patch_error("invalidValue", "externalId must be a string");
    g.external_id = value.get<std::string>();
    return Ok{};
}

Status apply_members(GroupState& g, const std::string& op, const nlohmann::json& value, bool has_value) {
    if (op == "remove") {
        if (!has_value || value.is_null()) {  // "remove all members" (RFC 7644 §3.5.2.2)
            g.members = nlohmann::json::array();
            return Ok{};
        }
        // Azure AD removes members with path "members" and the members as the value.
        auto gone = members_from(value, k_max_patch_members);
        if (!gone) return gone.error();
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& m : g.members)
            if (!has_member(*gone, m["value"].get<std::string>())) kept.push_back(m);
        g.members = kept;
        return Ok{};
    }
    auto given = members_from(value, k_max_patch_members);
    if (!given) return given.error();
    if (op == "replace") g.members = nlohmann::json::array();
    for (const auto& m : *given)
        if (!has_member(g.members, m["value"].get<std::string>())) g.members.push_back(m);
    return Ok{};
}

Status apply_one(GroupState& g, const std::string& op, const std::string& path, const nlohmann::json& value, bool has_value) {
    std::string head = path;
    std::optional<std::string> filter_text;
    if (const auto open = path.find('['); open != std::string::npos) {
        const auto close = path.rfind(']');
        if (close == std::string::npos || close < open) return patch_error("invalidPath", "'" + path + "': '[' is not closed");
        if (close + 1 != path.size())
            return patch_error("invalidPath", "'" + path + "': members have no sub-attribute to change; remove or add whole members");
        head = path.substr(0, open);
        filter_text = path.substr(open + 1, close - open - 1);
    }
    auto parsed = parse_attr_path(head);
    if (!parsed) return patch_error("invalidPath", "'" + path + "' is not an attribute path");
    if (!parsed->schema.empty() && parsed->schema != lower(k_group_schema))
        return patch_error("invalidPath", "unknown schema in '" + path + "'");
    const std::string attr = parsed->attr;
    if (attr == "id" || attr == "meta" || attr == "schemas") return patch_error("mutability", "'" + attr + "' cannot be changed");
    if (attr == "displayname" || attr == "externalid") {
        if (!parsed->sub.empty() || filter_text) return patch_error("invalidPath", "'" + path + "' is not an attribute path");
        if (op != "remove" && !has_value) return patch_error("invalidValue", op + " needs a value");
        return set_text(g, attr, op, value);
    }
    if (attr != "members") return patch_error("invalidPath", "unknown attribute '" + head + "' of a Group");
    if (!parsed->sub.empty()) return patch_error("invalidPath", "'" + path + "': change whole members, not their sub-attributes");
    if (filter_text) {
        if (op != "remove")
            return patch_error("invalidPath", "'" + path + "': a members[filter] path only removes; add members with path \"members\"");
        auto f = parse_filter(*filter_text);
        if (!f) return patch_error("invalidPath", "the filter in '" + path + "': " + f.error().message);
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& m : g.members)
            if (!element_matches(*f, m)) kept.push_back(m);
        if (kept.size() == g.members.size()) return patch_error("noTarget", "no member matches '" + *filter_text + "'");
        g.members = kept;
        return Ok{};
    }
    if (op != "remove" && !has_value) return patch_error("invalidValue", op + " needs a value");
    return apply_members(g, op, value, has_value);
}

}  // namespace

Result<nlohmann::json> members_from(const nlohmann::json& value, std::size_t limit) {
    const nlohmann::json list = value.is_array() ? value : nlohmann::json::array({value});
    if (list.size() > limit) return patch_error("invalidValue", "at most " + std::to_string(limit) + " members at once");
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : list) {
        std::optional<std::string> v;
        if (item.is_object())
            for (const auto& [k, x] : item.items())
                if (lower(k) == "value" && x.is_string()) v = x.get<std::string>();
        if (!v || v->empty()) return patch_error("invalidValue", "every member needs a string \"value\" (the User's id)");
        if (!has_member(out, *v)) out.push_back({{"value", *v}});
    }
    return out;
}

Result<GroupState> apply_group_patch(const GroupState& current, const nlohmann::json& body) {
    auto ops = patch_operations(body, 1000);
    if (!ops) return ops.error();
    GroupState g = current;
    for (const auto& o : *ops) {
        Status done = Ok{};
        if (!o.path.empty()) {
            done = apply_one(g, o.op, o.path, o.value, o.has_value);
        } else {
            if (o.op == "remove") return patch_error("noTarget", "remove needs a path");
            if (!o.value.is_object()) return patch_error("invalidValue", "an operation without path needs an object value");
            for (const auto& [key, v] : o.value.items()) {
                if (lower(key) == "schemas") continue;
                // Okta renames a Group with {"op":"replace","value":{"id":..., "displayName":...}}:
                // its own id is no change.
                if (lower(key) == "id" && v.is_string() && !g.id.empty() && v.get<std::string>() == g.id) continue;
                done = apply_one(g, o.op, key, v, true);
                if (!done) break;
            }
        }
        if (!done) return done.error();
    }
    return g;
}

}  // namespace janua::scim
