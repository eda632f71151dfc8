#include "core/billing/plan.hpp"

#include "core/common/time.hpp"

#include <regex>
#include <set>

namespace janua::billing {
namespace {

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

}  // namespace

nlohmann::json to_json(const Plan& p) {
    return {{"id", p.id},
            {"name", p.name},
            {"description", p.description},
            {"limits",
             {{"max_members", p.max_members ? nlohmann::json(*p.max_members) : nlohmann::json(nullptr)},
              {"sso_allowed", p.sso_allowed},
              {"scim_allowed", p.scim_allowed}}},
            {"default", p.is_default},
            {"metadata", p.metadata},
            {"created_at", p.created_at},
            {"updated_at", p.updated_at}};
}

nlohmann::json to_json(const Subscription& s) {
    auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    return {{"organization_id", s.organization_id},
            {"source", s.source},
            {"plan", s.plan ? to_json(*s.plan) : nlohmann::json(nullptr)},
            {"status", opt(s.status)},
            {"subscribed_plan_id", opt(s.subscribed_plan_id)},
            {"current_period_end", opt(s.current_period_end)},
            {"provider", s.provider.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.provider)},
            {"usage", {{"members", s.members}}},
            {"updated_at", s.updated_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.updated_at)}};
}

Result<PlanSpec> plan_spec_from_json(const nlohmann::json& body, bool creating) {
    static const std::set<std::string> known = {"id", "name", "description", "limits", "default", "metadata"};
    for (const auto& [key, value] : body.items())
        if (!known.count(key)) return invalid(key, "is not a plan field (id, name, description, limits, default, metadata)");
    PlanSpec spec;
    auto text = [&](const char* field, std::size_t max, std::optional<std::string>& out) -> Status {
        if (!body.contains(field)) return Ok{};
        if (!body[field].is_string() || body[field].get<std::string>().size() > max)
            return invalid(field, "must be a string of at most " + std::to_string(max) + " characters");
        out = body[field].get<std::string>();
        return Ok{};
    };
    if (auto s = text("id", 63, spec.id); !s) return s.error();
    if (auto s = text("name", 200, spec.name); !s) return s.error();
    if (auto s = text("description", 2000, spec.description); !s) return s.error();
    if (creating) {
        static const std::regex id_pattern("^[a-z0-9][a-z0-9_-]{0,62}$");
        if (!spec.id || !std::regex_match(*spec.id, id_pattern))
            return invalid("id", "is required: lower-case letters, digits, '-' and '_' (at most 63)");
        if (!spec.name || spec.name->empty()) return invalid("name", "is required");
    } else {
        if (spec.id) return invalid("id", "cannot change; create a new plan instead");
        if (spec.name && spec.name->empty()) return invalid("name", "cannot be empty");
    }
    if (body.contains("limits")) {
        const auto& limits = body["limits"];
        if (!limits.is_object()) return invalid("limits", "must be an object");
        for (const auto& [key, value] : limits.items()) {
            if (key == "max_members") {
                if (value.is_null()) spec.max_members = std::optional<int>{};
                else if (value.is_number_integer() && value.get<long long>() >= 1 && value.get<long long>() <= 10000000)
                    spec.max_members = std::optional<int>(value.get<int>());
                else return invalid("limits.max_members", "must be a whole number from 1 to 10000000, or null for unlimited");
            } else if (key == "sso_allowed" || key == "scim_allowed") {
                if (!value.is_boolean()) return invalid("limits." + key, "must be true or false");
                (key == "sso_allowed" ? spec.sso_allowed : spec.scim_allowed) = value.get<bool>();
            } else {
                return invalid("limits." + key, "is not a limit (max_members, sso_allowed, scim_allowed)");
            }
        }
    }
    if (body.contains("default")) {
        if (!body["default"].is_boolean()) return invalid("default", "must be true or false");
        spec.is_default = body["default"].get<bool>();
    }
    if (body.contains("metadata")) {
        if (!body["metadata"].is_object() || body["metadata"].dump().size() > 8192)
            return invalid("metadata", "must be an object of at most 8 KiB");
        spec.metadata = body["metadata"];
    }
    return spec;
}

Result<SubscriptionSpec> subscription_spec_from_json(const nlohmann::json& body) {
    for (const auto& [key, value] : body.items())
        if (key != "plan_id" && key != "status" && key != "current_period_end")
            return invalid(key, "is not a subscription field (plan_id, status, current_period_end)");
    SubscriptionSpec spec;
    if (!body.contains("plan_id") || !body["plan_id"].is_string() || body["plan_id"].get<std::string>().empty())
        return invalid("plan_id", "is required");
    spec.plan_id = body["plan_id"].get<std::string>();
    if (body.contains("status")) {
        if (!body["status"].is_string() || !valid_status(body["status"].get<std::string>()))
            return invalid("status", "must be active, trialing, past_due or canceled");
        spec.status = body["status"].get<std::string>();
    }
    if (body.contains("current_period_end") && !body["current_period_end"].is_null()) {
        if (!body["current_period_end"].is_string() || !parse_rfc3339(body["current_period_end"].get<std::string>()))
            return invalid("current_period_end", "must be an RFC 3339 time, e.g. 2026-12-31T00:00:00Z");
        spec.current_period_end = body["current_period_end"].get<std::string>();
    }
    return spec;
}

}  // namespace janua::billing
