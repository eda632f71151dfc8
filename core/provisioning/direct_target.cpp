#include "core/provisioning/direct_target.hpp"

#include "core/rbac/access.hpp"

namespace janua::provisioning {
namespace {

identity::Actor apply_actor() { return identity::Actor{"system", std::string("janua-apply"), "", ""}; }

rbac::Caller apply_caller() {
    auto caller = rbac::direct_caller();
    caller.actor = apply_actor();
    return caller;
}

template <class T>
Result<json> json_of(const Result<T>& r) {
    if (!r) return r.error();
    return to_json(*r);
}

template <class T>
Result<json> array_of(const Result<std::vector<T>>& r) {
    if (!r) return r.error();
    json out = json::array();
    for (const auto& item : *r) out.push_back(to_json(item));
    return out;
}

template <class T>
Result<std::optional<json>> optional_of(const Result<T>& r) {
    if (r) return std::optional<json>(to_json(*r));
    if (r.error().code == ErrorCode::not_found) return std::optional<json>();
    return r.error();
}

}  // namespace

Result<std::optional<json>> DirectTarget::find_organization(const std::string& slug) {
    return optional_of(m_s.orgs.get(slug));
}
Result<json> DirectTarget::create_organization(const json& body) {
    auto spec = orgs::new_organization_from_json(body);
    if (!spec) return spec.error();
    return json_of(m_s.orgs.create(apply_caller(), *spec));
}
Result<json> DirectTarget::update_organization(const std::string& org_id, const json& patch) {
    return json_of(m_s.orgs.update(apply_caller(), org_id, patch));
}
Result<json> DirectTarget::roles(const std::string& org_id) { return array_of(m_s.orgs.roles(org_id)); }
Result<json> DirectTarget::create_role(const std::string& org_id, const json& body) {
    auto change = orgs::role_change_from_json(body, true);
    if (!change) return change.error();
    return json_of(m_s.orgs.create_role(apply_caller(), org_id, body.value("name", ""), *change));
}
Result<json> DirectTarget::update_role(const std::string& org_id, const std::string& name, const json& patch) {
    auto change = orgs::role_change_from_json(patch, false);
    if (!change) return change.error();
    return json_of(m_s.orgs.update_role(apply_caller(), org_id, name, *change));
}
Status DirectTarget::delete_role(const std::string& org_id, const std::string& name) {
    return m_s.orgs.delete_role(apply_caller(), org_id, name);
}
Result<json> DirectTarget::members(const std::string& org_id) { return array_of(m_s.orgs.members(org_id)); }
Result<json> DirectTarget::add_member(const std::string& org_id, const std::string& user, const std::string& role) {
    return json_of(m_s.orgs.add_member(apply_caller(), org_id, user, role));
}
Result<json> DirectTarget::set_member_role(const std::string& org_id, const std::string& user, const std::string& role) {
    return json_of(m_s.orgs.set_member_role(apply_caller(), org_id, user, role));
}
Status DirectTarget::remove_member(const std::string& org_id, const std::string& user) {
    return m_s.orgs.remove_member(apply_caller(), org_id, user);
}
Result<std::optional<json>> DirectTarget::find_user(const std::string& user) {
    return optional_of(m_s.users.get(user));
}
Result<std::optional<json>> DirectTarget::find_client(const std::string& client_id) {
    return optional_of(m_s.clients.get(client_id));
}
Result<json> DirectTarget::list_clients() {
    json all = json::array();
    oidc::clients::ListFilter filter;
    filter.limit = 200;
    for (int page = 0; page < 10000; ++page) {
        auto got = m_s.clients.list(filter);
        if (!got) return got.error();
        for (const auto& c : got->clients) all.push_back(oidc::to_json(c));
        if (!got->next_cursor) break;
        filter.cursor = got->next_cursor;
    }
    return all;
}
Result<json> DirectTarget::create_client(const json& body) {
    auto spec = oidc::client_spec_from_json(body);
    if (!spec) return spec.error();
    return json_of(m_s.clients.create(*spec, apply_actor()));
}
Result<json> DirectTarget::update_client(const std::string& client_id, const json& patch) {
    return json_of(m_s.clients.update(client_id, patch, apply_actor()));
}
Result<json> DirectTarget::webhooks(const std::string& org_id) { return array_of(m_s.webhooks.list(org_id)); }
Result<json> DirectTarget::create_webhook(const std::string& org_id, const json& body) {
    auto spec = webhooks::spec_from_json(body);
    if (!spec) return spec.error();
    return json_of(m_s.webhooks.create(org_id, *spec, apply_actor()));
}
Result<json> DirectTarget::update_webhook(const std::string& org_id, const std::string& id, const json& patch) {
    auto spec = webhooks::spec_from_json(patch);
    if (!spec) return spec.error();
    return json_of(m_s.webhooks.update(org_id, id, *spec, apply_actor()));
}
Status DirectTarget::delete_webhook(const std::string& org_id, const std::string& id) {
    return m_s.webhooks.remove(org_id, id, apply_actor());
}
Result<json> DirectTarget::scim_tokens(const std::string& org_id) { return array_of(m_s.scim_tokens.list(org_id)); }
Result<json> DirectTarget::create_scim_token(const std::string& org_id, const std::string& name) {
    return json_of(m_s.scim_tokens.create(apply_caller(), org_id, name));
}
Status DirectTarget::revoke_scim_token(const std::string& org_id, const std::string& id) {
    return m_s.scim_tokens.revoke(apply_caller(), org_id, id);
}

}  // namespace janua::provisioning
