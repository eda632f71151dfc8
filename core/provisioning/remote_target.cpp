#include "core/provisioning/remote_target.hpp"

#include "core/common/url.hpp"

namespace janua::provisioning {
namespace {

std::string org_path(const std::string& org) { return "/api/v1/organizations/" + percent_encode(org); }
std::string client_path(const std::string& id) { return "/api/v1/oauth/clients/" + percent_encode(id); }
std::string idp_path(const std::string& org) { return org_path(org) + "/identity-providers"; }

Status done(const Result<json>& r) {
    if (!r) return r.error();
    return Ok{};
}

// A GET that answers 404 is "none".
Result<std::optional<json>> optional_of(const Result<json>& r) {
    if (r) return std::optional<json>(*r);
    if (r.error().code == ErrorCode::not_found) return std::optional<json>();
    return r.error();
}

Result<bool> matches(const Result<json>& r) {
    if (!r) return r.error();
    if (!r->is_object() || !(*r)["matches"].is_boolean()) return make_error(ErrorCode::internal, "januad answered a secret check without matches");
    return (*r)["matches"].get<bool>();
}

// Every page of a list endpoint as one array.
Result<json> all_pages(const ApiCall& call, const std::string& path) {
    json all = json::array();
    std::string cursor;
    const char joiner = path.find('?') == std::string::npos ? '?' : '&';
    for (int page = 0; page < 10000; ++page) {  // bounded, in case a server never ends
        auto got = call("GET", path + joiner + "limit=200" + (cursor.empty() ? "" : "&cursor=" + percent_encode(cursor)), nullptr);
        if (!got) return got.error();
        if (!got->is_object() || !got->contains("data") || !(*got)["data"].is_array())
            return make_error(ErrorCode::internal, "januad answered a list without data");
        for (auto& item : (*got)["data"]) all.push_back(std::move(item));
        const auto next = got->value("next_cursor", json());
        if (!next.is_string() || next.get<std::string>().empty()) break;
        cursor = next.get<std::string>();
    }
    return all;
}

}  // namespace

Target remote_target(ApiCall call) {
    Target t;
    auto list = [call](std::string suffix) {
        return [call, suffix](const std::string& org) { return all_pages(call, org_path(org) + suffix); };
    };
    t.find_organization = [call](auto slug) { return optional_of(call("GET", org_path(slug), nullptr)); };
    t.create_organization = [call](const json& body) { return call("POST", "/api/v1/organizations", body); };
    t.update_organization = [call](auto org, const json& patch) { return call("PATCH", org_path(org), patch); };

    t.roles = list("/roles");
    t.create_role = [call](auto org, const json& body) { return call("POST", org_path(org) + "/roles", body); };
    t.update_role = [call](auto org, auto name, const json& patch) {
        return call("PATCH", org_path(org) + "/roles/" + percent_encode(name), patch);
    };
    t.delete_role = [call](auto org, auto name) { return done(call("DELETE", org_path(org) + "/roles/" + percent_encode(name), nullptr)); };

    t.members = list("/members");
    t.add_member = [call](auto org, auto user, auto role) {
        return call("POST", org_path(org) + "/members", {{"user_id", user}, {"role", role}});
    };
    t.set_member_role = [call](auto org, auto user, auto role) {
        return call("PATCH", org_path(org) + "/members/" + percent_encode(user), {{"role", role}});
    };
    t.remove_member = [call](auto org, auto user) {
        return done(call("DELETE", org_path(org) + "/members/" + percent_encode(user), nullptr));
    };
    t.find_user = [call](auto user) { return optional_of(call("GET", "/api/v1/users/" + percent_encode(user), nullptr)); };

    t.find_client = [call](auto client_id) { return optional_of(call("GET", client_path(client_id), nullptr)); };
    t.list_clients = [call] { return all_pages(call, "/api/v1/oauth/clients"); };
    t.create_client = [call](const json& body) { return call("POST", "/api/v1/oauth/clients", body); };
    t.update_client = [call](auto client_id, const json& patch) { return call("PATCH", client_path(client_id), patch); };
    t.client_secret_matches = [call](auto client_id, auto secret) {
        return matches(call("POST", client_path(client_id) + "/secret/check", {{"client_secret", secret}}));
    };
    t.rotate_client_secret = [call](auto client_id, auto secret, std::optional<int> grace) {
        json body = {{"client_secret", secret}};
        if (grace) body["grace_seconds"] = *grace;
        return call("POST", client_path(client_id) + "/rotate-secret", body);
    };

    t.webhooks = list("/webhooks");
    t.create_webhook = [call](auto org, const json& body) { return call("POST", org_path(org) + "/webhooks", body); };
    t.update_webhook = [call](auto org, auto id, const json& patch) {
        return call("PATCH", org_path(org) + "/webhooks/" + percent_encode(id), patch);
    };
    t.delete_webhook = [call](auto org, auto id) { return done(call("DELETE", org_path(org) + "/webhooks/" + percent_encode(id), nullptr)); };

    t.scim_tokens = list("/scim/tokens");
    t.create_scim_token = [call](auto org, auto name) { return call("POST", org_path(org) + "/scim/tokens", {{"name", name}}); };
    t.revoke_scim_token = [call](auto org, auto id) {
        return done(call("DELETE", org_path(org) + "/scim/tokens/" + percent_encode(id), nullptr));
    };

    t.saml_connection = [call](auto org) { return optional_of(call("GET", org_path(org) + "/sso", nullptr)); };
    t.configure_saml = [call](auto org, const json& body) { return call("PUT", org_path(org) + "/sso", body); };
    t.delete_saml = [call](auto org) { return done(call("DELETE", org_path(org) + "/sso", nullptr)); };

    t.identity_providers = list("/identity-providers");
    t.create_identity_provider = [call](auto org, const json& body) { return call("POST", idp_path(org), body); };
    t.update_identity_provider = [call](auto org, auto id, const json& patch) {
        return call("PATCH", idp_path(org) + "/" + percent_encode(id), patch);
    };
    t.delete_identity_provider = [call](auto org, auto id) { return done(call("DELETE", idp_path(org) + "/" + percent_encode(id), nullptr)); };
    t.identity_provider_secret_matches = [call](auto org, auto id, auto secret) {
        return matches(call("POST", idp_path(org) + "/" + percent_encode(id) + "/client-secret/check", {{"client_secret", secret}}));
    };
    return t;
}

}  // namespace janua::provisioning
