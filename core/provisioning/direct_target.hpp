#pragma once
// The apply target over the core services on the database (the CLI's direct mode), acting as
// an operator (rbac::direct_caller). Each change runs in the service's own transaction and is
// audited there, exactly as the daemon's routes do it.

#include "core/identity/user_admin.hpp"
#include "core/oidc/client_service.hpp"
#include "core/orgs/org_service.hpp"
#include "core/provisioning/target.hpp"
#include "core/scim/tokens.hpp"
#include "core/webhooks/service.hpp"

namespace janua::provisioning {

struct ServiceSet {
    orgs::OrgService& orgs;
    oidc::ClientService& clients;
    webhooks::WebhookService& webhooks;
    scim::TokenService& scim_tokens;
    identity::UserAdmin& users;
};

class DirectTarget final : public Target {
public:
    explicit DirectTarget(ServiceSet services) : m_s(services) {}

    Result<std::optional<json>> find_organization(const std::string& slug) override;
    Result<json> create_organization(const json& body) override;
    Result<json> update_organization(const std::string& org_id, const json& patch) override;
    Result<json> roles(const std::string& org_id) override;
    Result<json> create_role(const std::string& org_id, const json& body) override;
    Result<json> update_role(const std::string& org_id, const std::string& name, const json& patch) override;
    Status delete_role(const std::string& org_id, const std::string& name) override;
    Result<json> members(const std::string& org_id) override;
    Result<json> add_member(const std::string& org_id, const std::string& user, const std::string& role) override;
    Result<json> set_member_role(const std::string& org_id, const std::string& user, const std::string& role) override;
    Status remove_member(const std::string& org_id, const std::string& user) override;
    Result<std::optional<json>> find_user(const std::string& user) override;
    Result<std::optional<json>> find_client(const std::string& client_id) override;
    Result<json> list_clients() override;
    Result<json> create_client(const json& body) override;
    Result<json> update_client(const std::string& client_id, const json& patch) override;
    Result<json> webhooks(const std::string& org_id) override;
    Result<json> create_webhook(const std::string& org_id, const json& body) override;
    Result<json> update_webhook(const std::string& org_id, const std::string& id, const json& patch) override;
    Status delete_webhook(const std::string& org_id, const std::string& id) override;
    Result<json> scim_tokens(const std::string& org_id) override;
    Result<json> create_scim_token(const std::string& org_id, const std::string& name) override;
    Status revoke_scim_token(const std::string& org_id, const std::string& id) override;

private:
    ServiceSet m_s;
};

}  // namespace janua::provisioning
