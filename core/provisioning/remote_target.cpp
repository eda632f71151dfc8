#include "core/provisioning/remote_target.hpp"

namespace janua::provisioning {
namespace {

std::string encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string org_path(const std::string& org) { return "/api/v1/organizations/" + encode(org); }
std::string client_path(const std::string& id) { return "/api/v1/oauth/clients/" + encode(id); }

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

}  // namespace

Result<json> RemoteTarget::all_pages(const std::string& path) {
    json all = json::array();
    std::string cursor;
    const char joiner = path.find('?') == std::string::npos ? '?' : '&';
    for (int page = 0; page < 10000; ++page) {  // bounded, in case a server never ends
        auto got = m_call("GET", path + joiner + "limit=200" + (cursor.empty() ? "" : "&cursor=" + encode(cursor)), nullptr);
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

Result<std::optional<json>> RemoteTarget::find_organization(const std::string& slug) {
    return optional_of(m_call("GET", org_path(slug), nullptr));
}
Result<json> RemoteTarget::create_organization(const json& body) { return m_call("POST", "/api/v1/organizations", body); }
Result<json> RemoteTarget::update_organization(const std::string& org_id, const json& patch) {
    return m_call("PATCH", org_path(org_id), patch);
}
Result<json> RemoteTarget::roles(const std::string& org_id) { return all_pages(org_path(org_id) + "/roles"); }
Result<json> RemoteTarget::create_role(const std::string& org_id, const json& body) {
    return m_call("POST", org_path(org_id) + "/roles", body);
}
Result<json> RemoteTarget::update_role(const std::string& org_id, const std::string& name, const json& patch) {
    return m_call("PATCH", org_path(org_id) + "/roles/" + encode(name), patch);
}
Status RemoteTarget::delete_role(const std::string& org_id, const std::string& name) {
    return done(m_call("DELETE", org_path(org_id) + "/roles/" + encode(name), nullptr));
}
Result<json> RemoteTarget::members(const std::string& org_id) { return all_pages(org_path(org_id) + "/members"); }
Result<json> RemoteTarget::add_member(const std::string& org_id, const std::string& user, const std::string& role) {
    return m_call("POST", org_path(org_id) + "/members", {{"user_id", user}, {"role", role}});
}
Result<json> RemoteTarget::set_member_role(const std::string& org_id, const std::string& user, const std::string& role) {
    return m_call("PATCH", org_path(org_id) + "/members/" + encode(user), {{"role", role}});
}
Status RemoteTarget::remove_member(const std::string& org_id, const std::string& user) {
    return done(m_call("DELETE", org_path(org_id) + "/members/" + encode(user), nullptr));
}
Result<std::optional<json>> RemoteTarget::find_user(const std::string& user) {
    return optional_of(m_call("GET", "/api/v1/users/" + encode(user), nullptr));
}
Result<std::optional<json>> RemoteTarget::find_client(const std::string& client_id) {
    return optional_of(m_call("GET", client_path(client_id), nullptr));
}
Result<json> RemoteTarget::list_clients() { return all_pages("/api/v1/oauth/clients"); }
Result<json> RemoteTarget::create_client(const json& body) { return m_call("POST", "/api/v1/oauth/clients", body); }
Result<json> RemoteTarget::update_client(const std::string& client_id, const json& patch) {
    return m_call("PATCH", client_path(client_id), patch);
}
Result<json> RemoteTarget::webhooks(const std::string& org_id) { return all_pages(org_path(org_id) + "/webhooks"); }
Result<json> RemoteTarget::create_webhook(const std::string& org_id, const json& body) {
    return m_call("POST", org_path(org_id) + "/webhooks", body);
}
Result<json> RemoteTarget::update_webhook(const std::string& org_id, const std::string& id, const json& patch) {
    return m_call("PATCH", org_path(org_id) + "/webhooks/" + encode(id), patch);
}
Status RemoteTarget::delete_webhook(const std::string& org_id, const std::string& id) {
    return done(m_call("DELETE", org_path(org_id) + "/webhooks/" + encode(id), nullptr));
}
Result<json> RemoteTarget::scim_tokens(const std::string& org_id) { return all_pages(org_path(org_id) + "/scim/tokens"); }
Result<json> RemoteTarget::create_scim_token(const std::string& org_id, const std::string& name) {
    return m_call("POST", org_path(org_id) + "/scim/tokens", {{"name", name}});
}
Status RemoteTarget::revoke_scim_token(const std::string& org_id, const std::string& id) {
    return done(m_call("DELETE", org_path(org_id) + "/scim/tokens/" + encode(id), nullptr));
}

}  // namespace janua::provisioning
