#pragma once
// An organization's SAML connection: who the IdP is, how its assertions map to a Janua user,
// and the rules for accepting them. The API/CLI body and the stored settings share one JSON shape.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace janua::saml {

struct AttributeMapping {
    std::string email = "email";          // empty: the NameID is the email
    std::string first_name = "firstName";
    std::string last_name = "lastName";
    std::string groups = "groups";
};

// Everything about a connection that an administrator sets, except the IdP identity.
struct ConnectionSettings {
    AttributeMapping attributes;
    std::map<std::string, std::string> group_roles;  // IdP group -> organization role
    std::vector<std::string> allowed_domains;         // email domains this IdP may sign in (empty: any)
    std::string default_role = "member";             // for JIT-provisioned members
    std::string default_return_to;                   // after an IdP-initiated login without RelayState
    bool jit_provisioning = true;
    bool allow_idp_initiated = false;
    bool want_assertions_signed = true;
    bool want_response_signed = false;
    bool sign_authn_requests = true;
    bool allow_sha1 = false;
    int clock_skew_seconds = 120;
};

nlohmann::json to_json(const ConnectionSettings& settings);
// Apply the members of `body` that are present over `settings`; a validation error names the field.
Status apply_settings(const nlohmann::json& body, ConnectionSettings& settings);

struct Connection {
    std::string organization_id;
    std::string organization_slug;
    bool enabled = true;
    std::string idp_entity_id;
    std::string idp_sso_url;
    std::string idp_slo_url;
    std::vector<std::string> idp_certificates;  // PEM
    std::optional<std::string> metadata_url;
    ConnectionSettings settings;
    std::string sp_private_key;  // PEM, decrypted (never rendered)
    std::string sp_certificate;  // PEM
    std::string created_at;
    std::string updated_at;
};

// Where this service provider lives for an organization (derived from BASE_URL).
struct SpEndpoints {
    std::string entity_id;     // BASE_URL/api/v1/sso/saml/metadata/{org id}
    std::string acs_url;       // BASE_URL/api/v1/sso/saml/acs
    std::string slo_url;       // BASE_URL/api/v1/sso/saml/slo
    std::string metadata_url;  // same as entity_id
};
SpEndpoints sp_endpoints(const std::string& base_url, const std::string& organization_id);

// The API view: no private key; certificates with fingerprints and expiry.
nlohmann::json to_json(const Connection& connection, const SpEndpoints& sp);

}  // namespace janua::saml
