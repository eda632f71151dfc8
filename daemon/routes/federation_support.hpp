#pragma once
// Shared by the upstream-login and identity-provider routes: the SSO error envelope and actors.

#include "core/federation/failure.hpp"
#include "daemon/routes/routes.hpp"

namespace janua::daemon::federation_http {

// Upstream-login failures use the SSO codes of docs/api.md: SSO_AUTHENTICATION_ERROR (401) for a
// failed check, SSO_PROVISIONING_ERROR (403) for an identity that may not sign in here,
// SSO_METADATA_ERROR (502) for a provider that cannot be reached or answers nonsense; the rest
// keep the usual codes. details[0].reason says which rule failed.
inline Response sso_error(const Error& error, const std::string& request_id) {
    const char* code = nullptr;
    int status = 0;
    switch (error.code) {
        case ErrorCode::authentication: code = "SSO_AUTHENTICATION_ERROR"; status = 401; break;
        case ErrorCode::authorization: code = "SSO_PROVISIONING_ERROR"; status = 403; break;
        case ErrorCode::unavailable: code = "SSO_METADATA_ERROR"; status = 502; break;
        default: return error_response(error, request_id);
    }
    nlohmann::json envelope = {{"error",
                                {{"code", code},
                                 {"message", error.message},
                                 {"details", error.details.is_null() ? nlohmann::json::array() : error.details},
                                 {"request_id", request_id}}}};
    return Response::json(status, envelope);
}

inline identity::Actor actor_of(const Request& r) {
    if (r.principal && r.principal->api_key_id)
        return identity::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

}  // namespace janua::daemon::federation_http
