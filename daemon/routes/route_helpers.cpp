// Small pieces the route files share.
#include "daemon/routes/routes.hpp"

namespace janua::daemon {

identity::Actor request_actor(const Request& r) {
    if (r.principal && r.principal->api_key_id)
        return identity::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

void add_organization_route(Router& router, const std::string& method, const std::string& pattern,
                            const std::string& permission, Handler handler) {
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.access = Access::organization;
    route.permission = permission;
    route.handler = std::move(handler);
    router.add(std::move(route));
}

}  // namespace janua::daemon
