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
};

struct DesiredClient {
    Where where;
    std::string client_id;
    nlohmann::json settings = nlohmann::json::object();  // API members (name, grant_types, ...)
    std::optional<std::string> secret;  // resolved from secret_from; never printed
};

struct Document {
    std::string file;
    std::vector<DesiredOrganization> organizations;
    std::optional<std::vector<DesiredClient>> clients;
};

// "FILE:LINE: FIELD: message"
std::string describe(const Where& where, const std::string& message);

// Read and check an apply file; secrets named by secret_from are read here (environment or a
// file relative to the YAML file). Every problem is reported (message: one per line; details:
// [{file, line, field, message}]) as a validation error.
Result<Document> load_document(const std::string& path);
Result<Document> parse_document(const std::string& text, const std::string& file_name, const std::string& base_dir);

// YAML scalars and collections as JSON (settings, metadata, jwks): true/false, numbers and
// null keep their types unless quoted.
}  // namespace janua::provisioning
