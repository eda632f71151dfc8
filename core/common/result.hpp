#pragma once
// Expected domain failures travel as values (Result<T>); infrastructure failures throw.
// Each Error carries a public message for clients and a private detail for the log only.

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <variant>

namespace janua {

// Protocol-neutral error codes; the daemon maps them to HTTP, the CLI to exit codes.
enum class ErrorCode {
    bad_request,
    validation,
    authentication,
    token,
    authorization,
    not_found,
    conflict,
    payload_too_large,
    account_locked,
    rate_limited,
    unavailable,
    internal,
    // Enterprise SSO (API.md): SSO_AUTHENTICATION_ERROR ... SSO_PROVISIONING_ERROR.
    sso_authentication,
    sso_validation,
    sso_configuration,
    sso_metadata,
    sso_certificate,
    sso_provisioning,
};

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;               // safe to show to a client
    std::string detail;                // for the log only
    nlohmann::json details = nullptr;  // structured, client-visible (e.g. each unmet rule)
    int retry_after_seconds = 0;       // for rate_limited / unavailable
};

inline Error make_error(ErrorCode code, std::string message, std::string detail = {}) {
    return Error{code, std::move(message), std::move(detail), nullptr, 0};
}

// The stable, upper-case name used in the API error envelope.
const char* error_code_name(ErrorCode code);

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}       // NOLINT: implicit by design
    Result(Error error) : m_state(std::move(error)) {}   // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace janua
