#pragma once
// The rules a client registration must meet (RFC 6749, RFC 7591, RFC 8252, OAuth 2.0 Security
// BCP). Pure functions: no database, so the unit tests cover each rule.

#include "core/common/result.hpp"
#include "core/oidc/client.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace janua::oidc {

// Why a value breaks a rule: a stable rule name and a message for people.
struct RuleProblem {
    std::string rule;
    std::string message;
};

// A redirect URI (or post-logout redirect URI) must be absolute, without a fragment, and either
// https, http on a loopback host (localhost, 127.0.0.1, [::1]; RFC 8252 7.3), or a private-use
// scheme named after a reverse domain for native apps (com.example.app:/callback; RFC 8252 7.1).
std::optional<RuleProblem> redirect_uri_problem(std::string_view uri);

// A jwks_uri must be an absolute https URL without a fragment (http only on localhost / 127.0.0.1).
std::optional<RuleProblem> jwks_uri_problem(std::string_view uri);

// A client JWK Set: {"keys": [...]} of public keys only (no "d", no symmetric keys), each one
// Janua can verify with (RSA 2048+, EC P-256, Ed25519) unless marked "use": "enc".
std::optional<RuleProblem> jwks_problem(const nlohmann::json& jwks);

// [A-Za-z0-9._:-]{1,128}
bool is_valid_client_id(std::string_view client_id);

// An RFC 6749 3.3 scope-token: one or more of %x21 / %x23-5B / %x5D-7E (so no spaces).
bool is_valid_scope_token(std::string_view scope);

bool is_supported_grant_type(std::string_view grant_type);
bool is_supported_auth_method(std::string_view method);

// An operator-supplied client secret: 32 to 512 printable ASCII characters, no spaces.
std::optional<RuleProblem> client_secret_problem(std::string_view secret);

// Fill the derived settings (auth method, response types), drop duplicates, and check every
// rule. On failure a validation Error with one `details` entry ({field, rule, message}) per
// problem.
Result<ClientSpec> validate_client_spec(ClientSpec spec);

// A validation Error from `details`; its message is the first problem.
Error client_validation_error(nlohmann::json details);

}  // namespace janua::oidc
