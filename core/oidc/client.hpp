#pragma once
// OAuth 2.0 clients (relying parties) as stored in oauth_clients, and the settings an operator
// gives when registering or changing one.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::oidc {

inline constexpr const char* k_grant_authorization_code = "authorization_code";
inline constexpr const char* k_grant_refresh_token = "refresh_token";
inline constexpr const char* k_grant_client_credentials = "client_credentials";
inline constexpr const char* k_grant_device_code = "urn:ietf:params:oauth:grant-type:device_code";
inline constexpr const char* k_grant_token_exchange = "urn:ietf:params:oauth:grant-type:token-exchange";

inline constexpr const char* k_auth_client_secret_basic = "client_secret_basic";
inline constexpr const char* k_auth_client_secret_post = "client_secret_post";
inline constexpr const char* k_auth_none = "none";
inline constexpr const char* k_auth_private_key_jwt = "private_key_jwt";

struct OAuthClient {
    std::string id;         // uuid of the row
    std::string client_id;  // what the client presents
    std::string name;
    std::optional<std::string> organization_id;
    bool is_public = false;
    std::string token_endpoint_auth_method = k_auth_client_secret_basic;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    std::vector<std::string> grant_types;
    std::vector<std::string> response_types;
    std::vector<std::string> scopes;  // the scopes the client may ask for
    nlohmann::json jwks = nullptr;    // a JWK Set of public keys, or null
    std::optional<std::string> jwks_uri;
    std::optional<int> access_token_ttl_seconds;   // none: the server default
    std::optional<int> refresh_token_ttl_seconds;  // none: the server default
    bool require_consent = true;
    bool enabled = true;
    bool require_pushed_authorization_requests = false;  // RFC 9126 5
    std::optional<std::string> created_by;
    std::string previous_secret_expires_at;  // RFC 3339; empty when there is no previous secret
    std::string created_at;
    std::string updated_at;
    // Never leave core: not part of to_json.
    std::optional<std::string> secret_hash;
    std::optional<std::string> previous_secret_hash;

    bool has_grant(const std::string& grant_type) const;
    // Exact string comparison (no normalisation, no wildcards), as OAuth 2.1 requires.
    bool allows_redirect_uri(const std::string& uri) const;
    bool allows_post_logout_redirect_uri(const std::string& uri) const;
    // The client authenticates with a shared secret (client_secret_basic or client_secret_post).
    bool uses_secret() const;
};

// The client as the API and the CLI show it: every column but the secret hashes.
nlohmann::json to_json(const OAuthClient& client);

// What an operator sets when registering a client. Validate with validate_client_spec()
// (client_rules.hpp) before storing it.
struct ClientSpec {
    std::optional<std::string> client_id;  // none: generated
    std::string name;
    bool is_public = false;
    std::string token_endpoint_auth_method;  // empty: "none" for public clients, else client_secret_basic
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    std::vector<std::string> grant_types = {k_grant_authorization_code};
    // Derived from the grant types ("code" exactly when authorization_code is allowed); when
    // given it must agree.
    std::optional<std::vector<std::string>> response_types;
    std::vector<std::string> scopes = {"openid", "profile", "email"};
    nlohmann::json jwks = nullptr;
    std::optional<std::string> jwks_uri;
    std::optional<int> access_token_ttl_seconds;
    std::optional<int> refresh_token_ttl_seconds;
    bool require_consent = true;
    bool enabled = true;
    bool require_pushed_authorization_requests = false;
    std::optional<std::string> secret;  // supplied by the operator; otherwise one is generated
    // The organization that owns the client (IoT devices, core/iot); set by core, never read from a
    // request body, and fixed once the client exists.
    std::optional<std::string> organization_id;
};

// Read a registration body (the POST /api/v1/oauth/clients JSON). Checks members and types
// only; every rule is checked by validate_client_spec(). Unknown members are refused.
Result<ClientSpec> client_spec_from_json(const nlohmann::json& body);

// The settings of a stored client, for a partial update.
ClientSpec spec_of(const OAuthClient& client);

// Apply a PATCH body to `current`: members present replace the setting (null clears an
// optional one). client_id and is_public cannot change; secrets change by rotation only.
Result<ClientSpec> apply_client_patch(ClientSpec current, const nlohmann::json& patch);

}  // namespace janua::oidc
