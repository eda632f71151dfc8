// /api/v1/users (platform admins): thin handlers over identity::UserAdmin.
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

identity::Actor actor_of(const Request& r) {
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

template <class T>
Response user_or_error(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, identity::to_json(*result));
}

Result<identity::CreateUserRequest> create_request(const nlohmann::json& body) {
    identity::CreateUserRequest request;
    try {
        request.email = body.value("email", std::string());
        if (body.contains("password") && !body["password"].is_null()) request.password = body["password"].get<std::string>();
        if (body.contains("username") && !body["username"].is_null()) request.username = body["username"].get<std::string>();
        if (body.contains("first_name") && !body["first_name"].is_null()) request.first_name = body["first_name"].get<std::string>();
        if (body.contains("last_name") && !body["last_name"].is_null()) request.last_name = body["last_name"].get<std::string>();
        request.email_verified = body.value("email_verified", false);
        request.is_platform_admin = body.value("is_platform_admin", false);
        request.status = body.value("status", std::string("ACTIVE"));
        if (body.contains("metadata")) {
            if (!body["metadata"].is_object()) return make_error(ErrorCode::validation, "metadata must be an object");
            request.metadata = body["metadata"];
        }
    } catch (const nlohmann::json::exception&) {
        return make_error(ErrorCode::validation, "fields have the wrong types: strings, and booleans for flags");
    }
    return request;
}

}  // namespace

nlohmann::json sessions_json(const std::vector<identity::sessions::Session>& sessions) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& s : sessions) data.push_back(identity::sessions::to_json(s));
    return data;
}

void register_user_routes(Router& router, DaemonContext& context) {
    auto& admin = *context.user_admin;
    const std::string base = "/api/v1/users";
    router.add("GET", base, Access::platform_admin, [&admin](Request& r) {
        identity::users::ListFilter filter;
        filter.query = r.query_param("q");
        filter.status = r.query_param("status");
        filter.cursor = r.query_param("cursor");
        if (auto limit = r.query_param("limit")) {
            try {
                filter.limit = std::stoi(*limit);
            } catch (const std::exception&) {
                return error_response(make_error(ErrorCode::validation, "limit must be a number from 1 to 200"), r.request_id);
            }
        }
        auto page = admin.list(filter);
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& u : page->users) data.push_back(identity::to_json(u));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    router.add("POST", base, Access::platform_admin, [&admin](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto request = create_request(*body);
        if (!request) return error_response(request.error(), r.request_id);
        return user_or_error(admin.create(*request, actor_of(r)), r, 201);
    });
    router.add("GET", base + "/{id}", Access::platform_admin,
               [&admin](Request& r) { return user_or_error(admin.get(r.param("id")), r); });
    router.add("PATCH", base + "/{id}", Access::platform_admin, [&admin](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return user_or_error(admin.update(r.param("id"), *body, actor_of(r)), r);
    });
    router.add("DELETE", base + "/{id}", Access::platform_admin, [&admin](Request& r) {
        auto status = admin.remove(r.param("id"), actor_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::no_content();
    });
    router.add("POST", base + "/{id}/suspend", Access::platform_admin, [&admin](Request& r) {
        return user_or_error(admin.set_status(r.param("id"), "SUSPENDED", actor_of(r)), r);
    });
    router.add("POST", base + "/{id}/reactivate", Access::platform_admin, [&admin](Request& r) {
        return user_or_error(admin.set_status(r.param("id"), "ACTIVE", actor_of(r)), r);
    });
    router.add("POST", base + "/{id}/password", Access::platform_admin, [&admin](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto password = string_member(*body, "password");
        if (!password) return error_response(password.error(), r.request_id);
        auto status = admin.set_password(r.param("id"), password.value(), actor_of(r));
        if (!status) return error_response(status.error(), r.request_id);
        return Response::no_content();
    });
    router.add("GET", base + "/{id}/sessions", Access::platform_admin, [&admin](Request& r) {
        auto sessions = admin.sessions_of(r.param("id"));
        if (!sessions) return error_response(sessions.error(), r.request_id);
        return Response::json(200, {{"data", sessions_json(*sessions)}, {"next_cursor", nullptr}});
    });
    router.add("POST", base + "/{id}/sessions/revoke", Access::platform_admin, [&admin](Request& r) {
        auto count = admin.revoke_sessions(r.param("id"), actor_of(r));
        if (!count) return error_response(count.error(), r.request_id);
        return Response::json(200, {{"revoked", *count}});
    });
}

}  // namespace janua::daemon
