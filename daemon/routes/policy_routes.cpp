// /api/v1/policies (global policies, platform admins) and /api/v1/organizations/{org_id}/policies
// (an organization's own, with "policies:read" / "policies:write"): thin handlers over core/policies.
#include "core/common/time.hpp"
#include "core/policies/policy_store.hpp"
#include "core/rbac/permission_match.hpp"
#include "daemon/routes/routes.hpp"

#include <algorithm>
#include <cctype>

namespace janua::daemon {
namespace {

using json = nlohmann::json;
using Scope = std::optional<std::string>;

policies::Actor actor_of(const Request& r) {
    policies::Actor a;
    if (r.principal && !r.principal->user_id.empty()) a.id = r.principal->user_id;
    a.ip = r.remote_addr;
    a.request_id = r.request_id;
    return a;
}

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = json::array({{{"field", field}, {"rule", "invalid"}, {"message", field + " " + message}}});
    return e;
}

Response policy_or_error(const Result<policies::Policy>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, policies::to_json(*result));
}

// RFC 3339 with its offset ("2026-11-23T09:30:00+01:00", "…Z", optional fraction): Unix seconds.
std::optional<std::int64_t> parse_instant(const std::string& text) {
    if (text.size() < 20 || text.size() > 40 || text[10] != 'T') return std::nullopt;
    auto base = parse_rfc3339(text.substr(0, 19));
    if (!base) return std::nullopt;
    std::size_t at = 19;
    if (text[at] == '.') {
        ++at;
        const std::size_t digits = at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
        if (at == digits) return std::nullopt;
    }
    const std::string zone = text.substr(at);
    if (zone == "Z" || zone == "z") return base;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
    for (int i : {1, 2, 4, 5})
        if (!std::isdigit(static_cast<unsigned char>(zone[i]))) return std::nullopt;
    const int minutes = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 60 + (zone[4] - '0') * 10 + (zone[5] - '0');
    if (minutes > 14 * 60) return std::nullopt;
    return *base - (zone[0] == '+' ? 1 : -1) * static_cast<std::int64_t>(minutes) * 60;
}

Scope scope_of(const Request& r, bool organization) {
    if (!organization) return std::nullopt;
    return r.param("org_id");
}

// POST .../evaluate: {subject?, action, resource, resource_attributes?, context?}.
Response evaluate(DaemonContext& context, Request& r, const Scope& scope) {
    auto body = parse_json_object(r);
    if (!body) return error_response(body.error(), r.request_id);
    for (const auto& [key, value] : body->items())
        if (key != "subject" && key != "action" && key != "resource" && key != "resource_attributes" && key != "context")
            return error_response(invalid(key, "is not allowed (subject, action, resource, resource_attributes, context)"),
                                  r.request_id);
    const json& b = *body;
    if (!b.contains("action") || !b["action"].is_string() || b["action"].get<std::string>().find('*') != std::string::npos ||
        !rbac::valid_permission_pattern(b["action"].get<std::string>()))
        return error_response(invalid("action", "must be a permission name \"resource:action\", e.g. \"users:read\""),
                              r.request_id);
    if (!b.contains("resource") || !b["resource"].is_string() ||
        !policies::valid_resource_pattern(b["resource"].get<std::string>()))
        return error_response(invalid("resource", "must be a resource name, e.g. \"org:<id>/users/<user id>\""),
                              r.request_id);
    const std::string action = b["action"], resource = b["resource"];
    if (scope && policies::resource_organization(resource) != scope)
        return error_response(invalid("resource", "must be a resource of this organization: \"org:" + *scope + "/...\""),
                              r.request_id);

    policies::Context ctx;
    ctx.unix_time = unix_seconds_now();
    if (auto ip = policies::parse_ip(r.remote_addr)) ctx.ip = *ip;
    if (b.contains("resource_attributes")) {
        if (!b["resource_attributes"].is_object() || b["resource_attributes"].size() > 100)
            return error_response(invalid("resource_attributes", "must be an object of at most 100 attributes"), r.request_id);
        ctx.resource_attributes = b["resource_attributes"];
    }
    bool amr_given = false;
    if (b.contains("context")) {
        const json& c = b["context"];
        if (!c.is_object()) return error_response(invalid("context", "must be an object {ip?, time?, amr?}"), r.request_id);
        for (const auto& [key, value] : c.items()) {
            if (key == "ip") {
                auto ip = value.is_string() ? policies::parse_ip(value.get<std::string>()) : std::nullopt;
                if (!ip) return error_response(invalid("context.ip", "must be an IPv4 or IPv6 address"), r.request_id);
                ctx.ip = *ip;
            } else if (key == "time") {
                std::optional<std::int64_t> t;
                if (value.is_string()) t = parse_instant(value.get<std::string>());
                else if (value.is_number_integer()) t = value.get<std::int64_t>();
                if (!t) return error_response(invalid("context.time", "must be an RFC 3339 time or Unix seconds"), r.request_id);
                ctx.unix_time = *t;
            } else if (key == "amr") {
                if (!value.is_array() || value.size() > 20)
                    return error_response(invalid("context.amr", "must be a list of methods, e.g. [\"pwd\", \"otp\"]"), r.request_id);
                for (const auto& m : value) {
                    if (!m.is_string()) return error_response(invalid("context.amr", "must hold strings"), r.request_id);
                    ctx.amr.push_back(m.get<std::string>());
                }
                amr_given = true;
            } else {
                return error_response(invalid("context." + key, "is not allowed (ip, time, amr)"), r.request_id);
            }
        }
    }

    std::string user_id = r.principal ? r.principal->user_id : "";
    bool self = true;
    if (b.contains("subject") && !b["subject"].is_null()) {
        const json& s = b["subject"];
        if (!s.is_object() || s.size() != 1 || !s.contains("user_id") || !s["user_id"].is_string())
            return error_response(invalid("subject", "must be {\"user_id\": \"<id>\"} (absent: the caller)"), r.request_id);
        user_id = s["user_id"];
        self = user_id == (r.principal ? r.principal->user_id : "");
    }
    if (self && !amr_given && r.principal) ctx.amr = r.principal->amr;

    const auto resource_org = policies::resource_organization(resource);
    return context.pool->transact([&](db::Transaction& tx) -> Response {
        policies::Subject subject;
        if (!user_id.empty()) {
            auto found = policies::subject_for_user(tx, user_id, resource_org);
            // In an organization only its members can be evaluated: the same answer for strangers
            // and unknown ids, so the route cannot probe other tenants' users.
            if (!found || (scope && found->roles.empty() && !self))
                return error_response(invalid("subject.user_id", scope ? "is not a member of this organization"
                                                                       : "is not a user"),
                                      r.request_id);
            subject = std::move(found).value();
        }
        auto decision = policies::decide(tx, subject, action, resource, ctx);
        if (scope) {
            // An organization sees its own policies in full; of the platform's global policies
            // only name, effect and result (their conditions are the platform's business).
            auto& list = decision.evaluated;
            list.erase(std::remove_if(list.begin(), list.end(),
                                      [&](const policies::PolicyExplanation& e) { return e.result == "out_of_scope"; }),
                       list.end());
            for (auto& e : list)
                if (e.global) e.conditions.clear();
            if (decision.decided_by && decision.decided_by->global) decision.decided_by->conditions.clear();
        }
        json out = policies::to_json(decision);
        out["subject"] = {{"user_id", subject.user_id.empty() ? json(nullptr) : json(subject.user_id)}};
        out["action"] = action;
        out["resource"] = resource;
        return Response::json(200, out);
    });
}

