#include "core/common/log.hpp"
#include "core/db/health.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

// True once an active signing key is loaded. The first readiness probe after the schema is
// current creates the first keys (a fresh database) or loads them.
bool signing_key_loaded(DaemonContext& context) {
    if (context.keys->snapshot()->active) return true;
    try {
        (void)context.keys->ensure_keys();
    } catch (const std::exception& e) {
        log::warn("cannot load signing keys yet", {{"error", e.what()}});
    }
    return context.keys->snapshot()->active.has_value();
}

Response ready(DaemonContext& context) {
    const auto db = db::check_database(*context.pool);
    const bool key = db.reachable && db.schema_current && signing_key_loaded(context);
    nlohmann::json checks = {
        {"database", db.reachable ? "ok" : "unreachable"},
        {"migrations", db.schema_current ? "ok" : (db.reachable ? "behind" : "unknown")},
        {"signing_key", key ? "ok" : "missing"},
    };
    const bool ok = db.reachable && db.schema_current && key && !context.shutting_down;
    nlohmann::json body = {{"status", ok ? "ready" : "not_ready"}, {"checks", checks}};
    if (!ok) body["reason"] = context.shutting_down ? "shutting down" : (db.problem.empty() ? "no signing key" : db.problem);
    Response response = Response::json(ok ? 200 : 503, body);
    if (!ok) response.set_header("Retry-After", "1");
    return response;
}

std::string pool_gauges(DaemonContext& context) {
    const auto stats = context.pool->stats();
    const double uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - context.started).count();
    std::string out;
    out += "# TYPE janua_db_pool_connections gauge\n";
    out += "janua_db_pool_connections{state=\"in_use\"} " + std::to_string(stats.in_use) + "\n";
    out += "janua_db_pool_connections{state=\"idle\"} " + std::to_string(stats.idle) + "\n";
    out += "# TYPE janua_db_pool_max_connections gauge\njanua_db_pool_max_connections " + std::to_string(stats.max) + "\n";
    out += "# TYPE janua_db_pool_acquire_timeouts_total counter\njanua_db_pool_acquire_timeouts_total " +
           std::to_string(stats.acquire_timeouts) + "\n";
    out += "# TYPE janua_db_connect_failures_total counter\njanua_db_connect_failures_total " +
           std::to_string(stats.connect_failures) + "\n";
    out += "# TYPE janua_uptime_seconds gauge\njanua_uptime_seconds " + std::to_string(uptime) + "\n";
    out += "# TYPE janua_build_info gauge\njanua_build_info{version=\"" JANUA_VERSION "\"} 1\n";
    return out;
}

}  // namespace

void register_health_routes(Router& router, DaemonContext& context) {
    router.add("GET", "/health", Access::public_route,
               [](Request&) { return Response::json(200, {{"status", "healthy"}}); });
    router.add("GET", "/health/live", Access::public_route,
               [](Request&) { return Response::json(200, {{"status", "alive"}}); });
    router.add("GET", "/health/ready", Access::public_route, [&context](Request&) { return ready(context); });
    router.add("GET", "/ready", Access::public_route, [&context](Request&) { return ready(context); });
    router.add("GET", "/health/detailed", Access::platform_admin, [&context](Request&) {
        const auto db = db::check_database(*context.pool);
        const auto stats = context.pool->stats();
        const double uptime =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - context.started).count();
        return Response::json(
            200, {{"status", db.reachable && db.schema_current ? "healthy" : "degraded"},
                  {"version", JANUA_VERSION},
                  {"uptime_seconds", uptime},
                  {"database", {{"reachable", db.reachable}, {"latency_ms", db.latency_ms}, {"problem", db.problem}}},
                  {"pool", {{"in_use", stats.in_use}, {"idle", stats.idle}, {"max", stats.max}}},
                  {"migrations", {{"applied", db.applied}, {"pending", db.pending}, {"current", db.schema_current}}},
                  {"signing_keys", {{"active_kid", context.keys->snapshot()->active_kid},
                                    {"published", context.keys->snapshot()->published.size()}}}});
    });
    router.add("GET", "/metrics", Access::public_route, [&context](Request&) {
        Response r;
        r.content_type = "text/plain; version=0.0.4";
        r.body = context.metrics.render(pool_gauges(context));
        return r;
    });
}

}  // namespace janua::daemon
