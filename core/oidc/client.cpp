#include "core/oidc/client.hpp"

#include "core/oidc/client_rules.hpp"

#include <algorithm>
#include <climits>
#include <set>

namespace janua::oidc {
namespace {

using nlohmann::json;

json optional_text(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }
json optional_number(const std::optional<int>& value) { return value ? json(*value) : json(nullptr); }

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Reads typed members of a request body, noting one problem per member of the wrong type.
class BodyReader {
public:
    explicit BodyReader(const json& body) : m_body(body) {}

    bool has(const char* key) const { return m_body.contains(key); }

    // A string; nullopt when absent, null, or of the wrong type (then a problem is noted).
    std::optional<std::string> text(const char* key) {
        if (!has(key) || m_body[key].is_null()) return std::nullopt;
        if (!m_body[key].is_string()) {
            problem(key, "type", "must be a string");
            return std::nullopt;
        }
        return m_body[key].get<std::string>();
    }

    std::optional<std::vector<std::string>> texts(const char* key) {
        if (!has(key)) return std::nullopt;
        const auto& value = m_body[key];
        if (value.is_null()) return std::vector<std::string>{};
        if (!value.is_array() || !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); })) {
            problem(key, "type", "must be an array of strings");
            return std::nullopt;
        }
        return value.get<std::vector<std::string>>();
    }

    std::optional<bool> boolean(const char* key) {
        if (!has(key)) return std::nullopt;
        if (!m_body[key].is_boolean()) {
            problem(key, "type", "must be true or false");
            return std::nullopt;
        }
        return m_body[key].get<bool>();
    }

    // An optional integer member into `out` (null clears it); false when absent or wrong.
    bool number(const char* key, std::optional<int>& out) {
        if (!has(key)) return false;
        const auto& value = m_body[key];
        if (value.is_null()) {
            out.reset();
            return true;
        }
        if (!value.is_number_integer() || value.get<long long>() < INT_MIN || value.get<long long>() > INT_MAX) {
            problem(key, "type", "must be an integer");
            return false;
        }
        out = value.get<int>();
        return true;
    }

    void problem(const std::string& field, const std::string& rule, const std::string& message) {
        m_details.push_back({{"field", field}, {"rule", rule}, {"message", message}});
    }

    void refuse_unknown(const std::set<std::string>& known) {
        for (const auto& [key, value] : m_body.items())
            if (!known.count(key)) problem(key, "unknown_field", "is not a client setting");
    }

    const json& details() const { return m_details; }

private:
    const json& m_body;
    json m_details = json::array();
};

const std::set<std::string> k_settings = {"name",
                                          "token_endpoint_auth_method",
                                          "redirect_uris",
                                          "post_logout_redirect_uris",
                                          "grant_types",
                                          "response_types",
                                          "scopes",
                                          "jwks",
                                          "jwks_uri",
                                          "access_token_ttl_seconds",
                                          "refresh_token_ttl_seconds",
                                          "require_consent",
                                          "enabled",
                                          "require_pushed_authorization_requests"};

// The members a registration and a patch share.
void read_settings(BodyReader& in, const json& body, ClientSpec& spec) {
    if (in.has("name")) {
        if (auto name = in.text("name")) spec.name = *name;
        else if (body["name"].is_null()) in.problem("name", "required", "must not be empty");
    }
    if (in.has("token_endpoint_auth_method")) spec.token_endpoint_auth_method = in.text("token_endpoint_auth_method").value_or("");
    if (auto v = in.texts("redirect_uris")) spec.redirect_uris = *v;
    if (auto v = in.texts("post_logout_redirect_uris")) spec.post_logout_redirect_uris = *v;
    if (auto v = in.texts("grant_types")) spec.grant_types = *v;
    if (auto v = in.texts("response_types")) spec.response_types = *v;
    if (auto v = in.texts("scopes")) spec.scopes = *v;
    if (in.has("jwks")) {
        if (body["jwks"].is_null() || body["jwks"].is_object()) spec.jwks = body["jwks"];
        else in.problem("jwks", "type", "must be a JSON Web Key Set object");
    }
    if (in.has("jwks_uri")) spec.jwks_uri = in.text("jwks_uri");
    in.number("access_token_ttl_seconds", spec.access_token_ttl_seconds);
    in.number("refresh_token_ttl_seconds", spec.refresh_token_ttl_seconds);
    if (auto v = in.boolean("require_consent")) spec.require_consent = *v;
    if (auto v = in.boolean("enabled")) spec.enabled = *v;
    if (auto v = in.boolean("require_pushed_authorization_requests")) spec.require_pushed_authorization_requests = *v;
}

}  // namespace

