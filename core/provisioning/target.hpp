#pragma once
// Where `janua apply` reads the current state and makes its changes: the core services on the
// database (direct_target) or januad's API (remote_target). Both speak the API's JSON, so the
// plan, the output and the exit codes are the same in either mode.
//
// One table of operations rather than an abstract class with two subclasses: each mode fills
// the table in its own .cpp, so the operations are declared once, here, and not repeated in a
// header per mode.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace janua::provisioning {

using json = nlohmann::json;

struct Target {
    template <class Signature>
    using Op = std::function<Signature>;
    using Id = const std::string&;

    // Organizations by slug (none when there is no such organization).
    Op<Result<std::optional<json>>(Id slug)> find_organization;
    Op<Result<json>(const json& body)> create_organization;  // {slug, name, owner, settings?, metadata?}
    Op<Result<json>(Id org_id, const json& patch)> update_organization;

    // Every role of the organization, built-in ones included (is_system).
    Op<Result<json>(Id org_id)> roles;
    Op<Result<json>(Id org_id, const json& body)> create_role;  // {name, permissions, description?}
    Op<Result<json>(Id org_id, Id name, const json& patch)> update_role;
    Op<Status(Id org_id, Id name)> delete_role;

    Op<Result<json>(Id org_id)> members;
    Op<Result<json>(Id org_id, Id user, Id role)> add_member;
    Op<Result<json>(Id org_id, Id user, Id role)> set_member_role;
    Op<Status(Id org_id, Id user)> remove_member;
    // A user by id or email ({id, email, ...}); none when there is no such user.
    Op<Result<std::optional<json>>(Id user)> find_user;

    Op<Result<std::optional<json>>(Id client_id)> find_client;
    Op<Result<json>()> list_clients;
    Op<Result<json>(const json& body)> create_client;  // may carry client_secret
    Op<Result<json>(Id client_id, const json& patch)> update_client;
    // Whether `secret` is the client's current secret (a yes/no answer; the secret is never read back).
    Op<Result<bool>(Id client_id, Id secret)> client_secret_matches;
    // Make `secret` the client's secret; the old one keeps working `grace_seconds` (none: the server default).
    Op<Result<json>(Id client_id, Id secret, std::optional<int> grace_seconds)> rotate_client_secret;

    Op<Result<json>(Id org_id)> webhooks;
    Op<Result<json>(Id org_id, const json& body)> create_webhook;  // carries "secret"
    Op<Result<json>(Id org_id, Id id, const json& patch)> update_webhook;
    Op<Status(Id org_id, Id id)> delete_webhook;

    Op<Result<json>(Id org_id)> scim_tokens;
    Op<Result<json>(Id org_id, Id name)> create_scim_token;  // carries "token"
    Op<Status(Id org_id, Id id)> revoke_scim_token;

    // The organization's SAML connection (none when it has none), as GET .../sso shows it.
    Op<Result<std::optional<json>>(Id org_id)> saml_connection;
    Op<Result<json>(Id org_id, const json& body)> configure_saml;  // PUT .../sso: creates or updates
    Op<Status(Id org_id)> delete_saml;

    // The organization's upstream (enterprise OIDC / social) identity providers.
    Op<Result<json>(Id org_id)> identity_providers;
    Op<Result<json>(Id org_id, const json& body)> create_identity_provider;  // may carry client_secret
    Op<Result<json>(Id org_id, Id id, const json& patch)> update_identity_provider;
    Op<Status(Id org_id, Id id)> delete_identity_provider;
    Op<Result<bool>(Id org_id, Id id, Id secret)> identity_provider_secret_matches;
};

// januad's API through `call(method, path, body)` (the CLI's remote mode supplies it; a 204
// answers a JSON null).
using ApiCall = std::function<Result<json>(const std::string& method, const std::string& path, const json& body)>;

}  // namespace janua::provisioning
