// /api/v1/integrations: the signed-in user's stored upstream tokens (core/integrations). Listing
// and forgetting need the user's own (first-party) token; reading one token also accepts an OAuth
// client's token for the user when it carries integrations:read, which the service checks.
#include "core/integrations/integration_service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

integrations::Caller caller_of(const Request& r) { return integrations::Caller{*r.principal, meta_of(r)}; }

}  // namespace

void register_integration_routes(Router& router, DaemonContext& context) {
    auto& service = *context.integrations;
    const std::string base = "/api/v1/integrations";
    router.add("GET", base, Access::user, [&service](Request& r) {
        nlohmann::json data = nlohmann::json::array();
        for (const auto& t : service.list(r.principal->user_id)) data.push_back(federation::upstream_tokens::to_json(t));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    router.add("GET", base + "/{provider}/token", Access::client_token, [&service](Request& r) {
        auto token = service.token(caller_of(r), r.param("provider"));
        if (!token) return error_response(token.error(), r.request_id);
        return Response::json(200, integrations::to_json(*token));  // Cache-Control: no-store, as every API answer
    });
    router.add("DELETE", base + "/{provider}", Access::user, [&service](Request& r) {
        auto done = service.forget(caller_of(r), r.param("provider"));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
}

}  // namespace janua::daemon
