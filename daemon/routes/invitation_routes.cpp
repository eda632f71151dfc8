// /api/v1/organizations/{org_id}/invitations and POST /api/v1/invitations/{token}/accept:
// thin handlers over orgs::InvitationService.
#include "core/orgs/invitation_service.hpp"
#include "daemon/routes/org_support.hpp"

namespace janua::daemon {

void register_invitation_routes(Router& router, DaemonContext& context) {
    auto& svc = *context.invitations;
    auto& auth = *context.auth;
    const std::string base = "/api/v1/organizations/{org_id}/invitations";

    org_route(router, "GET", base, "invitations:read", [&svc](Request& r) {
        int limit = 50;
        if (auto e = parse_limit(r, limit)) return error_response(*e, r.request_id);
        auto page = svc.list_page(r.param("org_id"), r.query_param("status"), limit, r.query_param("cursor"));
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& i : page->items) data.push_back(orgs::to_json(i));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    org_route(router, "POST", base, "invitations:create", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = orgs::new_invitation_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return render(svc.create(caller(r), r.param("org_id"), *spec), r, 201);
    });
    org_route(router, "POST", base + "/bulk", "invitations:create", [&svc](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto result = svc.create_bulk(caller(r), r.param("org_id"), body->value("invitations", nlohmann::json()));
        if (!result) return error_response(result.error(), r.request_id);
        return Response::json(200, *result);
    });
    org_route(router, "POST", base + "/{invitation_id}/resend", "invitations:create", [&svc](Request& r) {
        return render(svc.resend(caller(r), r.param("org_id"), r.param("invitation_id")), r);
    });
    org_route(router, "DELETE", base + "/{invitation_id}", "invitations:delete", [&svc](Request& r) {
        return no_content_or_error(svc.revoke(caller(r), r.param("org_id"), r.param("invitation_id")), r);
    });

    // Signed in: join with this account. Not signed in: {password, first_name?, last_name?}
    // creates the account (its address verified by the link) and signs it in.
    router.add(
        "POST", "/api/v1/invitations/{token}/accept", Access::optional_user,
        [&svc, &auth](Request& r) {
            nlohmann::json body = nlohmann::json::object();
            if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
                auto parsed = parse_json_object(r);
                if (!parsed) return error_response(parsed.error(), r.request_id);
                body = std::move(parsed).value();
            }
            std::optional<std::string> user_id;
            std::optional<orgs::InvitationSignup> signup;
            if (r.principal) {
                if (r.principal->api_key_id || r.principal->user_id.empty())
                    return error_response(make_error(ErrorCode::authorization, "sign in as the invited user"), r.request_id);
                user_id = r.principal->user_id;
            } else if (body.contains("password")) {
                orgs::InvitationSignup s;
                auto password = required_string(body, "password");
                auto first = optional_string(body, "first_name");
                auto last = optional_string(body, "last_name");
                if (!password) return error_response(password.error(), r.request_id);
                if (!first) return error_response(first.error(), r.request_id);
                if (!last) return error_response(last.error(), r.request_id);
                s.password = *password;
                s.first_name = *first;
                s.last_name = *last;
                signup = s;
            }
            auto accepted = svc.accept(r.param("token"), user_id, signup, meta_of(r));
            if (!accepted) return error_response(accepted.error(), r.request_id);
            nlohmann::json out = {{"invitation", orgs::to_json(accepted->invitation)},
                                  {"organization_id", accepted->invitation.organization_id},
                                  {"user_id", accepted->user_id}};
            if (accepted->created_user) {
                auto signed_in = auth.signin(accepted->invitation.email, signup->password, meta_of(r));
                if (signed_in && signed_in->tokens) {
                    out["user"] = identity::to_json(signed_in->user);
                    out["access_token"] = signed_in->tokens->access_token;
                    out["refresh_token"] = signed_in->tokens->refresh_token;
                    out["token_type"] = "Bearer";
                    out["expires_in"] = signed_in->tokens->expires_in;
                }
            }
            return Response::json(accepted->created_user ? 201 : 200, out);
        },
        RateLimit::per_ip);
}

}  // namespace janua::daemon
