#include "daemon/pipeline.hpp"

#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "daemon/maintenance.hpp"
#include "core/rbac/api_keys.hpp"

#include <algorithm>
#include <chrono>

namespace janua::daemon {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

void add_security_headers(Response& response, bool https) {
    auto set_default = [&](const char* name, const char* value) {
        if (!response.has_header(name)) response.set_header(name, value);
    };
    set_default("X-Content-Type-Options", "nosniff");
    set_default("X-Frame-Options", "DENY");
    set_default("Referrer-Policy", "no-referrer");
    set_default("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    set_default("Cache-Control", "no-store");
    if (https) set_default("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

// Routes an API key may call besides organization routes and (for platform-admin keys) admin routes.
bool accepts_api_keys(const Route& route) {
    if (route.access == Access::organization || route.access == Access::platform_admin) return true;
    // (/api/v1/compliance/: platform-admin keys act for operators; the handlers refuse other keys.)
    for (const char* prefix : {"/api/v1/organizations", "/api/v1/api-keys", "/api/v1/rbac/", "/api/v1/compliance/"})
        if (route.pattern.rfind(prefix, 0) == 0) return true;
    return false;
}

// The client's budget on a rate-limited route, in the RateLimit header fields of the IETF
// httpapi draft (draft-ietf-httpapi-ratelimit-headers-06, as most API gateways send them).
void tell_budget(Response& response, const RateLimiter::Budget& budget) {
    if (budget.limit <= 0) return;
    response.set_header("RateLimit-Policy", std::to_string(budget.limit) + ";w=" + std::to_string(budget.window));
    response.set_header("RateLimit-Limit", std::to_string(budget.limit));
    response.set_header("RateLimit-Remaining", std::to_string(budget.remaining));
    response.set_header("RateLimit-Reset", std::to_string(budget.reset));
}

}  // namespace

std::string choose_request_id(const std::string& from_client) {
    const bool acceptable = !from_client.empty() && from_client.size() <= 128 &&
                            std::all_of(from_client.begin(), from_client.end(), [](unsigned char c) {
                                return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
                            });
    if (acceptable) return from_client;
    return crypto::hex_encode(crypto::random_bytes(16));
}

Response Pipeline::handle(Request& request) {
    const auto start = std::chrono::steady_clock::now();
    request.request_id = choose_request_id(request.header("X-Request-Id"));
    request.remote_addr = m_client_address.resolve(request.remote_addr, request.header("X-Forwarded-For"));
    Response response;
    try {
        response = request.method == "OPTIONS" ? preflight(request) : dispatch(request);
    } catch (const db::DatabaseUnavailable& e) {
        log::warn("database unavailable", {{"request_id", request.request_id}, {"error", e.what()}});
        Error error = make_error(ErrorCode::unavailable, "the service is temporarily unavailable; retry shortly");
        error.retry_after_seconds = 1;
        response = error_response(error, request.request_id);
    } catch (const std::exception& e) {
        log::error("unhandled error", {{"request_id", request.request_id}, {"error", e.what()}});
        response = error_response(make_error(ErrorCode::internal, "internal error"), request.request_id);
    }
    finish(request, response, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return response;
}

Response Pipeline::reject(Request& request, const Error& error) {
    request.request_id = choose_request_id(request.header("X-Request-Id"));
    Response response = error_response(error, request.request_id);
    finish(request, response, 0);
    return response;
}

Response Pipeline::dispatch(Request& request) {
    RouteMatch match = m_router.match(request);
    if (!match.route) {
        if (!match.allowed_methods.empty()) {
            Response r = error_response(make_error(ErrorCode::bad_request, "method " + request.method +
                                                                              " is not allowed on " + request.path),
                                        request.request_id);
            r.status = 405;
            r.set_header("Allow", join(match.allowed_methods, ", "));
            return r;
        }
        request.route = "unmatched";
        return error_response(make_error(ErrorCode::not_found, "no route for " + request.method + " " + request.path),
                              request.request_id);
    }
    std::optional<RateLimiter::Budget> budget;
    if (match.route->rate_limit == RateLimit::per_ip && m_context.rate_limiter) {
        budget = m_context.rate_limiter->take(request.remote_addr, unix_seconds_now());
        if (budget->retry_after > 0) {
            m_context.metrics.increment("janua_rate_limited_total", request.route);
            Error limited = make_error(ErrorCode::rate_limited, "too many requests from this address; retry later");
            limited.retry_after_seconds = budget->retry_after;
            Response refused = error_response(limited, request.request_id);
            tell_budget(refused, *budget);
            return refused;
        }
    }
    if (auto refused = authenticate(request, *match.route)) return error_response(*refused, request.request_id);
    if (m_context.runtime_settings)  // maintenance mode: non-admin writes get 503 (daemon/maintenance.cpp)
        if (auto closed = maintenance_refusal(request, *m_context.runtime_settings->snapshot()))
            return error_response(*closed, request.request_id);
    Response response = match.route->handler(request);
    if (budget) tell_budget(response, *budget);
    return response;
}

std::optional<Error> Pipeline::authenticate(Request& request, const Route& route) {
    const Access access = route.access;
    if (access == Access::public_route) return std::nullopt;
    const auto token = bearer_token(request);
    if (!token) {
        if (access == Access::optional_user) return std::nullopt;
        return make_error(ErrorCode::token, "authentication required: send Authorization: Bearer <access token>");
    }
    if (!m_context.auth) return make_error(ErrorCode::unavailable, "authentication is not available yet");
    const bool api_key = rbac::looks_like_api_key(*token);
    auto principal = api_key && m_context.api_keys ? m_context.api_keys->authenticate(*token, meta_of(request))
                                                   : m_context.auth->authenticate(*token);
    if (!principal) return principal.error();
    // A token an application got through OAuth speaks for the user only towards that application
    // (and userinfo); Janua's own API needs a first-party token (RFC 9700 2.3). The client of
    // `janua login` (janua-cli, seeded by migration 0016: public, device grant only) is Janua's
    // own tool, so its tokens count as first-party.
    if (access != Access::client_token && !principal->is_first_party() && principal->client_id != "janua-cli")
        return make_error(ErrorCode::authorization, "this access token was issued to another application");
    // API keys are for automation against organizations and the admin API, not for a user's
    // own account (sessions, password, MFA): those need the user's own sign-in.
    if (api_key && !accepts_api_keys(route))
        return make_error(ErrorCode::authorization, "API keys cannot call this route; use a user's access token");
    if (access == Access::platform_admin && !principal->is_platform_admin)
        return make_error(ErrorCode::authorization, "this needs a platform administrator");
    request.principal = std::move(principal.value());
    if (access == Access::organization) return authorize_organization(request, route);
    return std::nullopt;
}

// The one place organization permissions are enforced. Someone who cannot see the organization
// (not a member, or a key bound to another one) gets the same 404 as for an organization that
// does not exist, so ids and slugs cannot be probed; members without the permission get 403.
std::optional<Error> Pipeline::authorize_organization(Request& request, const Route& route) {
    auto org = request.path_params.find("org_id");
    // A route declared without {org_id} or without a permission is a bug: fail closed.
    if (org == request.path_params.end() || route.permission.empty() || !m_context.access)
        return make_error(ErrorCode::authorization, "this route has no organization permission configured",
                          "route " + route.pattern + " is Access::organization without {org_id} or a permission");
    const auto decision = m_context.access->authorize(
        rbac::caller_of(*request.principal, request.remote_addr, request.request_id), org->second, route.permission);
    switch (decision.verdict) {
        case rbac::Verdict::allowed:
            org->second = decision.organization_id;  // handlers see the id, whether a slug or an id was sent
            return std::nullopt;
        case rbac::Verdict::forbidden:
            return make_error(ErrorCode::authorization,
                              "you need the permission " + route.permission + " in this organization", decision.reason);
        case rbac::Verdict::not_found:
            break;
    }
    return make_error(ErrorCode::not_found, "organization not found");
}

Response Pipeline::preflight(Request& request) {
    RouteMatch match = m_router.match(request);
    request.route = "preflight";
    if (match.allowed_methods.empty() && !match.route)
        return error_response(make_error(ErrorCode::not_found, "no route for " + request.path), request.request_id);
    Response r = Response::no_content();
    r.set_header("Allow", join(match.allowed_methods, ", ") + ", OPTIONS");
    if (!request.header("Access-Control-Request-Method").empty()) {
        r.set_header("Access-Control-Allow-Methods", join(match.allowed_methods, ", "));
        r.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, If-Match");
        r.set_header("Access-Control-Max-Age", "600");
    }
    return r;
}

void Pipeline::finish(Request& request, Response& response, double seconds) {
    response.set_header("X-Request-Id", request.request_id);
    // HSTS when browsers reach us over https: januad terminates TLS itself, or a proxy in front
    // of it does (BASE_URL https://).
    add_security_headers(response, m_context.config.base_url.rfind("https://", 0) == 0 || !m_context.config.tls_cert.empty());
    const std::string origin = request.header("Origin");
    if (!origin.empty()) {
        const auto& allowed = m_context.config.cors_origins;
        const bool listed = std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
        const bool anyone = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
        if (listed || anyone) {
            // Credentials only for origins named explicitly; "*" never carries cookies.
            response.set_header("Access-Control-Allow-Origin", listed ? origin : "*");
            if (listed) response.set_header("Access-Control-Allow-Credentials", "true");
            response.set_header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, ETag, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
        }
        response.set_header("Vary", "Origin");
    }
    if (request.route.empty()) request.route = "unmatched";
    m_context.metrics.observe_request(request.method, request.route, response.status, seconds);
    // The path, never the query string: links carry tokens there.
    if (!log::enabled(log::Level::info)) return;
    log::info("request", {{"request_id", request.request_id},
                          {"method", request.method},
                          {"path", request.path},
                          {"route", request.route},
                          {"status", response.status},
                          {"duration_ms", static_cast<long long>(seconds * 1000000) / 1000.0},
                          {"remote_addr", request.remote_addr},
                          {"bytes", response.body.size()}});
}

}  // namespace janua::daemon
