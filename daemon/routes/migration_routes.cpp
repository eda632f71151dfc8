// /api/v1/migration/jobs (platform admins): an export file as the request body becomes a job the
// background runner imports (core/migration); GET shows its progress, counts and problems.
#include "core/migration/migration_service.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

migration::Actor actor_of(const Request& r) {
    migration::Actor actor;
    if (r.principal && r.principal->api_key_id) {
        actor.type = "api_key";
        actor.id = *r.principal->api_key_id;
    } else {
        actor.type = "user";
        if (r.principal) actor.id = r.principal->user_id;
    }
    actor.ip = r.remote_addr;
    actor.request_id = r.request_id;
    return actor;
}

// Options come as query parameters, since the body is the file itself.
Result<migration::ImportOptions> options_of(const Request& r) {
    nlohmann::json body = nlohmann::json::object();
    for (const char* key : {"source", "organization", "on_conflict"})
        if (auto v = r.query_param(key)) body[key] = *v;
    if (auto v = r.query_param("dry_run")) {
        if (*v != "true" && *v != "false") return make_error(ErrorCode::validation, "dry_run must be true or false");
        body["dry_run"] = *v == "true";
    }
    if (auto v = r.query_param("batch_size")) {
        try {
            body["batch_size"] = std::stoll(*v);
        } catch (const std::exception&) {
            body["batch_size"] = "invalid";  // refused with the usual message
        }
    }
    return migration::options_from_json(body);
}

}  // namespace

void register_migration_routes(Router& router, DaemonContext& context) {
    auto& service = *context.migration;
    const std::string base = "/api/v1/migration/jobs";
    router.add("POST", base, Access::platform_admin, [&service](Request& r) {
        auto options = options_of(r);
        if (!options) return error_response(options.error(), r.request_id);
        const std::string kind = r.query_param("kind").value_or(options->source == "keycloak" ? "realm" : "users");
        const std::string name = r.query_param("name").value_or("upload");
        auto job = service.submit(*options, name.substr(0, 200), kind, r.body, actor_of(r));
        if (!job) return error_response(job.error(), r.request_id);
        auto response = Response::json(202, migration::jobs_store::to_json(*job));
        response.set_header("Location", "/api/v1/migration/jobs/" + job->id);
        return response;
    });
    router.add("GET", base + "/{id}", Access::platform_admin, [&service](Request& r) {
        int limit = 100;
        if (auto v = r.query_param("errors_limit")) {
            try {
                limit = std::stoi(*v);
            } catch (const std::exception&) {
                limit = -1;
            }
            if (limit < 0 || limit > 10000)
                return error_response(make_error(ErrorCode::validation, "errors_limit must be from 0 to 10000"), r.request_id);
        }
        auto job = service.describe(r.param("id"), limit);
        if (!job) return error_response(job.error(), r.request_id);
        return Response::json(200, *job);
    });
}

}  // namespace janua::daemon
