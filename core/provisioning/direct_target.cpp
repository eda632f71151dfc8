#include "core/provisioning/direct_target.hpp"

#include "core/crypto/hash.hpp"
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
    if constexpr (std::is_same_v<T, json>) return *r;
    else return to_json(*r);
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
    if (r) return std::optional<json>(json_of(r).value());
    if (r.error().code == ErrorCode::not_found) return std::optional<json>();
    return r.error();
}

std::optional<std::string> scope(const std::string& org_id) { return org_id; }

}  // namespace

Target direct_target(ServiceSet s) {
    Target t;
    t.find_organization = [s](auto slug) { return optional_of(s.orgs.get(slug)); };
    t.create_organization = [s](const json& body) -> Result<json> {
        auto spec = orgs::new_organization_from_json(body);
        if (!spec) return spec.error();
        return json_of(s.orgs.create(apply_caller(), *spec));
    };
    t.update_organization = [s](auto org, const json& patch) { return json_of(s.orgs.update(apply_caller(), org, patch)); };

    t.roles = [s](auto org) { return array_of(s.orgs.roles(org)); };
    t.create_role = [s](auto org, const json& body) -> Result<json> {
        auto change = orgs::role_change_from_json(body, true);
        if (!change) return change.error();
        return json_of(s.orgs.create_role(apply_caller(), org, body.value("name", ""), *change));
    };
    t.update_role = [s](auto org, auto name, const json& patch) -> Result<json> {
        auto change = orgs::role_change_from_json(patch, false);
        if (!change) return change.error();
        return json_of(s.orgs.update_role(apply_caller(), org, name, *change));
    };
    t.delete_role = [s](auto org, auto name) { return s.orgs.delete_role(apply_caller(), org, name); };

    t.members = [s](auto org) { return array_of(s.orgs.members(org)); };
    t.add_member = [s](auto org, auto user, auto role) { return json_of(s.orgs.add_member(apply_caller(), org, user, role)); };
    t.set_member_role = [s](auto org, auto user, auto role) {
        return json_of(s.orgs.set_member_role(apply_caller(), org, user, role));
    };
    t.remove_member = [s](auto org, auto user) { return s.orgs.remove_member(apply_caller(), org, user); };
    t.find_user = [s](auto user) { return optional_of(s.users.get(user)); };

    t.find_client = [s](auto client_id) { return optional_of(s.clients.get(client_id)); };
    t.list_clients = [s]() -> Result<json> {
        json all = json::array();
        oidc::clients::ListFilter filter;
        filter.limit = 200;
        for (int page = 0; page < 10000; ++page) {
            auto got = s.clients.list(filter);
            if (!got) return got.error();
            for (const auto& c : got->clients) all.push_back(oidc::to_json(c));
            if (!got->next_cursor) break;
            filter.cursor = got->next_cursor;
        }
        return all;
    };
    t.create_client = [s](const json& body) -> Result<json> {
        auto spec = oidc::client_spec_from_json(body);
        if (!spec) return spec.error();
        return json_of(s.clients.create(*spec, apply_actor()));
    };
    t.update_client = [s](auto client_id, const json& patch) { return json_of(s.clients.update(client_id, patch, apply_actor())); };
    t.client_secret_matches = [s](auto client_id, auto secret) { return s.clients.is_current_secret(client_id, secret); };
    t.rotate_client_secret = [s](auto client_id, auto secret, std::optional<int> grace) {
        return json_of(s.clients.rotate_secret(client_id, grace, apply_actor(), secret));
    };

    t.webhooks = [s](auto org) { return array_of(s.webhooks.list(org)); };
    t.create_webhook = [s](auto org, const json& body) -> Result<json> {
        auto spec = webhooks::spec_from_json(body);
        if (!spec) return spec.error();
        return json_of(s.webhooks.create(org, *spec, apply_actor()));
    };
    t.update_webhook = [s](auto org, auto id, const json& patch) -> Result<json> {
        auto spec = webhooks::spec_from_json(patch);
        if (!spec) return spec.error();
        return json_of(s.webhooks.update(org, id, *spec, apply_actor()));
    };
    t.delete_webhook = [s](auto org, auto id) { return s.webhooks.remove(org, id, apply_actor()); };

    t.scim_tokens = [s](auto org) { return array_of(s.scim_tokens.list(org)); };
    t.create_scim_token = [s](auto org, auto name) { return json_of(s.scim_tokens.create(apply_caller(), org, name)); };
    t.revoke_scim_token = [s](auto org, auto id) { return s.scim_tokens.revoke(apply_caller(), org, id); };

    t.saml_connection = [s](auto org) { return optional_of(s.saml.get(org)); };
    t.configure_saml = [s](auto org, const json& body) { return s.saml.configure(apply_caller(), org, body); };
    t.delete_saml = [s](auto org) { return s.saml.remove(apply_caller(), org); };

    t.identity_providers = [s](auto org) { return array_of(s.identity_providers.list(scope(org))); };
    t.create_identity_provider = [s](auto org, const json& body) {
        return json_of(s.identity_providers.create(scope(org), body, apply_actor()));
    };
    t.update_identity_provider = [s](auto org, auto id, const json& patch) {
        return json_of(s.identity_providers.update(scope(org), id, patch, apply_actor()));
    };
    t.delete_identity_provider = [s](auto org, auto id) { return s.identity_providers.remove(scope(org), id, apply_actor()); };
    t.identity_provider_secret_matches = [s](auto org, auto id, auto secret) -> Result<bool> {
        auto provider = s.identity_providers.get(scope(org), id);
        if (!provider) return provider.error();
        auto current = s.identity_providers.client_secret(*provider);
        if (!current) return current.error();
        return !current->empty() && crypto::constant_time_equals(*current, secret);
    };
    return t;
}

}  // namespace janua::provisioning
