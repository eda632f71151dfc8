#include "core/alerts/rule.hpp"

#include "core/common/ids.hpp"
#include "core/common/text.hpp"
#include "core/mail/message.hpp"

#include <regex>
#include <set>

namespace janua::alerts {
namespace {

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

nlohmann::json opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

Result<int> bounded_int(const nlohmann::json& v, const std::string& field, int low, int high) {
    if (!v.is_number_integer() || v.get<long long>() < low || v.get<long long>() > high)
        return invalid(field, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return static_cast<int>(v.get<long long>());
}

Result<std::string> one_of(const nlohmann::json& v, const std::string& field, const std::set<std::string>& allowed) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    if (!v.is_string() || !allowed.count(v.get<std::string>())) return invalid(field, "must be one of " + list);
    return v.get<std::string>();
}

Result<Channel> channel_from(const nlohmann::json& v, const std::string& field) {
    if (!v.is_object()) return invalid(field, "must be an object with a type (email or webhook)");
    for (const auto& [key, value] : v.items())
        if (key != "type" && key != "addresses" && key != "webhook_id") return invalid(field + "." + key, "is not a channel field");
    auto type = one_of(v.value("type", nlohmann::json()), field + ".type", {"email", "webhook"});
    if (!type) return type.error();
    Channel c;
    c.type = *type;
    if (c.type == "email") {
        const auto& list = v.contains("addresses") ? v["addresses"] : nlohmann::json();
        if (!list.is_array() || list.empty() || list.size() > static_cast<std::size_t>(k_max_addresses))
            return invalid(field + ".addresses", "must list 1 to " + std::to_string(k_max_addresses) + " email addresses");
        for (const auto& a : list) {
            if (!a.is_string() || !mail::validate_address(a.get<std::string>()))
                return invalid(field + ".addresses", "must hold plain email addresses such as ops@example.com");
            c.addresses.push_back(a.get<std::string>());
        }
        if (v.contains("webhook_id")) return invalid(field + ".webhook_id", "belongs to webhook channels only");
    } else {
        if (!v.contains("webhook_id") || !v["webhook_id"].is_string() || !is_uuid(v["webhook_id"].get<std::string>()))
            return invalid(field + ".webhook_id", "must be the id of one of the organization's webhooks");
        if (v.contains("addresses")) return invalid(field + ".addresses", "belongs to email channels only");
        c.webhook_id = v["webhook_id"].get<std::string>();
    }
    return c;
}

Status check_details_match(const nlohmann::json& v) {
    if (v.is_null()) return Ok{};
    if (!v.is_object() || v.empty() || v.size() > 10)
        return invalid("details_match", "must be an object of 1 to 10 members the entry's details must hold");
    for (const auto& [key, value] : v.items())
        if (key.empty() || key.size() > 64 || !(value.is_primitive()) || (value.is_string() && value.get<std::string>().size() > 256))
            return invalid("details_match", "members must be short names with a string, number, boolean or null value");
    return Ok{};
}

}  // namespace

nlohmann::json channels_to_json(const std::vector<Channel>& channels) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : channels) {
        if (c.type == "email") out.push_back({{"type", "email"}, {"addresses", c.addresses}});
        else out.push_back({{"type", "webhook"}, {"webhook_id", c.webhook_id}});
    }
    return out;
}

std::vector<Channel> channels_from_json(const nlohmann::json& stored) {
    std::vector<Channel> out;
    if (!stored.is_array()) return out;
    for (const auto& v : stored)
        if (auto c = channel_from(v, "channels")) out.push_back(*c);
    return out;
}

nlohmann::json to_json(const Rule& r) {
    return {{"id", r.id},
            {"organization_id", opt(r.organization_id)},
            {"name", r.name},
            {"description", opt(r.description)},
            {"action", r.action},
            {"outcome", opt(r.outcome)},
            {"details_match", r.details_match},
            {"threshold", r.threshold},
            {"window_seconds", r.window_seconds},
            {"group_by", r.group_by},
            {"cooldown_seconds", r.cooldown_seconds},
            {"severity", r.severity},
            {"enabled", r.enabled},
            {"channels", channels_to_json(r.channels)},
            {"created_at", r.created_at},
            {"updated_at", r.updated_at}};
}

