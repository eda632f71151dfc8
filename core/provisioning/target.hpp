#pragma once
// Where `janua apply` reads the current state and makes its changes: the core services on the
// database (DirectTarget) or januad's API (RemoteTarget). Both speak the API's JSON, so the
// plan, the output and the exit codes are the same in either mode.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace janua::provisioning {

using json = nlohmann::json;

class Target {
public:
    virtual ~Target() = default;

    // Organizations by slug (none when there is no such organization).
    virtual Result<std::optional<json>> find_organization(const std::string& slug) = 0;
    virtual Result<json> create_organization(const json& body) = 0;  // {slug, name, owner, settings?, metadata?}
    virtual Result<json> update_organization(const std::string& org_id, const json& patch) = 0;

    // Every role of the organization, built-in ones included (is_system).
    virtual Result<json> roles(const std::string& org_id) = 0;
    virtual Result<json> create_role(const std::string& org_id, const json& body) = 0;  // {name, permissions, description?}
    virtual Result<json> update_role(const std::string& org_id, const std::string& name, const json& patch) = 0;
    virtual Status delete_role(const std::string& org_id, const std::string& name) = 0;

    virtual Result<json> members(const std::string& org_id) = 0;
    virtual Result<json> add_member(const std::string& org_id, const std::string& user, const std::string& role) = 0;
    virtual Result<json> set_member_role(const std::string& org_id, const std::string& user, const std::string& role) = 0;
    virtual Status remove_member(const std::string& org_id, const std::string& user) = 0;
    // A user by id or email ({id, email, ...}); none when there is no such user.
    virtual Result<std::optional<json>> find_user(const std::string& user) = 0;

    virtual Result<std::optional<json>> find_client(const std::string& client_id) = 0;
    virtual Result<json> list_clients() = 0;
    virtual Result<json> create_client(const json& body) = 0;  // may carry client_secret
    virtual Result<json> update_client(const std::string& client_id, const json& patch) = 0;

    virtual Result<json> webhooks(const std::string& org_id) = 0;
    virtual Result<json> create_webhook(const std::string& org_id, const json& body) = 0;  // carries "secret"
    virtual Result<json> update_webhook(const std::string& org_id, const std::string& id, const json& patch) = 0;
    virtual Status delete_webhook(const std::string& org_id, const std::string& id) = 0;

    virtual Result<json> scim_tokens(const std::string& org_id) = 0;
    virtual Result<json> create_scim_token(const std::string& org_id, const std::string& name) = 0;  // carries "token"
    virtual Status revoke_scim_token(const std::string& org_id, const std::string& id) = 0;
};

// januad's API through `call(method, path, body)` (the CLI's remote mode supplies it; a 204
// answers a JSON null).
using ApiCall = std::function<Result<json>(const std::string& method, const std::string& path, const json& body)>;

}  // namespace janua::provisioning
