// /api/v1/organizations/{org_id}/webhooks: thin handlers over webhooks::WebhookService.
#include "core/webhooks/service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

webhooks::Actor actor_of(const Request& r) {
    if (r.principal && r.principal->api_key_id)
        return webhooks::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return webhooks::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

template <class T>
Response json_or_error(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, webhooks::to_json(*result));
}

void add(Router& router, const std::string& method, const std::string& pattern, const char* permission,
         Handler handler) {
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.access = Access::organization;
    route.permission = permission;
    route.handler = std::move(handler);
    router.add(std::move(route));
}

}  // namespace

void register_webhook_routes(Router& router, DaemonContext& context) {
    auto& hooks = *context.webhooks;
    const std::string base = "/api/v1/organizations/{org_id}/webhooks";
    add(router, "GET", base, "webhooks:read", [&hooks](Request& r) {
        auto found = hooks.list(r.param("org_id"));
        if (!found) return error_response(found.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& e : *found) data.push_back(webhooks::to_json(e));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    add(router, "POST", base, "webhooks:write", [&hooks](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = webhooks::spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(hooks.create(r.param("org_id"), *spec, actor_of(r)), r, 201);
    });
    add(router, "GET", base + "/{id}", "webhooks:read",
        [&hooks](Request& r) { return json_or_error(hooks.get(r.param("org_id"), r.param("id")), r); });
    add(router, "PATCH", base + "/{id}", "webhooks:write", [&hooks](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = webhooks::spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(hooks.update(r.param("org_id"), r.param("id"), *spec, actor_of(r)), r);
    });
    add(router, "DELETE", base + "/{id}", "webhooks:write", [&hooks](Request& r) {
        auto done = hooks.remove(r.param("org_id"), r.param("id"), actor_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
    add(router, "POST", base + "/{id}/rotate-secret", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.rotate_secret(r.param("org_id"), r.param("id"), actor_of(r)), r);
    });
    add(router, "GET", base + "/{id}/deliveries", "webhooks:read", [&hooks](Request& r) {
        int limit = 50;
        if (auto text = r.query_param("limit")) {
            try {
                limit = std::stoi(*text);
            } catch (const std::exception&) {
                limit = 0;
            }
        }
        auto result = hooks.deliveries(r.param("org_id"), r.param("id"), r.query_param("cursor"), limit);
        if (!result) return error_response(result.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& d : result->deliveries) data.push_back(webhooks::to_json(d));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", result->next_cursor ? nlohmann::json(*result->next_cursor)
                                                                        : nlohmann::json(nullptr)}});
    });
    add(router, "POST", base + "/{id}/deliveries/{delivery_id}/redeliver", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.redeliver(r.param("org_id"), r.param("id"), r.param("delivery_id"), actor_of(r)),
                             r, 202);
    });
    add(router, "POST", base + "/{id}/test", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.send_test(r.param("org_id"), r.param("id"), actor_of(r)), r, 202);
    });
}

}  // namespace janua::daemon
