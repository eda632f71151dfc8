#include "daemon/maintenance.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace janua::daemon {
namespace {

// Signing in, refreshing and signing out are not data changes an operator needs to stop, and
// admins must be able to sign in to end maintenance; the tokens a non-admin gets can only read.
constexpr std::array<std::string_view, 10> k_session_paths = {
    "/api/v1/auth/signin", "/api/v1/auth/refresh", "/api/v1/auth/token/refresh", "/api/v1/auth/signout",
    "/login",              "/oauth/authorize",     "/oauth/token",               "/oauth/revoke",
    "/oauth/introspect",   "/oauth/logout"};

bool is_write(const std::string& method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::optional<Error> maintenance_refusal(const Request& request, const admin::Snapshot& settings) {
    if (!settings.maintenance_mode || !is_write(request.method)) return std::nullopt;
    if (request.principal && request.principal->is_platform_admin) return std::nullopt;
    if (std::find(k_session_paths.begin(), k_session_paths.end(), request.path) != k_session_paths.end() ||
        request.path.rfind("/oauth/userinfo", 0) == 0 || request.path.rfind("/health", 0) == 0)
        return std::nullopt;
    Error closed = make_error(ErrorCode::unavailable, settings.maintenance_message.empty()
                                                          ? "the service is in maintenance; retry later"
                                                          : settings.maintenance_message);
    closed.details = nlohmann::json::array(
        {{{"field", "maintenance"}, {"rule", "maintenance_mode"}, {"message", "writes are paused for maintenance"}}});
    closed.retry_after_seconds = k_maintenance_retry_after_seconds;
    return closed;
}

}  // namespace janua::daemon
