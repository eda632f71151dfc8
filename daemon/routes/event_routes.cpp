// GET /api/v1/events: the audit log as it happens, as Server-Sent Events (core/events). Who may
// read what is exactly the audit log's rule (daemon/routes/audit_routes.cpp): platform admins
// here, organization admins (audit:read) their own organization's entries under
// /api/v1/organizations/{org_id}/events; the filters are those of GET /api/v1/audit-logs.
#include "core/events/stream.hpp"
#include "core/rbac/api_keys.hpp"
#include "daemon/routes/audit_filter.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon {
namespace {

// Seconds a refused client should wait before trying again.
constexpr int k_full_retry_seconds = 5;

// The pipeline's checks again, on the credentials the stream was opened with: the token (or API
// key) still authenticates (not expired, session not ended, key not revoked, user not suspended)
// and still holds the right: platform admin, or audit:read in the organization.
events::StillAllowed still_allowed_check(DaemonContext& context, const Request& r,
                                         const std::optional<std::string>& organization_id) {
    const auto token = bearer_token(r).value_or("");
    const auto meta = meta_of(r);
    const auto ip = r.remote_addr;
    const auto request_id = r.request_id;
    return [&context, token, meta, ip, request_id, organization_id]() {
        const bool api_key = rbac::looks_like_api_key(token);
        if ((api_key && !context.api_keys) || (!api_key && !context.auth)) return false;
        auto principal = api_key ? context.api_keys->authenticate(token, meta) : context.auth->authenticate(token);
        if (!principal) return false;
        if (!organization_id) return principal->is_platform_admin;
        if (!context.access) return false;
        const auto decision =
            context.access->authorize(rbac::caller_of(*principal, ip, request_id), *organization_id, "audit:read");
        return decision.verdict == rbac::Verdict::allowed;
    };
}

Response open_stream(DaemonContext& context, const Request& r, audit::LogFilter filter) {
    filter.cursor.reset();  // a stream has no pages; order and limit do not apply either
    filter.limit = 50;
    if (auto valid = audit::validate(filter); !valid) return error_response(valid.error(), r.request_id);
    std::optional<long long> last_event_id;
    std::string resume = r.header("Last-Event-ID");
    if (resume.empty()) resume = r.query_param("last_event_id").value_or("");
    if (!resume.empty()) {
        auto parsed = events::parse_last_event_id(resume);
        if (!parsed) return error_response(parsed.error(), r.request_id);
        last_event_id = *parsed;
    }
    const auto actor = request_actor(r);
    auto joined = context.event_hub->subscribe(filter, actor.type + ":" + actor.id.value_or(""));
    if (!joined.subscriber) {
        Error e = make_error(ErrorCode::unavailable, joined.refused + "; try again later");
        e.retry_after_seconds = k_full_retry_seconds;
        return error_response(e, r.request_id);
    }
    Response out;
    // Exactly this type: cpp-httplib never compresses it (gzip would hold events back in its buffer).
    out.content_type = "text/event-stream";
    out.set_header("Cache-Control", "no-store");
    out.set_header("X-Accel-Buffering", "no");  // a reverse proxy must pass events on at once
    auto& pool = *context.pool;
    const auto settings = context.event_stream;
    // The subscription lives as long as this function: when httplib drops the response, the
    // hub forgets it and its slot frees up.
    auto still_allowed = still_allowed_check(context, r, filter.organization_id);
    out.stream = [&pool, joined, filter, last_event_id, settings,
                  still_allowed](const std::function<bool(const std::string&)>& write) {
        return events::run_stream(pool, joined, filter, last_event_id, settings, write, still_allowed);
    };
    return out;
}

}  // namespace

void register_event_routes(Router& router, DaemonContext& context) {
    router.add("GET", "/api/v1/events", Access::platform_admin,
               [&context](Request& r) { return open_stream(context, r, audit_filter_of(r)); });
    Route scoped;
    scoped.method = "GET";
    scoped.pattern = "/api/v1/organizations/{org_id}/events";
    scoped.access = Access::organization;
    scoped.permission = "audit:read";
    scoped.handler = [&context](Request& r) {
        auto filter = audit_filter_of(r);
        filter.organization_id = r.param("org_id");
        return open_stream(context, r, filter);
    };
    router.add(std::move(scoped));
}

}  // namespace janua::daemon
