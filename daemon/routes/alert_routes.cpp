// /api/v1/alerts (the platform's own rules, platform admins) and
// /api/v1/organizations/{org_id}/alerts (an organization's, alerts:read / alerts:write):
// thin handlers over alerts::AlertService.
#include "core/alerts/service.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {
namespace {

using Scope = alerts::Scope;
using ScopeOf = Scope (*)(const Request&);

alerts::Actor actor_of(const Request& r) {
    if (r.principal && r.principal->api_key_id) return alerts::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return alerts::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                         r.remote_addr, r.request_id};
}

Scope platform(const Request&) { return std::nullopt; }
Scope organization(const Request& r) { return r.param("org_id"); }

template <class T>
Response rendered(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, alerts::to_json(*result));
}

// Register every alert route under `base`; `access` and the permissions decide who may call.
void add_all(Router& router, alerts::AlertService& svc, const std::string& base, Access access, ScopeOf scope_of) {
    auto add = [&](const std::string& method, const std::string& pattern, const char* permission, Handler handler) {
        Route route{method, base + pattern, access, std::move(handler), RateLimit::none, {}};
        if (access == Access::organization) route.permission = permission;
        router.add(std::move(route));
    };
    add("GET", "/rules", "alerts:read", [&svc, scope_of](Request& r) {
        auto found = svc.rules(scope_of(r));
        if (!found) return error_response(found.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& rule : *found) data.push_back(alerts::to_json(rule));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    add("POST", "/rules", "alerts:write", [&svc, scope_of](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return rendered(svc.create_rule(scope_of(r), *body, actor_of(r)), r, 201);
    });
    add("GET", "/rules/{rule_id}", "alerts:read",
        [&svc, scope_of](Request& r) { return rendered(svc.rule(scope_of(r), r.param("rule_id")), r); });
    add("PATCH", "/rules/{rule_id}", "alerts:write", [&svc, scope_of](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return rendered(svc.update_rule(scope_of(r), r.param("rule_id"), *body, actor_of(r)), r);
    });
    add("DELETE", "/rules/{rule_id}", "alerts:write", [&svc, scope_of](Request& r) {
        return no_content_or_error(svc.delete_rule(scope_of(r), r.param("rule_id"), actor_of(r)), r);
    });
    add("GET", "", "alerts:read", [&svc, scope_of](Request& r) {
        alerts::InstanceFilter filter;
        if (auto bad = parse_limit(r, filter.limit)) return error_response(*bad, r.request_id);
        filter.state = r.query_param("state");
        filter.rule_id = r.query_param("rule_id");
        filter.cursor = r.query_param("cursor");
        return rendered(svc.alerts(scope_of(r), filter), r);
    });
    add("GET", "/stats", "alerts:read", [&svc, scope_of](Request& r) {
        auto stats = svc.stats(scope_of(r), r.query_param("since"), r.query_param("until"));
        if (!stats) return error_response(stats.error(), r.request_id);
        return Response::json(200, *stats);
    });
    add("GET", "/{alert_id}", "alerts:read",
        [&svc, scope_of](Request& r) { return rendered(svc.alert(scope_of(r), r.param("alert_id")), r); });
    add("POST", "/{alert_id}/acknowledge", "alerts:write", [&svc, scope_of](Request& r) {
        nlohmann::json body = nlohmann::json::object();
        if (!r.body.empty()) {
            auto parsed = parse_json_object(r);
            if (!parsed) return error_response(parsed.error(), r.request_id);
            body = *parsed;
        }
        auto note = optional_string(body, "note");
        if (!note) return error_response(note.error(), r.request_id);
        return rendered(svc.acknowledge(scope_of(r), r.param("alert_id"), *note, actor_of(r)), r);
    });
}

}  // namespace

void register_alert_routes(Router& router, DaemonContext& context) {
    auto& svc = *context.alerts;
    router.add("GET", "/api/v1/alerts/templates", Access::user,
               [](Request&) { return Response::json(200, {{"data", alerts::templates()}}); });
    add_all(router, svc, "/api/v1/alerts", Access::platform_admin, platform);
    add_all(router, svc, "/api/v1/organizations/{org_id}/alerts", Access::organization, organization);
}

}  // namespace janua::daemon
