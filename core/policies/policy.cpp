#include "core/policies/policy.hpp"

#include "core/rbac/permission_match.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace janua::policies {
namespace {

using json = nlohmann::json;

constexpr std::size_t k_max_list = 100;      // actions, resources, subjects, ranges, values
constexpr int k_max_not_depth = 4;           // nested "not"

struct Problems {
    json details = json::array();
    void add(const std::string& field, const std::string& rule, const std::string& message) {
        details.push_back({{"field", field}, {"rule", rule}, {"message", field + " " + message}});
    }
    bool empty() const { return details.empty(); }
    Error error() const {
        Error e = make_error(ErrorCode::validation, details.size() == 1 ? details[0]["message"].get<std::string>()
                                                                        : "the policy document is invalid");
        e.details = details;
        return e;
    }
};

const char* const k_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// "HH:MM" → minutes; "24:00" only when `allow_24`.
std::optional<int> parse_clock(const std::string& text, bool allow_24) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    for (int i : {0, 1, 3, 4})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (m > 59) return std::nullopt;
    if (h == 24 && m == 0 && allow_24) return 24 * 60;
    if (h > 23) return std::nullopt;
    return h * 60 + m;
}

// "+HH:MM", "-HH:MM" or "Z", within ±14:00.
std::optional<int> parse_offset(const std::string& text) {
    if (text == "Z" || text == "z") return 0;
    if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
    auto clock = parse_clock(text.substr(1), false);
    if (!clock || *clock > 14 * 60) return std::nullopt;
    return text[0] == '-' ? -*clock : *clock;
}

bool valid_domain(const std::string& d) {
    if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
    return std::all_of(d.begin(), d.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.';
    });
}

// A list of strings: present, an array, 1..k_max_list non-empty strings.
std::optional<std::vector<std::string>> string_list(const json& value, const std::string& field, Problems& p,
                                                    bool allow_empty = false) {
    if (!value.is_array()) {
        p.add(field, "type", "must be an array of strings");
        return std::nullopt;
    }
    if ((!allow_empty && value.empty()) || value.size() > k_max_list) {
        p.add(field, "size", "must hold 1 to " + std::to_string(k_max_list) + " entries");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || value[i].get<std::string>().empty()) {
            p.add(field + "[" + std::to_string(i) + "]", "type", "must be a non-empty string");
            return std::nullopt;
        }
        out.push_back(value[i].get<std::string>());
    }
    return out;
}

std::optional<TimeWindow> time_window(const json& value, const std::string& field, Problems& p) {
    if (!value.is_object()) {
        p.add(field, "type", "must be an object {days?, start, end, utc_offset?}");
        return std::nullopt;
    }
    TimeWindow w;
    w.source = value;
    const std::size_t before = p.details.size();
    for (const auto& [key, member] : value.items()) {
        const std::string f = field + "." + key;
        if (key == "days") {
            if (!member.is_array() || member.empty() || member.size() > 7) {
                p.add(f, "type", "must be a list of days: mon, tue, wed, thu, fri, sat, sun");
                continue;
            }
            for (std::size_t i = 0; i < member.size(); ++i) {
                const auto* day = member[i].is_string() ? std::find(std::begin(k_days), std::end(k_days),
                                                                    member[i].get<std::string>())
                                                        : std::end(k_days);
                if (day == std::end(k_days)) {
                    p.add(f + "[" + std::to_string(i) + "]", "day", "must be one of mon, tue, wed, thu, fri, sat, sun");
                    continue;
                }
                const int d = static_cast<int>(day - std::begin(k_days));
                if (std::find(w.days.begin(), w.days.end(), d) == w.days.end()) w.days.push_back(d);
            }
        } else if (key == "start" || key == "end") {
            auto clock = member.is_string() ? parse_clock(member.get<std::string>(), key == "end") : std::nullopt;
            if (!clock) {
                p.add(f, "time", key == "end" ? "must be a time HH:MM from 00:00 to 24:00"
                                              : "must be a time HH:MM from 00:00 to 23:59");
                continue;
            }
            (key == "start" ? w.start_minute : w.end_minute) = *clock;
        } else if (key == "utc_offset") {
            auto offset = member.is_string() ? parse_offset(member.get<std::string>()) : std::nullopt;
            if (!offset) {
                p.add(f, "offset", "must be an offset from UTC like +02:00, -05:30 or Z (at most ±14:00)");
                continue;
            }
            w.utc_offset_minutes = *offset;
        } else {
            p.add(f, "unknown", "is not a time_window member (days, start, end, utc_offset)");
        }
    }
    if (!value.contains("start")) p.add(field + ".start", "required", "is required");
    if (!value.contains("end")) p.add(field + ".end", "required", "is required");
    if (p.details.size() == before && w.start_minute == w.end_minute)
        p.add(field, "empty", "start and end must differ");
    if (p.details.size() != before) return std::nullopt;
    return w;
}

