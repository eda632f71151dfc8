// /api/v1/oauth/clients (platform admins; organization admins once organizations exist):
// thin handlers over oidc::ClientService.
#include "core/oidc/client_service.hpp"
#include "daemon/routes/routes.hpp"

#include <limits>

namespace janua::daemon {
namespace {

identity::Actor actor_of(const Request& r) {
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

template <class T>
Response json_or_error(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, oidc::to_json(*result));
}

Error invalid_member(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", "type"}, {"message", message}}});
    return e;
}

}  // namespace

void register_client_routes(Router& router, DaemonContext& context) {
    auto& clients = *context.clients;
    const std::string base = "/api/v1/oauth/clients";
    router.add("GET", base, Access::platform_admin, [&clients](Request& r) {
        oidc::clients::ListFilter filter;
        filter.query = r.query_param("q");
        filter.cursor = r.query_param("cursor");
        if (auto limit = r.query_param("limit")) {
            try {
                filter.limit = std::stoi(*limit);
            } catch (const std::exception&) {
                filter.limit = 0;  // refused below, with the usual message
            }
        }
        auto page = clients.list(filter);
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& c : page->clients) data.push_back(oidc::to_json(c));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    router.add("POST", base, Access::platform_admin, [&clients](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = oidc::client_spec_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return json_or_error(clients.create(std::move(spec).value(), actor_of(r)), r, 201);
    });
    router.add("GET", base + "/{client_id}", Access::platform_admin,
               [&clients](Request& r) { return json_or_error(clients.get(r.param("client_id")), r); });
    router.add("PATCH", base + "/{client_id}", Access::platform_admin, [&clients](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return json_or_error(clients.update(r.param("client_id"), *body, actor_of(r)), r);
    });
    router.add("DELETE", base + "/{client_id}", Access::platform_admin, [&clients](Request& r) {
        auto done = clients.remove(r.param("client_id"), actor_of(r));
        if (!done) return error_response(done.error(), r.request_id);
        return Response::no_content();
    });
    router.add("POST", base + "/{client_id}/rotate-secret", Access::platform_admin, [&clients](Request& r) {
        nlohmann::json body = nlohmann::json::object();
        if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
            auto parsed = parse_json_object(r);
            if (!parsed) return error_response(parsed.error(), r.request_id);
            body = std::move(parsed).value();
        }
        std::optional<int> grace;
        if (body.contains("grace_seconds") && !body["grace_seconds"].is_null()) {
            if (!body["grace_seconds"].is_number_integer() || body["grace_seconds"].get<long long>() < 0 ||
                body["grace_seconds"].get<long long>() > std::numeric_limits<int>::max())
                return error_response(invalid_member("grace_seconds", "must be a whole number of seconds"), r.request_id);
            grace = body["grace_seconds"].get<int>();
        }
        std::optional<std::string> supplied;
        if (body.contains("client_secret") && !body["client_secret"].is_null()) {
            if (!body["client_secret"].is_string())
                return error_response(invalid_member("client_secret", "must be a string"), r.request_id);
            supplied = body["client_secret"].get<std::string>();
        }
        return json_or_error(clients.rotate_secret(r.param("client_id"), grace, actor_of(r), supplied), r);
    });
}

}  // namespace janua::daemon
