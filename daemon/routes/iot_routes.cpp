// /api/v1/organizations/{org_id}/iot/devices: an organization's IoT devices, each an OAuth client
// with the client_credentials grant. Thin handlers over iot::DeviceService; the pipeline checks
// iot:read / iot:write in the organization first.
#include "core/iot/device_service.hpp"
#include "daemon/routes/federation_support.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {

using federation_http::actor_of;

void register_iot_routes(Router& router, DaemonContext& context) {
    auto& devices = *context.iot_devices;
    const std::string base = "/api/v1/organizations/{org_id}/iot/devices";
    org_route(router, "GET", base, "iot:read", [&devices](Request& r) {
        int limit = 50;
        if (auto bad = parse_limit(r, limit)) return error_response(*bad, r.request_id);
        auto page = devices.list(r.param("org_id"), r.query_param("cursor"), limit);
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& d : page->devices) data.push_back(iot::to_json(d));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    org_route(router, "POST", base, "iot:write", [&devices](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = iot::spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        auto created = devices.register_device(r.param("org_id"), *spec, actor_of(r));
        if (!created) return error_response(created.error(), r.request_id);
        return Response::json(201, iot::to_json(*created));
    });
    org_route(router, "GET", base + "/{device_id}", "iot:read", [&devices](Request& r) {
        auto device = devices.get(r.param("org_id"), r.param("device_id"));
        if (!device) return error_response(device.error(), r.request_id);
        return Response::json(200, iot::to_json(*device));
    });
    org_route(router, "DELETE", base + "/{device_id}", "iot:write", [&devices](Request& r) {
        return no_content_or_error(devices.remove(r.param("org_id"), r.param("device_id"), actor_of(r)), r);
    });
    org_route(router, "POST", base + "/{device_id}/rotate-secret", "iot:write", [&devices](Request& r) {
        auto rotated = devices.rotate_secret(r.param("org_id"), r.param("device_id"), actor_of(r));
        if (!rotated) return error_response(rotated.error(), r.request_id);
        return Response::json(200, iot::to_json(*rotated));
    });
}

}  // namespace janua::daemon