void check_conditions(const json& value, const std::string& field, Problems& p, Conditions* out, int depth);

void check_subject_conditions(const json& value, const std::string& field, Problems& p, Conditions* out) {
    if (!value.is_object()) {
        p.add(field, "type", "must be an object {email_domains?, is_platform_admin?, roles?}");
        return;
    }
    for (const auto& [key, member] : value.items()) {
        const std::string f = field + "." + key;
        if (key == "email_domains") {
            auto list = string_list(member, f, p);
            if (!list) continue;
            std::vector<std::string> domains;
            for (std::size_t i = 0; i < list->size(); ++i) {
                std::string d = (*list)[i];
                std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
                if (!d.empty() && d[0] == '@') d.erase(0, 1);
                if (!valid_domain(d)) p.add(f + "[" + std::to_string(i) + "]", "domain", "must be a domain name");
                domains.push_back(d);
            }
            if (out) out->email_domains = domains;
        } else if (key == "is_platform_admin") {
            if (!member.is_boolean()) p.add(f, "type", "must be true or false");
            else if (out) out->is_platform_admin = member.get<bool>();
        } else if (key == "roles") {
            auto list = string_list(member, f, p);
            if (list && out) out->roles = *list;
        } else {
            p.add(f, "unknown", "is not a subject condition (email_domains, is_platform_admin, roles)");
        }
    }
}

void check_conditions(const json& value, const std::string& field, Problems& p, Conditions* out, int depth) {
    if (!value.is_object()) {
        p.add(field, "type", "must be an object");
        return;
    }
    for (const auto& [key, member] : value.items()) {
        const std::string f = field + "." + key;
        if (key == "ip_ranges") {
            auto list = string_list(member, f, p);
            if (!list) continue;
            std::vector<IpRange> ranges;
            for (std::size_t i = 0; i < list->size(); ++i) {
                std::string why;
                auto range = parse_ip_range((*list)[i], why);
                if (!range) p.add(f + "[" + std::to_string(i) + "]", "cidr", "'" + (*list)[i] + "': " + why);
                else ranges.push_back(*range);
            }
            if (out) out->ip_ranges = ranges;
        } else if (key == "time_window") {
            auto w = time_window(member, f, p);
            if (w && out) out->time_window = *w;
        } else if (key == "mfa") {
            if (!member.is_boolean()) p.add(f, "type", "must be true or false");
            else if (out) out->mfa = member.get<bool>();
        } else if (key == "subject") {
            check_subject_conditions(member, f, p, out);
        } else if (key == "resource") {
            if (!member.is_object() || member.empty()) {
                p.add(f, "type", "must be an object of attribute names to a value or a list of values");
                continue;
            }
            for (const auto& [name, expected] : member.items()) {
                const bool scalar = expected.is_string() || expected.is_boolean() || expected.is_number();
                bool list = expected.is_array() && !expected.empty() && expected.size() <= k_max_list;
                if (list)
                    for (const auto& v : expected) list = list && (v.is_string() || v.is_boolean() || v.is_number());
                if (name.empty() || name.size() > 64 || !(scalar || list))
                    p.add(f + "." + name, "type", "must be a string, number or boolean, or a list of them");
            }
            if (out) out->resource_attributes = member;
        } else if (key == "not") {
            if (depth >= k_max_not_depth) {
                p.add(f, "depth", "is nested too deeply (at most " + std::to_string(k_max_not_depth) + " levels)");
                continue;
            }
            if (member.is_object() && member.empty()) {
                p.add(f, "empty", "must hold at least one condition");
                continue;
            }
            auto inner = std::make_shared<Conditions>();
            check_conditions(member, f, p, out ? inner.get() : nullptr, depth + 1);
            if (out) out->negated = inner;
        } else {
            p.add(f, "unknown", "is not a condition (ip_ranges, time_window, mfa, subject, resource, not)");
        }
    }
}

}  // namespace

const char* effect_name(Effect effect) { return effect == Effect::allow ? "allow" : "deny"; }

