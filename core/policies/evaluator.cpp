#include "core/policies/evaluator.hpp"

#include "core/rbac/permission_match.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace janua::policies {
namespace {

using json = nlohmann::json;

const char* const k_day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string clock_text(int minutes) {
    const int h = minutes / 60 % 100, m = minutes % 60;
    return std::string{static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                       static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
}

std::string ip_text(const IpAddress& ip) {
    char buffer[64] = {};
    if (ip.v4) std::snprintf(buffer, sizeof buffer, "%d.%d.%d.%d", ip.bytes[0], ip.bytes[1], ip.bytes[2], ip.bytes[3]);
    else {
        std::string out;
        for (int i = 0; i < 16; i += 2) {
            char part[16];
            std::snprintf(part, sizeof part, "%x", (ip.bytes[i] << 8) | ip.bytes[i + 1]);
            out += (i ? ":" : "") + std::string(part);
        }
        return out;
    }
    return buffer;
}

bool has_second_factor(const std::vector<std::string>& amr) {
    return std::any_of(amr.begin(), amr.end(), [](const std::string& m) { return m == "otp" || m == "hwk" || m == "mfa"; });
}

// Local day (0 = Monday) and minute of `unix_time` at `offset_minutes` from UTC.
std::pair<int, int> local_day_minute(std::int64_t unix_time, int offset_minutes) {
    const std::int64_t local = unix_time + static_cast<std::int64_t>(offset_minutes) * 60;
    std::int64_t days = local / 86400;
    std::int64_t seconds = local % 86400;
    if (seconds < 0) {
        seconds += 86400;
        --days;
    }
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    const int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
    return {weekday, static_cast<int>(seconds / 60)};
}

bool in_window(const TimeWindow& w, std::int64_t unix_time, std::string& detail) {
    const auto [day, minute] = local_day_minute(unix_time, w.utc_offset_minutes);
    auto day_listed = [&](int d) { return w.days.empty() || std::find(w.days.begin(), w.days.end(), d) != w.days.end(); };
    bool inside = false;
    if (w.start_minute < w.end_minute) {
        inside = day_listed(day) && minute >= w.start_minute && minute < w.end_minute;
    } else {  // runs over midnight: the early hours belong to the previous day's window
        inside = (day_listed(day) && minute >= w.start_minute) || (day_listed((day + 6) % 7) && minute < w.end_minute);
    }
    detail = std::string("local time ") + k_day_names[day] + " " + clock_text(minute) + (inside ? " is" : " is not") +
             " within " + clock_text(w.start_minute) + "-" + clock_text(w.end_minute);
    return inside;
}

bool value_matches(const json& expected, const json& actual) {
    if (expected.is_array()) return std::any_of(expected.begin(), expected.end(), [&](const json& v) { return v == actual; });
    return expected == actual;
}

std::string email_domain(const std::string& email) {
    const auto at = email.rfind('@');
    std::string d = at == std::string::npos ? "" : email.substr(at + 1);
    std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
    return d;
}

// Append one result per condition; true when all hold.
bool check(const Conditions& c, const Subject& subject, const Context& context, const std::string& prefix,
           std::vector<ConditionResult>& out) {
    bool all = true;
    auto add = [&](const std::string& name, bool matched, std::string detail) {
        out.push_back({prefix + name, matched, std::move(detail)});
        all = all && matched;
    };
    if (c.ip_ranges) {
        if (!context.ip) {
            add("ip_ranges", false, "the request has no client address");
        } else {
            const auto hit = std::find_if(c.ip_ranges->begin(), c.ip_ranges->end(),
                                          [&](const IpRange& r) { return contains(r, *context.ip); });
            add("ip_ranges", hit != c.ip_ranges->end(),
                ip_text(*context.ip) + (hit != c.ip_ranges->end() ? " is in " + hit->text : " is in none of the ranges"));
        }
    }
    if (c.time_window) {
        std::string detail;
        const bool inside = in_window(*c.time_window, context.unix_time, detail);
        add("time_window", inside, detail);
    }
    if (c.mfa) {
        const bool used = has_second_factor(context.amr);
        add("mfa", used == *c.mfa, used ? "a second factor was used" : "no second factor was used");
    }
    if (c.email_domains) {
        const std::string domain = email_domain(subject.email);
        const bool hit = std::find(c.email_domains->begin(), c.email_domains->end(), domain) != c.email_domains->end();
        add("subject.email_domains", hit, "email domain '" + domain + "'" + (hit ? " is listed" : " is not listed"));
    }
    if (c.is_platform_admin)
        add("subject.is_platform_admin", subject.is_platform_admin == *c.is_platform_admin,
            subject.is_platform_admin ? "the subject is a platform admin" : "the subject is not a platform admin");
    if (c.roles) {
        std::string held;
        for (const auto& r : subject.roles) held += (held.empty() ? "" : ", ") + r.name;
        const bool hit = std::any_of(subject.roles.begin(), subject.roles.end(), [&](const RoleRef& r) {
            return std::find(c.roles->begin(), c.roles->end(), r.name) != c.roles->end();
        });
        add("subject.roles", hit, "the subject holds [" + held + "]");
    }
    if (c.resource_attributes) {
        for (const auto& [name, expected] : c.resource_attributes->items()) {
            const auto& attrs = context.resource_attributes;
            if (!attrs.is_object() || !attrs.contains(name)) {
                add("resource." + name, false, "the resource has no attribute '" + name + "'");
                continue;
            }
            const bool hit = value_matches(expected, attrs[name]);
            add("resource." + name, hit, attrs[name].dump() + (hit ? " matches" : " does not match ") +
                                             (hit ? "" : expected.dump()));
        }
    }
    if (c.negated) {
        std::vector<ConditionResult> inner;
        const bool inner_all = check(*c.negated, subject, context, prefix + "not.", inner);
        out.insert(out.end(), inner.begin(), inner.end());
        out.push_back({prefix + "not", !inner_all,
                       inner_all ? "all negated conditions hold" : "at least one negated condition does not hold"});
        all = all && !inner_all;
    }
    return all;
}

bool attached(const Policy& policy, const Subject& subject) {
    return std::any_of(policy.subjects.begin(), policy.subjects.end(), [&](const SubjectRef& s) {
        if (s.type == "everyone") return true;
        if (s.type == "user") return !subject.user_id.empty() && s.id == subject.user_id;
        if (s.type == "role")
            return std::any_of(subject.roles.begin(), subject.roles.end(), [&](const RoleRef& r) { return r.id == s.id; });
        return false;
    });
}

}  // namespace

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::allow: return "allow";
        case Outcome::deny: return "deny";
        case Outcome::not_applicable: return "not_applicable";
    }
    return "not_applicable";
}

