// /api/v1/organizations/{org_id}/scim/tokens: the organization's SCIM bearer tokens, managed by
// its members holding scim:read / scim:write (the pipeline checks). Secrets are shown once.
// /api/v1/organizations/{org_id}/scim/groups: the organization's SCIM Groups for operators.
#include "core/scim/groups.hpp"
#include "core/scim/tokens.hpp"
#include "daemon/context.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {

void register_scim_token_routes(Router& router, DaemonContext& context) {
    auto& tokens = *context.scim_tokens;
    const std::string base = "/api/v1/organizations/{org_id}/scim/tokens";

    org_route(router, "GET", base, "scim:read", [&tokens](Request& r) {
        auto list = tokens.list(r.param("org_id"));
        if (!list) return error_response(list.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& t : *list) data.push_back(scim::to_json(t));
        return Response::json(200, {{"data", data}, {"next_cursor", nullptr}});
    });
    org_route(router, "POST", base, "scim:write", [&tokens](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        for (const auto& [key, value] : body->items())
            if (key != "name") return error_response(member_error(key, "is not a member of a SCIM token"), r.request_id);
        auto name = required_string(*body, "name");
        if (!name) return error_response(name.error(), r.request_id);
        return render(tokens.create(caller(r), r.param("org_id"), *name), r, 201);
    });
    org_route(router, "DELETE", base + "/{token_id}", "scim:write", [&tokens](Request& r) {
        return no_content_or_error(tokens.revoke(caller(r), r.param("org_id"), r.param("token_id")), r);
    });
    // What the IdP's Groups are in Janua (`janua scim groups`): each role with its members.
    auto& groups = *context.scim_groups;
    org_route(router, "GET", "/api/v1/organizations/{org_id}/scim/groups", "scim:read", [&groups](Request& r) {
        auto overview = groups.overview(r.param("org_id"));
        if (!overview) return error_response(overview.error(), r.request_id);
        return Response::json(200, *overview);
    });
}

}  // namespace janua::daemon
