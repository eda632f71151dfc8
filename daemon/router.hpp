#pragma once
// The one route table: method, path pattern, who may call, and the handler. The pipeline
// enforces the access rule before any handler runs, so handlers never check it by hand.

#include "daemon/http.hpp"

#include <functional>
#include <string>
#include <vector>

namespace janua::daemon {

enum class Access {
    public_route,   // anyone
    optional_user,  // anyone; the caller is identified when a valid token is sent
    user,           // a valid access token
    platform_admin, // a valid access token of a platform admin
};

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;
    std::string pattern;  // e.g. "/api/v1/users/{id}"
    Access access = Access::public_route;
    Handler handler;
};

struct RouteMatch {
    const Route* route = nullptr;              // set when method and path match
    std::vector<std::string> allowed_methods;  // set when only the path matches (405)
};

class Router {
public:
    void add(Route route);
    void add(std::string method, std::string pattern, Access access, Handler handler) {
        add(Route{std::move(method), std::move(pattern), access, std::move(handler)});
    }
    // Fills request.path_params and request.route on a match.
    RouteMatch match(Request& request) const;
    const std::vector<Route>& routes() const { return m_routes; }

private:
    std::vector<Route> m_routes;
};

}  // namespace janua::daemon
