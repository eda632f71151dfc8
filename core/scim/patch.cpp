#include "core/scim/patch.hpp"

#include "core/scim/common.hpp"
#include "core/scim/filter.hpp"
#include "core/scim/users.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace janua::scim {
namespace {

const std::map<std::string, std::string>& core_names() {
    static const std::map<std::string, std::string> names = {
        {"id", "id"},           {"externalid", "externalId"}, {"username", "userName"}, {"name", "name"},
        {"displayname", "displayName"}, {"nickname", "nickName"}, {"title", "title"},   {"locale", "locale"},
        {"timezone", "timezone"}, {"active", "active"},       {"emails", "emails"},     {"phonenumbers", "phoneNumbers"},
        {"meta", "meta"},       {"schemas", "schemas"}};
    return names;
}
const std::map<std::string, std::string>& enterprise_names() {
    static const std::map<std::string, std::string> names = {
        {"employeenumber", "employeeNumber"}, {"costcenter", "costCenter"}, {"organization", "organization"},
        {"division", "division"},             {"department", "department"}, {"manager", "manager"}};
    return names;
}

Error patch_error(const std::string& scim_type, const std::string& detail) { return scim_error(400, scim_type, detail); }

// RFC 7643 §4.1 User attributes Janua does not keep: a POST or PUT carrying them is accepted
// without them, so a PATCH naming them changes nothing instead of failing the IdP's whole update
// (Azure AD's default mapping sends addresses[type eq "work"].formatted and the like).
bool unkept_user_attribute(const std::string& lower_name) {
    static const std::set<std::string> names = {"addresses", "preferredlanguage", "profileurl", "usertype", "ims", "photos",
                                                "entitlements", "roles", "x509certificates", "password", "groups"};
    return names.count(lower_name) > 0;
}

// Where an operation points: the object holding the attribute, and its key.
struct Target {
    bool ignored = false;  // an attribute Janua does not keep
    bool enterprise = false;
    std::string attr;  // canonical
    std::string sub;   // canonical, may be empty
    std::optional<Filter> filter;  // value path
};

Result<Target> parse_target(const std::string& path) {
    Target t;
    std::string head = path, tail;
    std::optional<std::string> filter_text;
    if (const auto open = path.find('['); open != std::string::npos) {
        const auto close = path.rfind(']');
        if (close == std::string::npos || close < open) return patch_error("invalidPath", "'" + path + "': '[' is not closed");
        head = path.substr(0, open);
        filter_text = path.substr(open + 1, close - open - 1);
        tail = path.substr(close + 1);
        if (!tail.empty()) {
            if (tail[0] != '.') return patch_error("invalidPath", "'" + path + "': expected '.' after ']'");
            tail = tail.substr(1);
        }
    }
    auto parsed = parse_attr_path(head);
    if (!parsed) return patch_error("invalidPath", "'" + path + "' is not an attribute path");
    if (!parsed->schema.empty() && parsed->schema != lower(k_user_schema) && parsed->schema != lower(k_enterprise_schema))
        return patch_error("invalidPath", "unknown schema in '" + path + "'");
    t.enterprise = parsed->schema == lower(k_enterprise_schema);
    if (!t.enterprise && unkept_user_attribute(parsed->attr)) {
        t.ignored = true;
        return t;
    }
    const auto& names = t.enterprise ? enterprise_names() : core_names();
    const auto found = names.find(parsed->attr);
    if (found == names.end()) return patch_error("invalidPath", "unknown attribute '" + head + "'");
    t.attr = found->second;
    std::string sub = parsed->sub;
    if (filter_text) {
        if (!sub.empty()) return patch_error("invalidPath", "'" + path + "': a value path needs a multi-valued attribute");
        if (t.attr != "emails" && t.attr != "phoneNumbers")
            return patch_error("invalidPath", "'" + t.attr + "' is not multi-valued: no [filter] applies");
        auto f = parse_filter(*filter_text);
        if (!f) return patch_error("invalidPath", "the filter in '" + path + "': " + f.error().message);
        t.filter = std::move(f).value();
        sub = lower(tail);
    } else if (!tail.empty()) {
        return patch_error("invalidPath", "'" + path + "' is not an attribute path");
    }
    if (!sub.empty()) {
        t.sub = canonical_sub_attribute(t.attr, sub);
        if (t.sub.empty()) return patch_error("invalidPath", "unknown sub-attribute '" + sub + "' of '" + t.attr + "'");
    }
    return t;
}

}  // namespace