bool OAuthClient::has_grant(const std::string& grant_type) const { return contains(grant_types, grant_type); }
bool OAuthClient::allows_redirect_uri(const std::string& uri) const { return contains(redirect_uris, uri); }
bool OAuthClient::allows_post_logout_redirect_uri(const std::string& uri) const {
    return contains(post_logout_redirect_uris, uri);
}
bool OAuthClient::uses_secret() const {
    return token_endpoint_auth_method == k_auth_client_secret_basic || token_endpoint_auth_method == k_auth_client_secret_post;
}

json to_json(const OAuthClient& c) {
    return {
        {"id", c.id},
        {"client_id", c.client_id},
        {"name", c.name},
        {"organization_id", optional_text(c.organization_id)},
        {"is_public", c.is_public},
        {"token_endpoint_auth_method", c.token_endpoint_auth_method},
        {"redirect_uris", c.redirect_uris},
        {"post_logout_redirect_uris", c.post_logout_redirect_uris},
        {"grant_types", c.grant_types},
        {"response_types", c.response_types},
        {"scopes", c.scopes},
        {"jwks", c.jwks},
        {"jwks_uri", optional_text(c.jwks_uri)},
        {"access_token_ttl_seconds", optional_number(c.access_token_ttl_seconds)},
        {"refresh_token_ttl_seconds", optional_number(c.refresh_token_ttl_seconds)},
        {"require_consent", c.require_consent},
        {"enabled", c.enabled},
        {"require_pushed_authorization_requests", c.require_pushed_authorization_requests},
        {"created_by", optional_text(c.created_by)},
        {"previous_secret_expires_at",
         c.previous_secret_expires_at.empty() ? json(nullptr) : json(c.previous_secret_expires_at)},
        {"created_at", c.created_at},
        {"updated_at", c.updated_at},
    };
}

Result<ClientSpec> client_spec_from_json(const json& body) {
    if (!body.is_object()) return make_error(ErrorCode::bad_request, "the body must be a JSON object");
    BodyReader in(body);
    auto known = k_settings;
    known.insert({"client_id", "is_public", "client_secret"});
    in.refuse_unknown(known);

    ClientSpec spec;
    if (!in.has("name")) in.problem("name", "required", "is required");
    read_settings(in, body, spec);
    spec.client_id = in.text("client_id");
    if (auto v = in.boolean("is_public")) spec.is_public = *v;
    // A client registered with method "none" is a public client (RFC 7591 2).
    else if (!in.has("is_public") && spec.token_endpoint_auth_method == k_auth_none) spec.is_public = true;
    spec.secret = in.text("client_secret");
    if (!in.details().empty()) return client_validation_error(in.details());
    return spec;
}

ClientSpec spec_of(const OAuthClient& client) {
    ClientSpec spec;
    spec.client_id = client.client_id;
    spec.name = client.name;
    spec.is_public = client.is_public;
    spec.token_endpoint_auth_method = client.token_endpoint_auth_method;
    spec.redirect_uris = client.redirect_uris;
    spec.post_logout_redirect_uris = client.post_logout_redirect_uris;
    spec.grant_types = client.grant_types;
    spec.response_types = std::nullopt;  // derived again from the grant types
    spec.scopes = client.scopes;
    spec.jwks = client.jwks;
    spec.jwks_uri = client.jwks_uri;
    spec.access_token_ttl_seconds = client.access_token_ttl_seconds;
    spec.refresh_token_ttl_seconds = client.refresh_token_ttl_seconds;
    spec.require_consent = client.require_consent;
    spec.enabled = client.enabled;
    spec.require_pushed_authorization_requests = client.require_pushed_authorization_requests;
    return spec;
}

Result<ClientSpec> apply_client_patch(ClientSpec current, const json& patch) {
    if (!patch.is_object()) return make_error(ErrorCode::bad_request, "the body must be a JSON object");
    BodyReader in(patch);
    auto known = k_settings;
    known.insert({"client_id", "is_public", "client_secret"});
    in.refuse_unknown(known);
    if (patch.contains("client_secret"))
        in.problem("client_secret", "use_rotate_secret", "changes only with POST /api/v1/oauth/clients/{client_id}/rotate-secret");
    if (patch.contains("client_id") && patch["client_id"] != current.client_id.value_or(""))
        in.problem("client_id", "immutable", "cannot change; register a new client instead");
    if (patch.contains("is_public") && patch["is_public"] != current.is_public)
        in.problem("is_public", "immutable", "cannot change; register a new client instead");
    read_settings(in, patch, current);
    if (!in.details().empty()) return client_validation_error(in.details());
    return current;
}

}  // namespace janua::oidc
