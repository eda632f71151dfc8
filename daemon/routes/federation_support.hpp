#pragma once
// Shared by the upstream-login and identity-provider routes: the actor of a request. Their
// failures carry the SSO error codes of core/common/result.hpp (core/federation/failure.hpp),
// which error_response maps like SAML's.

#include "daemon/routes/routes.hpp"

namespace janua::daemon::federation_http {

inline identity::Actor actor_of(const Request& r) {
    if (r.principal && r.principal->api_key_id)
        return identity::Actor{"api_key", r.principal->api_key_id, r.remote_addr, r.request_id};
    return identity::Actor{"user", r.principal ? std::optional<std::string>(r.principal->user_id) : std::nullopt,
                           r.remote_addr, r.request_id};
}

}  // namespace janua::daemon::federation_http
