// /api/v1/organizations/{org_id}/webhooks: thin handlers over webhooks::WebhookService.
#include "core/webhooks/service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

template <class T>
Response json_or_error(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, webhooks::to_json(*result));
}


}  // namespace

void register_webhook_routes(Router& router, DaemonContext& context) {
    auto& hooks = *context.webhooks;
    const std::string base = "/api/v1/organizations/{org_id}/webhooks";
    add_organization_route(router, "GET", base, "webhooks:read", [&hooks](Request& r) {
        auto found = hooks.list(r.param("org_id"));
        if (!found) return error_response(found.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& e : *found) data.push_back(webhooks::to_json(e));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    add_organization_route(router, "POST", base, "webhooks:write", [&hooks](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = webhooks::spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(hooks.create(r.param("org_id"), *spec, request_actor(r)), r, 201);
    });
    add_organization_route(router, "GET", base + "/{id}", "webhooks:read",
        [&hooks](Request& r) { return json_or_error(hooks.get(r.param("org_id"), r.param("id")), r); });
    add_organization_route(router, "PATCH", base + "/{id}", "webhooks:write", [&hooks](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = webhooks::spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(hooks.update(r.param("org_id"), r.param("id"), *spec, request_actor(r)), r);
    });
    add_organization_route(router, "DELETE", base + "/{id}", "webhooks:write", [&hooks](Request& r) {
        auto done = hooks.remove(r.param("org_id"), r.param("id"), request_actor(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
    add_organization_route(router, "POST", base + "/{id}/rotate-secret", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.rotate_secret(r.param("org_id"), r.param("id"), request_actor(r)), r);
    });
    add_organization_route(router, "GET", base + "/{id}/deliveries", "webhooks:read", [&hooks](Request& r) {
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
    add_organization_route(router, "POST", base + "/{id}/deliveries/{delivery_id}/redeliver", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.redeliver(r.param("org_id"), r.param("id"), r.param("delivery_id"), request_actor(r)),
                             r, 202);
    });
    add_organization_route(router, "POST", base + "/{id}/test", "webhooks:write", [&hooks](Request& r) {
        return json_or_error(hooks.send_test(r.param("org_id"), r.param("id"), request_actor(r)), r, 202);
    });
}

}  // namespace janua::daemon
