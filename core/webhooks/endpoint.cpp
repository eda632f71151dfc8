#include "core/webhooks/endpoint.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace janua::webhooks {
namespace {

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

nlohmann::json opt_time(const std::string& t) { return t.empty() ? nlohmann::json(nullptr) : nlohmann::json(t); }

}  // namespace

Status validate_event_types(const std::vector<std::string>& types) {
    if (types.empty() || types.size() > 100) return invalid("event_types", "must list 1 to 100 event types");
    static const std::regex pattern(R"(^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$)");
    for (const auto& t : types)
        if (t.size() > 128 || !std::regex_match(t, pattern))
            return invalid("event_types", "'" + t.substr(0, 128) +
                                              "' is not an event type; use an action such as user.signin, a prefix "
                                              "such as user.*, or *");
    return Ok{};
}

Result<EndpointSpec> spec_from_json(const nlohmann::json& body) {
    static const std::set<std::string> known = {"url", "event_types", "description", "enabled"};
    for (const auto& [key, value] : body.items())
        if (!known.count(key)) return invalid(key, "is not a webhook setting (url, event_types, description, enabled)");
    EndpointSpec spec;
    if (body.contains("url")) {
        if (!body["url"].is_string()) return invalid("url", "must be a string");
        spec.url = body["url"].get<std::string>();
    }
    if (body.contains("description")) {
        const auto& d = body["description"];
        if (d.is_null()) {
            spec.description = std::optional<std::string>{};
        } else if (!d.is_string() || d.get<std::string>().size() > 500) {
            return invalid("description", "must be a string of at most 500 characters");
        } else {
            spec.description = std::optional<std::string>{d.get<std::string>()};
        }
    }
    if (body.contains("event_types")) {
        const auto& t = body["event_types"];
        if (!t.is_array()) return invalid("event_types", "must be an array of strings");
        std::vector<std::string> types;
        for (const auto& item : t) {
            if (!item.is_string()) return invalid("event_types", "must be an array of strings");
            const auto value = item.get<std::string>();
            if (std::find(types.begin(), types.end(), value) == types.end()) types.push_back(value);
        }
        if (auto valid = validate_event_types(types); !valid) return valid.error();
        spec.event_types = std::move(types);
    }
    if (body.contains("enabled")) {
        if (!body["enabled"].is_boolean()) return invalid("enabled", "must be true or false");
        spec.enabled = body["enabled"].get<bool>();
    }
    return spec;
}

nlohmann::json to_json(const Endpoint& e) {
    return {{"id", e.id},
            {"organization_id", e.organization_id},
            {"url", e.url},
            {"description", e.description ? nlohmann::json(*e.description) : nlohmann::json(nullptr)},
            {"event_types", e.event_types},
            {"enabled", e.enabled},
            {"failing", e.failing},
            {"failing_since", opt_time(e.failing_since)},
            {"last_success_at", opt_time(e.last_success_at)},
            {"last_failure_at", opt_time(e.last_failure_at)},
            {"created_at", e.created_at},
            {"updated_at", e.updated_at}};
}

nlohmann::json to_json(const Delivery& d) {
    auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    return {{"id", d.id},
            {"endpoint_id", d.endpoint_id},
            {"event_id", d.event_id},
            {"event_type", d.event_type},
            {"job_id", opt(d.job_id)},
            {"attempt", d.attempt},
            {"outcome", d.outcome},
            {"http_status", opt(d.http_status)},
            {"latency_ms", d.latency_ms},
            {"response_excerpt", opt(d.response_excerpt)},
            {"error", opt(d.error)},
            {"created_at", d.created_at}};
}

}  // namespace janua::webhooks
