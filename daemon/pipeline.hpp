#pragma once
// Everything that happens to every request, in one place: request id, routing (404/405),
// access rules, error envelope, CORS, security headers, metrics and the access log.

#include "daemon/client_address.hpp"
#include "daemon/context.hpp"
#include "daemon/router.hpp"

namespace janua::daemon {

class Pipeline {
public:
    Pipeline(const Router& router, DaemonContext& context)
        : m_router(router), m_context(context), m_client_address(context.config.trusted_proxies) {}

    Response handle(Request& request);
    // For requests rejected before routing (e.g. 413 from the HTTP layer).
    Response reject(Request& request, const Error& error);

private:
    Response dispatch(Request& request);
    Response preflight(Request& request);
    // Enforce the route's access rule (and, for organization routes, its permission); sets
    // request.principal and, for organization routes, the canonical id in path param org_id.
    std::optional<Error> authenticate(Request& request, const Route& route);
    std::optional<Error> authorize_organization(Request& request, const Route& route);
    void finish(Request& request, Response& response, double seconds);

    const Router& m_router;
    DaemonContext& m_context;
    ClientAddressResolver m_client_address;
};

// A request id from the client is kept if it is short and printable; otherwise a new one.
std::string choose_request_id(const std::string& from_client);

}  // namespace janua::daemon
