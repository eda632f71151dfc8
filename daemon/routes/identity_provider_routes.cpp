// Managing upstream identity providers: /api/v1/identity-providers (platform-wide social
// providers; platform admins) and /api/v1/organizations/{org_id}/identity-providers (an
// organization's enterprise OIDC connections; sso:read / sso:write). Thin handlers over
// federation::ProviderService.
#include "core/federation/provider_service.hpp"
#include "daemon/routes/federation_support.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

using federation_http::actor_of;
using Scope = std::function<std::optional<std::string>(const Request&)>;

Response list_json(const Result<std::vector<federation::IdentityProvider>>& found, const Request& r) {
    if (!found) return error_response(found.error(), r.request_id);
    nlohmann::json data = nlohmann::json::array();
    for (const auto& p : *found) data.push_back(federation::to_json(p));
    return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
}

Response one_json(const Result<federation::IdentityProvider>& found, const Request& r, int status = 200) {
    if (!found) return error_response(found.error(), r.request_id);
    return Response::json(status, federation::to_json(*found));
}

void add(Router& router, const std::string& method, const std::string& pattern, Access access, const char* permission,
         Handler handler) {
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.access = access;
    route.permission = access == Access::organization ? permission : "";
    route.handler = std::move(handler);
    router.add(std::move(route));
}

void register_family(Router& router, federation::ProviderService& service, const std::string& base, Access access, Scope scope) {
    add(router, "GET", base, access, "sso:read", [&service, scope](Request& r) { return list_json(service.list(scope(r)), r); });
    add(router, "POST", base, access, "sso:write", [&service, scope](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return one_json(service.create(scope(r), *body, actor_of(r)), r, 201);
    });
    add(router, "GET", base + "/{provider_id}", access, "sso:read",
        [&service, scope](Request& r) { return one_json(service.get(scope(r), r.param("provider_id")), r); });
    add(router, "PATCH", base + "/{provider_id}", access, "sso:write", [&service, scope](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return one_json(service.update(scope(r), r.param("provider_id"), *body, actor_of(r)), r);
    });
    add(router, "DELETE", base + "/{provider_id}", access, "sso:write", [&service, scope](Request& r) {
        auto done = service.remove(scope(r), r.param("provider_id"), actor_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
    // Fetch the provider's discovery document and keys now: does the configuration work?
    add(router, "POST", base + "/{provider_id}/test", access, "sso:write", [&service, scope](Request& r) {
        auto report = service.test(scope(r), r.param("provider_id"));
        if (!report) return error_response(report.error(), r.request_id);
        return Response::json(200, *report);
    });
}

}  // namespace

void register_identity_provider_routes(Router& router, DaemonContext& context) {
    auto& service = *context.identity_providers;
    register_family(router, service, "/api/v1/identity-providers", Access::platform_admin,
                    [](const Request&) { return std::optional<std::string>{}; });
    register_family(router, service, "/api/v1/organizations/{org_id}/identity-providers", Access::organization,
                    [](const Request& r) { return std::optional<std::string>(r.param("org_id")); });
}

}  // namespace janua::daemon