void register_scope(Router& router, DaemonContext& context, const std::string& base, bool organization) {
    const Access access = organization ? Access::organization : Access::platform_admin;
    auto add = [&](const char* method, const std::string& pattern, const char* permission, Handler handler) {
        router.add(Route{method, pattern, access, std::move(handler), RateLimit::none,
                         organization ? permission : std::string()});
    };
    auto* ctx = &context;
    add("GET", base, "policies:read", [ctx, organization](Request& r) {
        auto list = ctx->pool->transact([&](db::Transaction& tx) { return policies::list_policies(tx, scope_of(r, organization)); });
        if (!list) return error_response(list.error(), r.request_id);
        json data = json::array();
        for (const auto& p : *list) data.push_back(policies::to_json(p));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    add("POST", base, "policies:write", [ctx, organization](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return policy_or_error(ctx->pool->transact([&](db::Transaction& tx) {
                                   return policies::create_policy(tx, scope_of(r, organization), *body, actor_of(r));
                               }),
                               r, 201);
    });
    // Registered before /{policy_id} so that POST .../evaluate is not taken for a policy id.
    add("POST", base + "/evaluate", "policies:read",
        [ctx, organization](Request& r) { return evaluate(*ctx, r, scope_of(r, organization)); });
    add("GET", base + "/{policy_id}", "policies:read", [ctx, organization](Request& r) {
        return policy_or_error(ctx->pool->transact([&](db::Transaction& tx) {
                                   return policies::get_policy(tx, scope_of(r, organization), r.param("policy_id"));
                               }),
                               r);
    });
    add("PATCH", base + "/{policy_id}", "policies:write", [ctx, organization](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return policy_or_error(ctx->pool->transact([&](db::Transaction& tx) {
                                   return policies::update_policy(tx, scope_of(r, organization), r.param("policy_id"),
                                                                  *body, actor_of(r));
                               }),
                               r);
    });
    add("DELETE", base + "/{policy_id}", "policies:write", [ctx, organization](Request& r) {
        auto done = ctx->pool->transact([&](db::Transaction& tx) {
            return policies::delete_policy(tx, scope_of(r, organization), r.param("policy_id"), actor_of(r));
        });
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
}

}  // namespace

void register_policy_routes(Router& router, DaemonContext& context) {
    register_scope(router, context, "/api/v1/policies", false);
    register_scope(router, context, "/api/v1/organizations/{org_id}/policies", true);
}

}  // namespace janua::daemon
