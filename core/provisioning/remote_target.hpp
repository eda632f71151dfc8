#pragma once
// The apply target over januad's API (the CLI's remote mode).

#include "core/provisioning/target.hpp"

namespace janua::provisioning {

class RemoteTarget final : public Target {
public:
    explicit RemoteTarget(ApiCall call) : m_call(std::move(call)) {}

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
    // Every page of a list endpoint as one array.
    Result<json> all_pages(const std::string& path);
    ApiCall m_call;
};

}  // namespace janua::provisioning
