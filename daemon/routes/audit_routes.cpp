// /api/v1/audit-logs: the audit trail (platform admins; organization admins see their own
// organization's entries under /api/v1/organizations/{org_id}/audit-logs) and the integrity
// check of its hash chain.
#include "core/audit/chain.hpp"
#include "core/audit/log.hpp"
#include "daemon/routes/audit_filter.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

Response page(db::Pool& pool, const Request& r, const audit::LogFilter& filter) {
    if (auto order = r.query_param("order"); order && *order != "asc" && *order != "desc")
        return error_response(make_error(ErrorCode::validation, "order must be asc or desc"), r.request_id);
    auto result = audit::list(pool, filter);
    if (!result) return error_response(result.error(), r.request_id);
    nlohmann::json data = nlohmann::json::array();
    for (const auto& e : result->entries) data.push_back(audit::to_json(e));
    return Response::json(200, {{"data", data},
                                {"next_cursor", result->next_cursor ? nlohmann::json(*result->next_cursor)
                                                                    : nlohmann::json(nullptr)}});
}

}  // namespace

void register_audit_routes(Router& router, DaemonContext& context) {
    auto& pool = *context.pool;
    router.add("GET", "/api/v1/audit-logs", Access::platform_admin,
               [&pool](Request& r) { return page(pool, r, audit_filter_of(r)); });
    router.add("GET", "/api/v1/audit-logs/verify", Access::platform_admin, [&pool](Request&) {
        return Response::json(200, audit::to_json(audit::verify_chain(pool)));
    });
    Route scoped;
    scoped.method = "GET";
    scoped.pattern = "/api/v1/organizations/{org_id}/audit-logs";
    scoped.access = Access::organization;
    scoped.permission = "audit:read";
    scoped.handler = [&pool](Request& r) {
        auto filter = audit_filter_of(r);
        filter.organization_id = r.param("org_id");
        return page(pool, r, filter);
    };
    router.add(std::move(scoped));
}

}  // namespace janua::daemon