// An element of emails/phoneNumbers/members against a value filter (sub-attribute names, in memory).
bool element_matches(const Filter& f, const nlohmann::json& element) {
    switch (f.kind) {
    case Filter::Kind::all_of:
        return std::all_of(f.children.begin(), f.children.end(), [&](const Filter& c) { return element_matches(c, element); });
    case Filter::Kind::any_of:
        return std::any_of(f.children.begin(), f.children.end(), [&](const Filter& c) { return element_matches(c, element); });
    case Filter::Kind::negation: return !element_matches(f.children[0], element);
    case Filter::Kind::value_path: return false;
    case Filter::Kind::present:
    case Filter::Kind::compare: break;
    }
    const std::string key = canonical_sub_attribute("emails", f.path.attr);
    if (key.empty() || !element.is_object() || !element.contains(key)) {
        if (f.kind == Filter::Kind::compare && f.op == "ne") return true;
        return f.kind == Filter::Kind::compare && f.op == "eq" && f.value.is_null();
    }
    const auto& v = element[key];
    if (f.kind == Filter::Kind::present) return !v.is_null() && v != "";
    if (v.is_boolean() || f.value.is_boolean()) {
        if (f.op == "eq") return v == f.value;
        if (f.op == "ne") return v != f.value;
        return false;
    }
    if (!v.is_string() || !f.value.is_string()) return f.op == "ne";
    const std::string a = lower(v.get<std::string>()), b = lower(f.value.get<std::string>());
    if (f.op == "eq") return a == b;
    if (f.op == "ne") return a != b;
    if (f.op == "co") return a.find(b) != std::string::npos;
    if (f.op == "sw") return a.rfind(b, 0) == 0;
    if (f.op == "ew") return a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
    if (f.op == "gt") return a > b;
    if (f.op == "ge") return a >= b;
    if (f.op == "lt") return a < b;
    return a <= b;
}

namespace {

// Spell the keys of a value the way the resource does (clients send any case).
nlohmann::json canonical_value(const std::string& attr, const nlohmann::json& value) {
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& v : value) out.push_back(canonical_value(attr, v));
        return out;
    }
    if (!value.is_object()) return value;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) {
        const std::string canon = canonical_sub_attribute(attr, lower(k));
        out[canon.empty() ? k : canon] = v;
    }
    return out;
}

Status apply_one(nlohmann::json& res, const std::string& op, const Target& t, const nlohmann::json& value_in) {
    if (t.ignored) return Ok{};
    if (t.attr == "id" || t.attr == "meta" || t.attr == "schemas")
        return patch_error("mutability", "'" + t.attr + "' cannot be changed");
    nlohmann::json& holder = t.enterprise ? res[k_enterprise_schema] : res;
    if (t.enterprise && !holder.is_object()) holder = nlohmann::json::object();
    const bool multi = t.attr == "emails" || t.attr == "phoneNumbers";
    const nlohmann::json value = canonical_value(t.attr, value_in);

    if (t.filter) {
        if (!holder.contains(t.attr) || !holder[t.attr].is_array())
            return patch_error("noTarget", "no value of '" + t.attr + "' matches the filter");
        auto& list = holder[t.attr];
        bool any = false;
        nlohmann::json kept = nlohmann::json::array();
        for (auto& element : list) {
            if (!element_matches(*t.filter, element)) {
                kept.push_back(element);
                continue;
            }
            any = true;
            if (op == "remove") {
                if (!t.sub.empty()) {
                    element.erase(t.sub);
                    kept.push_back(element);
                }
                continue;
            }
            if (!t.sub.empty()) element[t.sub] = value;
            else if (value.is_object()) {
                if (op == "replace") element = value;
                else element.update(value);
            } else
                return patch_error("invalidValue", "the value for '" + t.attr + "[...]' must be an object");
            kept.push_back(element);
        }
        if (!any) return patch_error("noTarget", "no value of '" + t.attr + "' matches the filter");
        list = kept;
        return Ok{};
    }
    if (op == "remove") {
        if (!t.sub.empty()) {
            if (holder.contains(t.attr) && holder[t.attr].is_object()) holder[t.attr].erase(t.sub);
            else if (holder.contains(t.attr) && holder[t.attr].is_array())
                for (auto& element : holder[t.attr]) element.erase(t.sub);
        } else {
            holder.erase(t.attr);
        }
        return Ok{};
    }
    if (!t.sub.empty()) {
        if (multi) {
            if (!holder.contains(t.attr) || !holder[t.attr].is_array() || holder[t.attr].empty())
                return patch_error("noTarget", "'" + t.attr + "' has no values");
            for (auto& element : holder[t.attr]) element[t.sub] = value;
        } else {
            if (!holder.contains(t.attr) || !holder[t.attr].is_object()) holder[t.attr] = nlohmann::json::object();
            holder[t.attr][t.sub] = value;
        }
        return Ok{};
    }
    if (multi && op == "add") {
        if (!holder.contains(t.attr) || !holder[t.attr].is_array()) holder[t.attr] = nlohmann::json::array();
        const nlohmann::json items = value.is_array() ? value : nlohmann::json::array({value});
        for (const auto& item : items)
            if (std::find(holder[t.attr].begin(), holder[t.attr].end(), item) == holder[t.attr].end())
                holder[t.attr].push_back(item);
        return Ok{};
    }
    if (value.is_object() && op == "add" && holder.contains(t.attr) && holder[t.attr].is_object()) {
        holder[t.attr].update(value);  // add merges complex attributes
        return Ok{};
    }
    holder[t.attr] = value;
    return Ok{};
}

