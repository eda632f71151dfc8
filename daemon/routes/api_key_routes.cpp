// /api/v1/api-keys: a user's own keys (platform admins: anyone's): thin handlers over
// rbac::ApiKeyService. Keys are shown once, at creation and rotation.
#include "core/rbac/api_keys.hpp"
#include "daemon/routes/org_support.hpp"

#include <limits>

namespace janua::daemon {

void register_api_key_routes(Router& router, DaemonContext& context) {
    auto& keys = *context.api_keys;
    const std::string base = "/api/v1/api-keys";

    router.add("GET", base, Access::user, [&keys](Request& r) {
        int limit = 50;
        if (auto e = parse_limit(r, limit)) return error_response(*e, r.request_id);
        auto page = keys.list_page(caller(r), r.query_param("all").value_or("") == "true", limit, r.query_param("cursor"));
        if (!page) return error_response(page.error(), r.request_id);
        nlohmann::json data = nlohmann::json::array();
        for (const auto& k : page->items) data.push_back(rbac::to_json(k));
        return Response::json(200, {{"data", data},
                                    {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr)}});
    });
    router.add("POST", base, Access::user, [&keys](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        auto spec = rbac::new_api_key_from_json(*body);
        if (!spec) return error_response(spec.error(), r.request_id);
        return render(keys.create(caller(r), *spec), r, 201);
    });
    router.add("GET", base + "/{id}", Access::user,
               [&keys](Request& r) { return render(keys.get(caller(r), r.param("id")), r); });
    router.add("PATCH", base + "/{id}", Access::user, [&keys](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        return render(keys.rename(caller(r), r.param("id"), *body), r);
    });
    router.add("DELETE", base + "/{id}", Access::user,
               [&keys](Request& r) { return no_content_or_error(keys.revoke(caller(r), r.param("id")), r); });
    router.add("POST", base + "/{id}/rotate", Access::user, [&keys](Request& r) {
        nlohmann::json body = nlohmann::json::object();
        if (r.body.find_first_not_of(" \t\r\n") != std::string::npos) {
            auto parsed = parse_json_object(r);
            if (!parsed) return error_response(parsed.error(), r.request_id);
            body = std::move(parsed).value();
        }
        std::optional<int> grace;
        if (body.contains("grace_seconds") && !body["grace_seconds"].is_null()) {
            const auto& g = body["grace_seconds"];
            if (!g.is_number_integer() || g.get<long long>() < 0 || g.get<long long>() > std::numeric_limits<int>::max())
                return error_response(member_error("grace_seconds", "must be a whole number of seconds"), r.request_id);
            grace = g.get<int>();
        }
        return render(keys.rotate(caller(r), r.param("id"), grace), r);
    });
}

}  // namespace janua::daemon
