#pragma once
// An upstream identity provider as configured: a platform-wide social provider
// (organization_id empty) or an organization's enterprise OIDC connection. The client secret is
// only ever held encrypted here; it is decrypted for the token request and never shown.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::federation {

struct IdentityProvider {
    std::string id;
    std::optional<std::string> organization_id;
    std::string slug;
    std::string display_name;
    std::string preset = "oidc";
    std::string protocol = "oidc";  // oidc | oauth2
    std::optional<std::string> issuer;
    std::optional<std::string> authorization_endpoint;
    std::optional<std::string> token_endpoint;
    std::optional<std::string> userinfo_endpoint;
    std::optional<std::string> emails_endpoint;
    std::string client_id;
    std::optional<std::string> client_secret_encrypted;  // never leaves core
    std::vector<std::string> scopes;
    bool enabled = true;
    std::vector<std::string> allowed_domains;  // enterprise only
    bool jit_provisioning = true;              // enterprise only
    std::string default_role = "member";       // enterprise only
    bool store_tokens = false;                 // platform only: keep linked accounts' upstream tokens (core/integrations)
    std::string created_at;
    std::string updated_at;
};

// An empty configuration in a scope (platform when `organization_id` is empty).
IdentityProvider new_provider(const std::optional<std::string>& organization_id);

// The configuration as the API and the CLI show it: "client_secret_set" instead of the secret.
nlohmann::json to_json(const IdentityProvider& provider);

// Apply a create (POST) or change (PATCH) body to `target`, filling preset defaults on create, and
// validate the result. `allow_private`: UPSTREAM_IDP_ALLOW_PRIVATE (http and loopback endpoints).
// A new client secret, if the body has one, goes to `new_secret` (plaintext, for the caller to
// encrypt). Fails with a validation error naming the field; `target` is then unusable.
Status apply_spec(IdentityProvider& target, const nlohmann::json& body, bool creating, bool allow_private,
                  std::optional<std::string>& new_secret);

// Whether `email`'s domain is one of `domains` (which are lower-case); true when `domains` is empty.
bool email_domain_allowed(const std::string& email, const std::vector<std::string>& domains);

}  // namespace janua::federation
