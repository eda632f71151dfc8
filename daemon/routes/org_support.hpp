#pragma once
// Small pieces shared by the organization, invitation and API-key routes.

#include "core/orgs/org_service.hpp"
#include "core/rbac/access.hpp"
#include "daemon/routes/routes.hpp"

#include <optional>
#include <string>

namespace janua::daemon {

inline rbac::Caller caller(const Request& r) {
    return r.principal ? rbac::caller_of(*r.principal, r.remote_addr, r.request_id) : rbac::Caller{};
}

// An organization-scoped route: the pipeline checks `permission` in {org_id} before `handler`.
inline void org_route(Router& router, const std::string& method, const std::string& pattern,
                      const std::string& permission, Handler handler) {
    router.add(Route{method, pattern, Access::organization, std::move(handler), RateLimit::none, permission});
}

template <class T>
Response render(const Result<T>& result, const Request& r, int status = 200) {
    if (!result) return error_response(result.error(), r.request_id);
    return Response::json(status, to_json(*result));
}

inline Response no_content_or_error(const Status& done, const Request& r) {
    if (!done) return error_response(done.error(), r.request_id);
    return Response::no_content();
}

inline Error member_error(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"rule", "type"}, {"message", message}}});
    return e;
}

inline Result<std::string> required_string(const nlohmann::json& body, const char* field) {
    if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty())
        return member_error(field, "is required (a string)");
    return body[field].get<std::string>();
}

inline Result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* field) {
    if (!body.contains(field) || body[field].is_null()) return std::optional<std::string>{};
    if (!body[field].is_string()) return member_error(field, "must be a string");
    return std::optional<std::string>(body[field].get<std::string>());
}

inline std::optional<Error> parse_limit(const Request& r, int& limit) {
    if (auto text = r.query_param("limit")) {
        try {
            std::size_t used = 0;
            limit = std::stoi(*text, &used);
            if (used != text->size()) limit = 0;
        } catch (const std::exception&) {
            limit = 0;
        }
        if (limit < 1 || limit > 200) return member_error("limit", "must be a number from 1 to 200");
    }
    return std::nullopt;
}

}  // namespace janua::daemon