// An operation without a path: every member of the value object is an attribute (or the
// enterprise extension's URN holding an object of its attributes, or a URN-qualified name).
Status apply_without_path(nlohmann::json& res, const std::string& op, const nlohmann::json& value) {
    if (op == "remove") return patch_error("noTarget", "remove needs a path");
    if (!value.is_object()) return patch_error("invalidValue", "an operation without path needs an object value");
    for (const auto& [key, v] : value.items()) {
        if (lower(key) == lower(k_enterprise_schema)) {
            if (!v.is_object()) return patch_error("invalidValue", "the enterprise extension must be an object");
            for (const auto& [ek, ev] : v.items()) {
                auto t = parse_target(std::string(k_enterprise_schema) + ":" + ek);
                if (!t) return t.error();
                if (auto done = apply_one(res, op, *t, ev); !done) return done;
            }
            continue;
        }
        if (lower(key) == "schemas") continue;
        // Okta and Azure AD may echo the resource's own id in a replace without path: no change.
        if (lower(key) == "id" && res.contains("id") && v == res["id"]) continue;
        auto t = parse_target(key);
        if (!t) return t.error();
        if (auto done = apply_one(res, op, *t, v); !done) return done;
    }
    return Ok{};
}

}  // namespace

std::string canonical_user_attribute(const std::string& lower_name) {
    const auto found = core_names().find(lower_name);
    return found == core_names().end() ? std::string() : found->second;
}

std::string canonical_sub_attribute(const std::string& parent, const std::string& lower_name) {
    static const std::map<std::string, std::map<std::string, std::string>> subs = {
        {"name", {{"givenname", "givenName"}, {"familyname", "familyName"}, {"formatted", "formatted"},
                  {"middlename", "middleName"}, {"honorificprefix", "honorificPrefix"}, {"honorificsuffix", "honorificSuffix"}}},
        {"emails", {{"value", "value"}, {"type", "type"}, {"primary", "primary"}, {"display", "display"}}},
        {"phoneNumbers", {{"value", "value"}, {"type", "type"}, {"primary", "primary"}, {"display", "display"}}},
        {"manager", {{"value", "value"}, {"displayname", "displayName"}, {"$ref", "$ref"}}}};
    const auto p = subs.find(parent);
    if (p == subs.end()) return {};
    const auto found = p->second.find(lower_name);
    return found == p->second.end() ? std::string() : found->second;
}

Result<std::vector<PatchOperation>> patch_operations(const nlohmann::json& body, std::size_t max) {
    if (!body.is_object() || !body.contains("schemas") || !body["schemas"].is_array() ||
        std::find(body["schemas"].begin(), body["schemas"].end(), k_patch_schema) == body["schemas"].end())
        return patch_error("invalidSyntax", std::string("schemas must list ") + k_patch_schema);
    const nlohmann::json* ops = nullptr;
    for (const auto& [k, v] : body.items())
        if (lower(k) == "operations") ops = &v;
    if (!ops || !ops->is_array() || ops->empty()) return patch_error("invalidSyntax", "Operations must be a non-empty array");
    if (ops->size() > max) return patch_error("invalidSyntax", "at most " + std::to_string(max) + " operations per request");
    std::vector<PatchOperation> out;
    for (const auto& operation : *ops) {
        if (!operation.is_object()) return patch_error("invalidSyntax", "each operation must be an object");
        PatchOperation o;
        for (const auto& [k, v] : operation.items()) {
            const std::string key = lower(k);
            if (key == "op" && v.is_string()) o.op = lower(v.get<std::string>());
            else if (key == "path" && v.is_string()) o.path = v.get<std::string>();
            else if (key == "value") {
                o.value = v;
                o.has_value = true;
            }
        }
        if (o.op != "add" && o.op != "replace" && o.op != "remove")
            return patch_error("invalidSyntax", "op must be add, replace or remove");
        out.push_back(std::move(o));
    }
    return out;
}

Result<nlohmann::json> apply_patch(const nlohmann::json& resource, const nlohmann::json& body) {
    auto ops = patch_operations(body, 100);
    if (!ops) return ops.error();
    nlohmann::json res = resource;
    for (const auto& o : *ops) {
        if (o.op != "remove" && !o.has_value) return patch_error("invalidValue", o.op + " needs a value");
        Status done = Ok{};
        if (o.path.empty()) done = apply_without_path(res, o.op, o.value);
        else {
            auto t = parse_target(o.path);
            if (!t) return t.error();
            done = apply_one(res, o.op, *t, o.value);
        }
        if (!done) return done.error();
    }
    if (res.contains(k_enterprise_schema) && res[k_enterprise_schema].is_object() && res[k_enterprise_schema].empty())
        res.erase(k_enterprise_schema);
    return res;
}

}  // namespace janua::scim
