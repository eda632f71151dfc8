#pragma once
// Failures of an upstream login, as errors that name what went wrong for the administrator:
// details carry {"reason": ...} (state_invalid, nonce_mismatch, signature_invalid, ...), which
// the routes turn into the SSO_* error codes of docs/api.md.

#include "core/common/result.hpp"

#include <string>

namespace janua::federation {

// The upstream login failed a check (401, SSO_AUTHENTICATION_ERROR).
inline Error login_failure(const std::string& reason, const std::string& message) {
    Error e = make_error(ErrorCode::sso_authentication, message);
    e.details = nlohmann::json::array({{{"reason", reason}}});
    return e;
}

// The upstream identity is fine but may not sign in here (403, SSO_PROVISIONING_ERROR).
inline Error provisioning_failure(const std::string& reason, const std::string& message) {
    Error e = make_error(ErrorCode::sso_provisioning, message);
    e.details = nlohmann::json::array({{{"reason", reason}}});
    return e;
}

// The reason of a failure made above, or "".
inline std::string failure_reason(const Error& e) {
    if (e.details.is_array() && !e.details.empty() && e.details[0].is_object() && e.details[0].contains("reason") &&
        e.details[0]["reason"].is_string())
        return e.details[0]["reason"].get<std::string>();
    return {};
}

}  // namespace janua::federation
