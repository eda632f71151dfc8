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
    user,           // a valid first-party access token (issued by /api/v1/auth, not to an OAuth client)
    platform_admin, // a valid first-party access token of a platform admin
    client_token,   // a valid access token issued to any client (userinfo)
    organization,   // an organization-scoped route: the path has {org_id} and the caller must hold
                    // Route::permission in that organization (or be a platform admin)
};

// Routes that take credentials or send mail count against the per-IP budget
// (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_PER_HOUR) before their handler runs.
enum class RateLimit { none, per_ip };

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;
    std::string pattern;  // e.g. "/api/v1/users/{id}"
    Access access = Access::public_route;
    Handler handler;
    RateLimit rate_limit = RateLimit::none;
    std::string permission;  // Access::organization only: "resource:action", e.g. "members:read"
};

struct RouteMatch {
    const Route* route = nullptr;              // set when method and path match
    std::vector<std::string> allowed_methods;  // set when only the path matches (405)
};

class Router {
public:
    void add(Route route);
    void add(std::string method, std::string pattern, Access access, Handler handler,
             RateLimit rate_limit = RateLimit::none) {
        add(Route{std::move(method), std::move(pattern), access, std::move(handler), rate_limit, {}});
    }
    // Put an existing route under the per-IP budget.
    void rate_limit(const std::string& method, const std::string& pattern);
    // Fills request.path_params and request.route on a match.
    RouteMatch match(Request& request) const;
    const std::vector<Route>& routes() const { return m_routes; }

private:
    // A route's pattern split once at registration: matching then splits only the request path.
    struct Compiled {
        std::vector<std::string> segments;  // "{name}" for a parameter
        size_t literals = 0;                // literal segments: the most specific route wins
    };
    std::vector<Route> m_routes;
    std::vector<Compiled> m_compiled;  // parallel to m_routes
};

}  // namespace janua::daemon
