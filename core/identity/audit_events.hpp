#pragma once
// The audit entries of requests made by a person: who (the user), from where (the request's IP,
// user agent and id). One builder for the identity, MFA, federation and OAuth services.

#include "core/audit/audit.hpp"
#include "core/identity/auth_service.hpp"

#include <string>

namespace janua::identity {

// An entry carrying the request's IP, user agent and request id; the caller sets actor and target.
inline audit::Event request_event(const std::string& action, const RequestMeta& meta) {
    audit::Event e;
    e.action = action;
    e.ip_address = meta.ip;
    e.user_agent = meta.user_agent;
    e.request_id = meta.request_id;
    return e;
}

// A user acting on their own account: actor and target are the user.
inline audit::Event user_event(const std::string& action, const RequestMeta& meta, const std::string& user_id,
                               const std::string& outcome = "success") {
    auto e = request_event(action, meta);
    e.outcome = outcome;
    e.actor_type = "user";
    e.actor_id = user_id;
    e.target_type = "user";
    e.target_id = user_id;
    return e;
}

}  // namespace janua::identity
