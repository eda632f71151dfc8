// Dynamic client registration (RFC 7591) and its management protocol (RFC 7592), behind
// OAUTH_DYNAMIC_REGISTRATION_ENABLED. Metadata goes through the same rules as an operator's
// registration (client_rules); self-registered clients never skip consent.
#include "core/audit/audit.hpp"
#include "core/common/time.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "core/oidc/client_rules.hpp"
#include "core/oidc/provider.hpp"
#include "core/oidc/scopes.hpp"
#include "core/webhooks/destination.hpp"

#include <strings.h>

namespace janua::oidc {
namespace {

using nlohmann::json;

constexpr db::Statement k_insert_token{
    "registration_insert_token", "INSERT INTO oauth_client_registrations (client_id, access_token_hash) VALUES ($1, $2)"};
constexpr db::Statement k_token_hash{"registration_token_hash",
                                     "SELECT access_token_hash FROM oauth_client_registrations WHERE client_id = $1"};

OAuthError metadata_error(const std::string& description, const char* error = "invalid_client_metadata") {
    return {error, description, 400};
}

std::string bearer_of(const std::string& authorization) {
    if (authorization.size() < 8 || strncasecmp(authorization.c_str(), "Bearer ", 7) != 0) return {};
    return authorization.substr(7);
}

// RFC 7591 metadata -> the body of an operator registration (client.hpp). Every setting is
// given, so an RFC 7592 update replaces the registration as a whole. Unknown members are
// ignored, as RFC 7591 2 asks.
std::variant<json, OAuthError> to_client_body(const json& metadata) {
    if (!metadata.is_object()) return metadata_error("the body must be a JSON object");
    auto strings = [&](const char* name, json fallback) -> std::variant<json, OAuthError> {
        if (!metadata.contains(name) || metadata[name].is_null()) return fallback;
        const auto& v = metadata[name];
        if (!v.is_array()) return metadata_error(std::string(name) + " must be an array of strings");
        for (const auto& item : v)
            if (!item.is_string()) return metadata_error(std::string(name) + " must be an array of strings");
        return v;
    };
    json body = json::object();
    const char* lists[][2] = {{"redirect_uris", "redirect_uris"},
                              {"post_logout_redirect_uris", "post_logout_redirect_uris"},
                              {"grant_types", "grant_types"},
                              {"response_types", "response_types"}};
    for (const auto& [from, to] : lists) {
        auto v = strings(from, std::string(from) == "grant_types" ? json::array({k_grant_authorization_code}) : json::array());
        if (auto* e = std::get_if<OAuthError>(&v)) return *e;
        body[to] = std::get<json>(v);
    }
    if (metadata.contains("response_types") && metadata["response_types"].is_array() && metadata["response_types"].empty())
        body.erase("response_types");
    else if (!metadata.contains("response_types") || metadata["response_types"].is_null())
        body.erase("response_types");  // derived from the grant types
    auto text = [&](const char* name) -> std::variant<std::optional<std::string>, OAuthError> {
        if (!metadata.contains(name) || metadata[name].is_null()) return std::optional<std::string>{};
        if (!metadata[name].is_string()) return metadata_error(std::string(name) + " must be a string");
        return std::optional<std::string>(metadata[name].get<std::string>());
    };
    auto name = text("client_name");
    if (auto* e = std::get_if<OAuthError>(&name)) return *e;
    const auto given_name = std::get<std::optional<std::string>>(name);
    body["name"] = given_name && !given_name->empty() ? *given_name : "Dynamically registered client";
    auto method = text("token_endpoint_auth_method");
    if (auto* e = std::get_if<OAuthError>(&method)) return *e;
    body["token_endpoint_auth_method"] = std::get<std::optional<std::string>>(method).value_or(k_auth_client_secret_basic);
    auto scope = text("scope");
    if (auto* e = std::get_if<OAuthError>(&scope)) return *e;
    body["scopes"] = parse_scope(std::get<std::optional<std::string>>(scope).value_or("openid"));
    auto jwks_uri = text("jwks_uri");
    if (auto* e = std::get_if<OAuthError>(&jwks_uri)) return *e;
    body["jwks_uri"] = std::get<std::optional<std::string>>(jwks_uri) ? json(*std::get<std::optional<std::string>>(jwks_uri)) : json(nullptr);
    body["jwks"] = metadata.contains("jwks") ? metadata["jwks"] : json(nullptr);
    if (metadata.contains("require_pushed_authorization_requests")) {
        if (!metadata["require_pushed_authorization_requests"].is_boolean())
            return metadata_error("require_pushed_authorization_requests must be true or false");
        body["require_pushed_authorization_requests"] = metadata["require_pushed_authorization_requests"];
    } else {
        body["require_pushed_authorization_requests"] = false;
    }
    body["require_consent"] = true;  // a client that registered itself is never first-party
    body["enabled"] = true;
    return body;
}

// A client-rules validation error as RFC 7591 3.2.2 names it.
OAuthError from_rules_error(const Error& error) {
    const bool redirect = error.details.is_array() && !error.details.empty() &&
                          error.details[0].value("field", "").rfind("redirect_uris", 0) == 0;
    std::string description = error.message;
    if (error.details.is_array() && !error.details.empty())
        description = error.details[0].value("field", "") + ": " + error.details[0].value("message", error.message);
    return metadata_error(description, redirect ? "invalid_redirect_uri" : "invalid_client_metadata");
}

// A self-registered jwks_uri names a host januad will later connect to: refuse private and
// loopback literals at once (resolved names are checked again at every fetch).
std::optional<OAuthError> jwks_uri_destination_problem(const json& body, bool allow_private) {
    if (!body.contains("jwks_uri") || !body["jwks_uri"].is_string()) return std::nullopt;
    if (auto ok = webhooks::check_url(body["jwks_uri"].get<std::string>(), allow_private); !ok)
        return metadata_error("jwks_uri " + ok.error().message);
    return std::nullopt;
}

}  // namespace

json Provider::registration_metadata(const OAuthClient& client) const {
    json out = {{"client_id", client.client_id},
                {"client_name", client.name},
                {"client_id_issued_at", parse_rfc3339(client.created_at).value_or(0)},
                {"redirect_uris", client.redirect_uris},
                {"post_logout_redirect_uris", client.post_logout_redirect_uris},
                {"grant_types", client.grant_types},
                {"response_types", client.response_types},
                {"token_endpoint_auth_method", client.token_endpoint_auth_method},
                {"scope", join_scope(client.scopes)},
                {"require_pushed_authorization_requests", client.require_pushed_authorization_requests},
                {"registration_client_uri", endpoint("/oauth/register/" + client.client_id)}};
    if (!client.jwks.is_null()) out["jwks"] = client.jwks;
    if (client.jwks_uri) out["jwks_uri"] = *client.jwks_uri;
    if (client.uses_secret()) out["client_secret_expires_at"] = 0;  // secrets do not expire
    return out;
}

RegistrationResult Provider::register_client(const std::string& authorization, const json& metadata,
                                             const identity::RequestMeta& meta) {
    if (!m_settings.registration_initial_access_token.empty()) {
        const auto presented = bearer_of(authorization);
        if (presented.empty() ||
            !crypto::constant_time_equals(crypto::sha256(presented), crypto::sha256(m_settings.registration_initial_access_token)))
            return OAuthError{"invalid_token", "registration needs the initial access token as a Bearer token", 401};
    }
    auto body = to_client_body(metadata);
    if (auto* e = std::get_if<OAuthError>(&body)) return *e;
    if (auto refused = jwks_uri_destination_problem(std::get<json>(body), m_settings.jwks_uri_allow_private)) return *refused;
    auto spec = client_spec_from_json(std::get<json>(body));
    if (!spec) return from_rules_error(spec.error());

    const std::string registration_token = crypto::random_token(32);
    Actor actor;
    actor.type = "anonymous";
    actor.ip = meta.ip;
    actor.request_id = meta.request_id;
    auto created = m_clients.create(*spec, actor, [&](db::Transaction& tx, const OAuthClient& client) {
        tx.exec(k_insert_token, client.client_id, pqxx::binarystring(crypto::sha256(registration_token)));
        audit::Event e;
        e.action = "oauth.client_registered";
        e.actor_type = "anonymous";
        e.target_type = "client";
        e.target_id = client.client_id;
        e.ip_address = meta.ip;
        e.user_agent = meta.user_agent;
        e.request_id = meta.request_id;
        e.details = {{"via", "dynamic_registration"}, {"redirect_uris", client.redirect_uris}};
        audit::record(tx, e);
    });
    if (!created) return from_rules_error(created.error());
    json out = registration_metadata(created->client);
    if (created->client_secret) out["client_secret"] = *created->client_secret;
    out["registration_access_token"] = registration_token;
    return RegistrationResponse{201, out};
}

std::optional<OAuthError> Provider::check_registration_token(const std::string& client_id, const std::string& authorization) {
    // One answer for every failure: a caller learns nothing about which clients exist.
    const OAuthError refused{"invalid_token", "the registration access token is not valid for this client", 401};
    const auto presented = bearer_of(authorization);
    if (presented.empty() || !is_valid_client_id(client_id)) return refused;
    auto rows = m_pool.transact([&](db::Transaction& tx) { return tx.exec(k_token_hash, client_id); });
    const std::string stored = rows.empty() ? std::string(32, '\0') : pqxx::binarystring(rows[0][0]).str();
    const bool match = crypto::constant_time_equals(crypto::sha256(presented), stored);
    if (rows.empty() || !match) return refused;
    return std::nullopt;
}

RegistrationResult Provider::read_registration(const std::string& client_id, const std::string& authorization) {
    if (auto refused = check_registration_token(client_id, authorization)) return *refused;
    auto client = m_clients.get(client_id);
    if (!client) return OAuthError{"invalid_token", "the registration access token is not valid for this client", 401};
    return RegistrationResponse{200, registration_metadata(*client)};
}

RegistrationResult Provider::update_registration(const std::string& client_id, const std::string& authorization,
                                                 const json& metadata, const identity::RequestMeta& meta) {
    if (auto refused = check_registration_token(client_id, authorization)) return *refused;
    if (!metadata.is_object()) return metadata_error("the body must be a JSON object");
    // RFC 7592 2.2: the body names the client it updates.
    if (metadata.value("client_id", json()) != client_id) return metadata_error("client_id must be the registered client_id");
    auto body = to_client_body(metadata);
    if (auto* e = std::get_if<OAuthError>(&body)) return *e;
    if (auto refused = jwks_uri_destination_problem(std::get<json>(body), m_settings.jwks_uri_allow_private)) return *refused;
    Actor actor;
    actor.type = "client";  // the client itself, holding its registration access token
    actor.id = client_id;
    actor.ip = meta.ip;
    actor.request_id = meta.request_id;
    auto updated = m_clients.update(client_id, std::get<json>(body), actor);
    if (!updated) {
        if (updated.error().code == ErrorCode::not_found)
            return OAuthError{"invalid_token", "the registration access token is not valid for this client", 401};
        return from_rules_error(updated.error());
    }
    return RegistrationResponse{200, registration_metadata(*updated)};
}

RegistrationResult Provider::delete_registration(const std::string& client_id, const std::string& authorization,
                                                 const identity::RequestMeta& meta) {
    if (auto refused = check_registration_token(client_id, authorization)) return *refused;
    Actor actor;
    actor.type = "client";  // the client itself, holding its registration access token
    actor.id = client_id;
    actor.ip = meta.ip;
    actor.request_id = meta.request_id;
    auto removed = m_clients.remove(client_id, actor);
    if (!removed) return OAuthError{"invalid_token", "the registration access token is not valid for this client", 401};
    return RegistrationResponse{204, json(nullptr)};
}

}  // namespace janua::oidc