std::optional<std::string> resource_organization(const std::string& resource) {
    if (resource.rfind("org:", 0) != 0) return std::nullopt;
    const auto end = resource.find('/');
    std::string id = resource.substr(4, end == std::string::npos ? std::string::npos : end - 4);
    if (id.empty()) return std::nullopt;
    return id;
}

Decision evaluate(const std::vector<Policy>& policies, const Subject& subject, const std::string& action,
                  const std::string& resource, const Context& context) {
    Decision decision;
    const auto resource_org = resource_organization(resource);
    std::optional<PolicyExplanation> first_allow, first_deny;
    for (const auto& policy : policies) {
        PolicyExplanation e;
        e.policy_id = policy.id;
        e.name = policy.name;
        e.effect = policy.effect;
        e.global = !policy.organization_id;
        if (!policy.enabled) e.result = "disabled";
        else if (policy.organization_id && resource_org != policy.organization_id) e.result = "out_of_scope";
        else if (!attached(policy, subject)) e.result = "subject_not_attached";
        else if (std::none_of(policy.actions.begin(), policy.actions.end(),
                              [&](const std::string& a) { return rbac::permission_matches(a, action); }))
            e.result = "action_not_matched";
        else if (std::none_of(policy.resources.begin(), policy.resources.end(),
                              [&](const std::string& r) { return resource_matches(r, resource); }))
            e.result = "resource_not_matched";
        else e.result = check(policy.conditions, subject, context, "", e.conditions) ? "matched" : "conditions_not_met";
        if (e.result == "matched") {
            auto& first = policy.effect == Effect::deny ? first_deny : first_allow;
            if (!first) first = e;
        }
        decision.evaluated.push_back(std::move(e));
    }
    if (first_deny) {
        decision.outcome = Outcome::deny;
        decision.decided_by = first_deny;
    } else if (first_allow) {
        decision.outcome = Outcome::allow;
        decision.decided_by = first_allow;
    }
    return decision;
}

nlohmann::json to_json(const Decision& decision) {
    auto explain = [](const PolicyExplanation& e) {
        json conditions = json::array();
        for (const auto& c : e.conditions)
            conditions.push_back({{"condition", c.condition}, {"matched", c.matched}, {"detail", c.detail}});
        return json{{"policy_id", e.policy_id}, {"name", e.name}, {"effect", effect_name(e.effect)},
                    {"result", e.result}, {"conditions", conditions}};
    };
    json evaluated = json::array();
    for (const auto& e : decision.evaluated) evaluated.push_back(explain(e));
    json decided_by = nullptr;
    if (decision.decided_by)
        decided_by = {{"policy_id", decision.decided_by->policy_id},
                      {"name", decision.decided_by->name},
                      {"effect", effect_name(decision.decided_by->effect)}};
    return {{"decision", outcome_name(decision.outcome)}, {"decided_by", decided_by}, {"evaluated", evaluated}};
}

}  // namespace janua::policies
