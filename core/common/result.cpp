#include "core/common/result.hpp"

namespace janua {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_request: return "BAD_REQUEST";
        case ErrorCode::validation: return "VALIDATION_ERROR";
        case ErrorCode::authentication: return "AUTHENTICATION_ERROR";
        case ErrorCode::token: return "TOKEN_ERROR";
        case ErrorCode::authorization: return "AUTHORIZATION_ERROR";
        case ErrorCode::not_found: return "NOT_FOUND_ERROR";
        case ErrorCode::conflict: return "CONFLICT_ERROR";
        case ErrorCode::payload_too_large: return "PAYLOAD_TOO_LARGE";
        case ErrorCode::account_locked: return "ACCOUNT_LOCKED";
        case ErrorCode::rate_limited: return "RATE_LIMIT_ERROR";
        case ErrorCode::unavailable: return "SERVICE_UNAVAILABLE";
        case ErrorCode::internal: return "INTERNAL_ERROR";
        case ErrorCode::sso_authentication: return "SSO_AUTHENTICATION_ERROR";
        case ErrorCode::sso_validation: return "SSO_VALIDATION_ERROR";
        case ErrorCode::sso_configuration: return "SSO_CONFIGURATION_ERROR";
        case ErrorCode::sso_metadata: return "SSO_METADATA_ERROR";
        case ErrorCode::sso_certificate: return "SSO_CERTIFICATE_ERROR";
        case ErrorCode::sso_provisioning: return "SSO_PROVISIONING_ERROR";
    }
    return "INTERNAL_ERROR";
}

}  // namespace janua
