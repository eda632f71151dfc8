#pragma once
// A `janua apply` file (docs/api.md "Declarative provisioning"): what the operator wants to
// exist, read from YAML with the line of every object so that every error can point at it.
// Members a file leaves out are not managed: apply leaves them as they are. A list key left
// out (e.g. no `roles:`) is not managed either, so `--prune` never touches it.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::provisioning {

// Where something was written: the YAML file and its 1-based line.
struct Where {
    std::string file;
    int line = 0;
    std::string field;  // e.g. organizations[0].roles[1]
};

struct DesiredRole {
    Where where;
    std::string name;
    std::optional<std::vector<std::string>> permissions;
    std::optional<std::string> description;
};

struct DesiredMember {
    Where where;
    std::string email;  // lower-cased
    std::string role;   // default "member"
};

struct DesiredWebhook {
    Where where;
    std::string url;  // identity of the endpoint within its organization
    std::optional<std::vector<std::string>> event_types;
    std::optional<std::optional<std::string>> description;  // null clears it
    std::optional<bool> enabled;
    std::optional<std::string> save_secret_to;  // where the signing secret of a new endpoint goes
};

struct DesiredScimToken {
    Where where;
    std::string name;
    std::optional<std::string> save_secret_to;  // where a newly issued token goes
};

// An organization's SAML connection (docs/api.md "SSO in apply files").
struct DesiredSaml {
    Where where;
    // The PUT .../sso members the file sets, except the IdP's identity (settings, enabled,
    // idp_slo_url), as written.
    nlohmann::json settings = nlohmann::json::object();
    // Where the IdP's identity comes from: at most one of these.
    std::optional<std::string> metadata_url;  // fetched by the server
    std::optional<std::string> metadata_xml;  // metadata_file, read here
    struct Idp {
        std::string entity_id, sso_url, slo_url;
        std::vector<std::string> certificates;  // PEM, normalized
    };
    std::optional<Idp> idp;  // from metadata_file or idp_entity_id + idp_sso_url + idp_certificates
    bool idp_by_hand = false;  // idp came from idp_* members (not metadata_file)
};

// An upstream identity provider of the organization (enterprise OIDC or a social preset).
struct DesiredIdentityProvider {
    Where where;
    std::string slug;  // identity within the organization
    nlohmann::json settings = nlohmann::json::object();  // API members (preset, issuer, client_id, ...)
    std::optional<std::string> secret;  // the upstream client secret, from secret_from; never printed
};

struct DesiredSso {
    Where where;
    // Absent: the SAML connection is not managed; `saml: null`: the organization has none.
    std::optional<std::optional<DesiredSaml>> saml;
    std::optional<std::vector<DesiredIdentityProvider>> identity_providers;
};

struct DesiredOrganization {
    Where where;
    std::string slug;
    std::optional<std::string> name;
    std::optional<std::string> owner;  // id or email; used when the organization is created
    std::optional<nlohmann::json> settings;
    std::optional<nlohmann::json> metadata;
    std::optional<std::vector<DesiredRole>> roles;
    std::optional<std::vector<DesiredMember>> members;
    std::optional<std::vector<DesiredWebhook>> webhooks;
    std::optional<std::vector<DesiredScimToken>> scim_tokens;
    std::optional<DesiredSso> sso;
};

struct DesiredClient {
    Where where;
    std::string client_id;
    nlohmann::json settings = nlohmann::json::object();  // API members (name, grant_types, ...)
    std::optional<std::string> secret;  // resolved from secret_from; never printed
    // When apply sets a new secret on an existing client: how long the old one keeps working
    // (none: the server's default, as `janua client rotate-secret`).
    std::optional<int> secret_grace_seconds;
};

struct Document {
    std::string file;
    std::vector<DesiredOrganization> organizations;
    std::optional<std::vector<DesiredClient>> clients;
};

// "FILE:LINE: FIELD: message"
std::string describe(const Where& where, const std::string& message);

// Every problem as one validation error: the message has one describe() line per problem, the
// details [{file, line, field, message}].
Error problems_error(const std::vector<std::pair<Where, std::string>>& problems);

// The API members of an OAuth client that an apply file may set and export writes.
const std::vector<std::string>& client_setting_names();

// Read and check an apply file; secrets named by secret_from are read here (environment or a
// file relative to the YAML file). Every problem is reported (message: one per line; details:
// [{file, line, field, message}]) as a validation error.
Result<Document> load_document(const std::string& path);
Result<Document> parse_document(const std::string& text, const std::string& file_name, const std::string& base_dir);

// YAML scalars and collections as JSON (settings, metadata, jwks): true/false, numbers and
// null keep their types unless quoted.
}  // namespace janua::provisioning