Status apply(const nlohmann::json& body, Rule& rule) {
    static const std::regex action_pattern(R"(^(\*|[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}(\.\*)?)$)");
    for (const auto& [key, v] : body.items()) {
        if (key == "name") {
            if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 200)
                return invalid("name", "must be 1 to 200 characters");
            if (has_control_characters(v.get<std::string>()))
                return invalid("name", "must be one line, without control characters (it is the alert mail's subject)");
            rule.name = v.get<std::string>();
        } else if (key == "description") {
            if (!v.is_null() && (!v.is_string() || v.get<std::string>().size() > 1000))
                return invalid("description", "must be at most 1000 characters");
            rule.description = v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
        } else if (key == "action") {
            if (!v.is_string() || !std::regex_match(v.get<std::string>(), action_pattern))
                return invalid("action", "must be an action such as user.signin, a prefix such as user.*, or *");
            if (v.get<std::string>().rfind("alert.", 0) == 0)
                return invalid("action", "cannot be an alert.* action: alerts do not trigger alerts");
            rule.action = v.get<std::string>();
        } else if (key == "outcome") {
            if (v.is_null()) {
                rule.outcome.reset();
            } else {
                auto o = one_of(v, "outcome", {"success", "failure"});
                if (!o) return o.error();
                rule.outcome = *o;
            }
        } else if (key == "details_match") {
            if (auto ok = check_details_match(v); !ok) return ok;
            rule.details_match = v;
        } else if (key == "threshold") {
            auto n = bounded_int(v, "threshold", 1, 100000);
            if (!n) return n.error();
            rule.threshold = *n;
        } else if (key == "window_seconds") {
            auto n = bounded_int(v, "window_seconds", 1, 2592000);
            if (!n) return n.error();
            rule.window_seconds = *n;
        } else if (key == "cooldown_seconds") {
            auto n = bounded_int(v, "cooldown_seconds", 0, 2592000);
            if (!n) return n.error();
            rule.cooldown_seconds = *n;
        } else if (key == "group_by") {
            auto g = one_of(v, "group_by", {"none", "actor", "ip", "target"});
            if (!g) return g.error();
            rule.group_by = *g;
        } else if (key == "severity") {
            auto s = one_of(v, "severity", {"info", "warning", "critical"});
            if (!s) return s.error();
            rule.severity = *s;
        } else if (key == "enabled") {
            if (!v.is_boolean()) return invalid("enabled", "must be true or false");
            rule.enabled = v.get<bool>();
        } else if (key == "channels") {
            if (!v.is_array() || v.size() > static_cast<std::size_t>(k_max_channels))
                return invalid("channels", "must be a list of at most " + std::to_string(k_max_channels) + " channels");
            std::vector<Channel> channels;
            for (std::size_t i = 0; i < v.size(); ++i) {
                auto c = channel_from(v[i], "channels[" + std::to_string(i) + "]");
                if (!c) return c.error();
                channels.push_back(*c);
            }
            rule.channels = std::move(channels);
        } else {
            return invalid(key, "is not a field of an alert rule");
        }
    }
    return Ok{};
}

Status check_complete(const Rule& rule) {
    if (rule.name.empty()) return invalid("name", "is required");
    if (rule.action.empty()) return invalid("action", "is required (e.g. user.signin)");
    if (rule.threshold < 1) return invalid("threshold", "is required (how many entries fire the rule)");
    if (rule.window_seconds < 1) return invalid("window_seconds", "is required (the period the threshold counts over)");
    return Ok{};
}

std::string group_key(const std::string& group_by, const std::optional<std::string>& actor_id,
                      const std::optional<std::string>& ip, const std::optional<std::string>& target_id) {
    if (group_by == "actor") return actor_id.value_or("");
    if (group_by == "ip") return ip.value_or("");
    if (group_by == "target") return target_id.value_or("");
    return "";
}

nlohmann::json templates() {
    auto t = [](const char* key, const char* scope, const char* about, nlohmann::json rule) {
        return nlohmann::json{{"key", key}, {"scope", scope}, {"description", about}, {"rule", std::move(rule)}};
    };
    return nlohmann::json::array(
        {t("failed-signins-per-account", "platform",
           "5 failed password sign-ins to one account within 5 minutes (sign-ins are platform events)",
           {{"name", "Failed sign-ins on one account"}, {"action", "user.signin"}, {"outcome", "failure"},
            {"threshold", 5}, {"window_seconds", 300}, {"group_by", "target"}, {"cooldown_seconds", 900},
            {"severity", "warning"}}),
         t("failed-signins-per-ip", "platform", "20 failed sign-ins from one IP address within 5 minutes",
           {{"name", "Failed sign-ins from one address"}, {"action", "user.signin"}, {"outcome", "failure"},
            {"threshold", 20}, {"window_seconds", 300}, {"group_by", "ip"}, {"cooldown_seconds", 900},
            {"severity", "critical"}}),
         t("signing-key-rotated", "platform", "a token signing key was rotated",
           {{"name", "Signing key rotated"}, {"action", "signing_key.rotated"}, {"threshold", 1},
            {"window_seconds", 60}, {"severity", "info"}}),
         t("platform-admin-created", "platform", "a user was created as a platform admin",
           {{"name", "New platform admin"}, {"action", "user.created"}, {"details_match", {{"platform_admin", true}}},
            {"threshold", 1}, {"window_seconds", 60}, {"severity", "critical"}}),
         t("admin-role-granted", "organization", "a member of the organization was made an admin",
           {{"name", "New organization admin"}, {"action", "org.member_role_changed"},
            {"details_match", {{"to", "admin"}}}, {"threshold", 1}, {"window_seconds", 60}, {"severity", "warning"}})});
}

}  // namespace janua::alerts
