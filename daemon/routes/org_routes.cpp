// /api/v1/organizations (with members, roles, ownership), switching the active organization and
// /api/v1/rbac/check: thin handlers over orgs::OrgService and rbac::AccessControl. Every route
// under /{org_id} declares its permission here; the pipeline enforces it before the handler runs.
#include "core/orgs/member_adder.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {
namespace {

nlohmann::json list_json(const std::vector<orgs::Member>& members) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& m : members) data.push_back(orgs::to_json(m));
    return {{"data", data}, {"next_cursor", nullptr}};
}

nlohmann::json list_json(const std::vector<orgs::Role>& roles) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& role : roles) data.push_back(orgs::to_json(role));
    return {{"data", data}, {"next_cursor", nullptr}};
}

}  // namespace

void register_org_routes(Router& router, DaemonContext& context) {
    auto& svc = *context.orgs;
    const std::string base = "/api/v1/organizations";
    const std::string one = base + "/{org_id}";

    router.add("GET", base, Access::user, [&svc](Request& r) {
        int limit = 50;
        if (auto e = parse_limit(r, limit)) return error_response(*e, r.request_id);
        auto page = svc.list(caller(r), r.query_param("all").value_or("") == "true", limit, r.query_param("cursor"));
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& o : page->items) data.push_back(orgs::to_json(o));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    router.add("POST", base, Access::user, [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = orgs::new_organization_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return render(svc.create(caller(r), *spec), r, 201);
    });
    org_route(router, "GET", one, "org:read", [&svc](Request& r) { return render(svc.get(r.param("org_id")), r); });
    org_route(router, "PATCH", one, "org:update", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return render(svc.update(caller(r), r.param("org_id"), *body), r);
    });
    org_route(router, "DELETE", one, "org:delete", [&svc](Request& r) {
        return no_content_or_error(svc.remove(caller(r), r.param("org_id")), r);
    });
    org_route(router, "POST", one + "/transfer-ownership", "org:transfer", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto user = required_string(*body, "user_id");
        if (!user) return error_response(user.error(), r.request_id);
        return render(svc.transfer_ownership(caller(r), r.param("org_id"), *user), r);
    });
    // Any member may leave (the last owner may not).
    org_route(router, "POST", one + "/leave", "org:read", [&svc](Request& r) {
        return no_content_or_error(svc.leave(caller(r), r.param("org_id")), r);
    });

    org_route(router, "GET", one + "/members", "members:read", [&svc](Request& r) {
        int limit = 50;
        if (auto e = parse_limit(r, limit)) return error_response(*e, r.request_id);
        auto page = svc.members_page(r.param("org_id"), limit, r.query_param("cursor"));
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json body = list_json(page->items);
        if (page->next_cursor) body["next_cursor"] = *page->next_cursor;
        return Response::json(200, body);
    });
    // By email: 202 with an invitation whether or not the address has an account (core/orgs/member_adder.hpp).
    org_route(router, "POST", one + "/members", "members:create", [&svc, &context](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto user = required_string(*body, "user_id");
        if (!user) return error_response(user.error(), r.request_id);
        auto role = optional_string(*body, "role");
        if (!role) return error_response(role.error(), r.request_id);
        auto added = orgs::add_or_invite(svc, *context.invitations, caller(r), r.param("org_id"), *user, role->value_or("member"));
        if (!added) return error_response(added.error(), r.request_id);
        return Response::json(added->member ? 201 : 202, orgs::to_json(*added));
    });
    org_route(router, "PATCH", one + "/members/{user_id}", "members:update", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto role = required_string(*body, "role");
        if (!role) return error_response(role.error(), r.request_id);
        return render(svc.set_member_role(caller(r), r.param("org_id"), r.param("user_id"), *role), r);
    });
    org_route(router, "DELETE", one + "/members/{user_id}", "members:delete", [&svc](Request& r) {
        return no_content_or_error(svc.remove_member(caller(r), r.param("org_id"), r.param("user_id")), r);
    });

    org_route(router, "GET", one + "/roles", "roles:read", [&svc](Request& r) {
        auto roles = svc.roles(r.param("org_id"));
        if (!roles) return error_response(roles.error(), r.request_id);
        return Response::json(200, list_json(*roles));
    });
    org_route(router, "POST", one + "/roles", "roles:create", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto name = required_string(*body, "name");
        if (!name) return error_response(name.error(), r.request_id);
        auto change = orgs::role_change_from_json(*body, true);
        if (!change) return error_response(change.error(), r.request_id);
        return render(svc.create_role(caller(r), r.param("org_id"), *name, *change), r, 201);
    });
    org_route(router, "PATCH", one + "/roles/{role}", "roles:update", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto change = orgs::role_change_from_json(*body, false);
        if (!change) return error_response(change.error(), r.request_id);
        return render(svc.update_role(caller(r), r.param("org_id"), r.param("role"), *change), r);
    });
    org_route(router, "DELETE", one + "/roles/{role}", "roles:delete", [&svc](Request& r) {
        return no_content_or_error(svc.delete_role(caller(r), r.param("org_id"), r.param("role")), r);
    });

    auto& access = *context.access;
    router.add("POST", "/api/v1/rbac/check", Access::user, [&access](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto permission = required_string(*body, "permission");
        if (!permission) return error_response(permission.error(), r.request_id);
        auto org = optional_string(*body, "organization_id");
        if (!org) return error_response(org.error(), r.request_id);
        auto result = access.check(caller(r), *permission, *org, r.principal->organization_id);
        if (!result) return error_response(result.error(), r.request_id);
        return Response::json(200, *result);
    });

    auto& auth = *context.auth;
    router.add("POST", "/api/v1/auth/switch-organization", Access::user, [&svc, &auth](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto org = optional_string(*body, "organization_id");
        if (!org) return error_response(org.error(), r.request_id);
        std::optional<std::string> org_id;
        if (*org) {
            auto member_of = svc.membership_of(caller(r), **org);
            if (!member_of) return error_response(member_of.error(), r.request_id);
            org_id = *member_of;
        }
        auto tokens = auth.switch_organization(*r.principal, org_id, meta_of(r));
        if (!tokens) return error_response(tokens.error(), r.request_id);
        return Response::json(200, {{"access_token", tokens->access_token},
                                    {"token_type", "Bearer"},
                                    {"expires_in", tokens->expires_in},
                                    {"organization_id", org_id ? nlohmann::json(*org_id) : nlohmann::json(nullptr)}});
    });
}

}  // namespace janua::daemon
