#pragma once
// The upstream token endpoint as januad calls it: at sign-in (authorization_code, login_service)
// and when a stored token is refreshed (refresh_token, core/integrations). One place decides how
// januad authenticates to the provider and how an upstream error becomes a failure.

#include "core/common/result.hpp"
#include "core/federation/provider.hpp"
#include "core/federation/upstream_http.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace janua::federation {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Printable ASCII only, bounded: upstream text ends up in messages and the audit log.
std::string sanitized(const std::string& text, std::size_t max = 200);
// application/x-www-form-urlencoded.
std::string form_encode(const FormFields& fields);
// The JSON object of an HTTP 200 reply, else an upstream_error failure naming `what` (and the
// upstream's error code, sanitized).
Result<nlohmann::json> json_reply(const Result<UpstreamReply>& reply, const char* what);

// POST `fields` to `token_endpoint` as `provider`'s client: client_secret_basic, or in the body
// for GitHub-style providers and public clients (`client_secret` empty).
Result<nlohmann::json> call_token_endpoint(const IdentityProvider& provider, const std::string& token_endpoint,
                                           const std::string& client_secret, FormFields fields,
                                           const UpstreamPolicy& policy);

// What a token response grants, read leniently (RFC 6749 5.1; GitHub separates scopes with commas).
struct UpstreamGrant {
    std::string access_token;
    std::optional<std::string> refresh_token;
    std::string token_type = "Bearer";
    std::vector<std::string> scopes;
    std::optional<long long> expires_in;  // seconds
};
// None when the response carries no usable access token.
std::optional<UpstreamGrant> grant_of(const nlohmann::json& token_response);

}  // namespace janua::federation