bool valid_resource_pattern(const std::string& pattern) {
    if (pattern.empty() || pattern.size() > 512) return false;
    return std::all_of(pattern.begin(), pattern.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

bool resource_matches(const std::string& pattern, const std::string& resource) {
    // Iterative glob with one backtrack point: linear in practice, no recursion.
    std::size_t p = 0, r = 0, star = std::string::npos, mark = 0;
    while (r < resource.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = r;
        } else if (p < pattern.size() && pattern[p] == resource[r]) {
            ++p;
            ++r;
        } else if (star != std::string::npos) {
            p = star + 1;
            r = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

Result<PolicyDocument> parse_document(const json& body, bool partial) {
    Problems p;
    PolicyDocument doc;
    for (const auto& [key, value] : body.items()) {
        if (key == "name") {
            if (!value.is_string() || value.get<std::string>().empty() || value.get<std::string>().size() > 200)
                p.add(key, "type", "must be a string of 1 to 200 characters");
            else doc.name = value.get<std::string>();
        } else if (key == "description") {
            if (value.is_null()) doc.description = "";
            else if (!value.is_string() || value.get<std::string>().size() > 2000)
                p.add(key, "type", "must be a string of at most 2000 characters");
            else doc.description = value.get<std::string>();
        } else if (key == "effect") {
            if (value == "allow") doc.effect = Effect::allow;
            else if (value == "deny") doc.effect = Effect::deny;
            else p.add(key, "enum", "must be \"allow\" or \"deny\"");
        } else if (key == "actions") {
            auto list = string_list(value, key, p);
            if (!list) continue;
            for (std::size_t i = 0; i < list->size(); ++i)
                if (!rbac::valid_permission_pattern((*list)[i]))
                    p.add(key + "[" + std::to_string(i) + "]", "permission",
                          "must be a permission \"resource:action\" ([a-z0-9_.-], \"*\" for a whole part) or \"*\"");
            doc.actions = list;
        } else if (key == "resources") {
            auto list = string_list(value, key, p);
            if (!list) continue;
            for (std::size_t i = 0; i < list->size(); ++i)
                if (!valid_resource_pattern((*list)[i]))
                    p.add(key + "[" + std::to_string(i) + "]", "resource",
                          "must be 1 to 512 printable characters without spaces (e.g. org:<id>/users/*)");
            doc.resources = list;
        } else if (key == "subjects") {
            if (!value.is_array() || value.empty() || value.size() > k_max_list) {
                p.add(key, "type", "must be a list of 1 to 100 {type: user|role|everyone, id?, name?}");
                continue;
            }
            std::vector<SubjectRef> subjects;
            for (std::size_t i = 0; i < value.size(); ++i) {
                const std::string f = key + "[" + std::to_string(i) + "]";
                const auto& s = value[i];
                if (!s.is_object() || !s.contains("type") || !s["type"].is_string()) {
                    p.add(f, "type", "must be an object {type: user|role|everyone, id?, name?}");
                    continue;
                }
                SubjectRef ref;
                ref.type = s["type"].get<std::string>();
                for (const auto& [m, v] : s.items()) {
                    if (m == "type") continue;
                    if ((m == "id" || m == "name") && v.is_string() && !v.get<std::string>().empty() &&
                        v.get<std::string>().size() <= 320)
                        (m == "id" ? ref.id : ref.name) = v.get<std::string>();
                    else p.add(f + "." + m, "unknown", "is not allowed here (type, id, name; strings)");
                }
                if (ref.type == "everyone") {
                    if (!ref.id.empty() || !ref.name.empty()) p.add(f, "everyone", "\"everyone\" takes no id or name");
                } else if (ref.type == "user") {
                    if (ref.id.empty() && ref.name.empty()) p.add(f, "required", "needs the user's id (or email as name)");
                } else if (ref.type == "role") {
                    if (ref.id.empty() && ref.name.empty()) p.add(f, "required", "needs the role's id or name");
                } else {
                    p.add(f + ".type", "enum", "must be user, role or everyone");
                }
                subjects.push_back(ref);
            }
            doc.subjects = subjects;
        } else if (key == "conditions") {
            if (value.is_null()) {
                doc.conditions = json::object();
                continue;
            }
            check_conditions(value, key, p, nullptr, 0);
            doc.conditions = value;
        } else if (key == "enabled") {
            if (!value.is_boolean()) p.add(key, "type", "must be true or false");
            else doc.enabled = value.get<bool>();
        } else {
            p.add(key, "unknown",
                  "is not a policy member (name, description, effect, actions, resources, subjects, conditions, enabled)");
        }
    }
    if (!partial)
        for (const char* required : {"name", "effect", "actions", "resources", "subjects"})
            if (!body.contains(required)) p.add(required, "required", "is required");
    if (!p.empty()) return p.error();
    return doc;
}

Result<Conditions> parse_conditions(const json& conditions) {
    Problems p;
    Conditions out;
    check_conditions(conditions, "conditions", p, &out, 0);
    if (!p.empty()) return p.error();
    return out;
}

json to_json(const Policy& policy) {
    json subjects = json::array();
    for (const auto& s : policy.subjects) {
        json entry = {{"type", s.type}};
        if (!s.id.empty()) entry["id"] = s.id;
        if (!s.name.empty()) entry["name"] = s.name;
        subjects.push_back(entry);
    }
    return {{"id", policy.id},
            {"organization_id", policy.organization_id ? json(*policy.organization_id) : json(nullptr)},
            {"name", policy.name},
            {"description", policy.description},
            {"effect", effect_name(policy.effect)},
            {"actions", policy.actions},
            {"resources", policy.resources},
            {"subjects", subjects},
            {"conditions", policy.conditions_source},
            {"enabled", policy.enabled},
            {"created_at", policy.created_at},
            {"updated_at", policy.updated_at}};
}

}  // namespace janua::policies
