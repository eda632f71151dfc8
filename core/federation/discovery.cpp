#include "core/federation/discovery.hpp"

namespace janua::federation {
namespace {

Error metadata_error(const std::string& message) {
    return make_error(ErrorCode::sso_metadata, "the identity provider's discovery document " + message);
}

std::string trim_slash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

}  // namespace

Result<ProviderMetadata> parse_metadata(const nlohmann::json& doc, const std::string& configured_issuer) {
    if (!doc.is_object()) return metadata_error("is not a JSON object");
    auto text = [&](const char* name) -> std::string {
        return doc.contains(name) && doc[name].is_string() ? doc[name].get<std::string>() : std::string();
    };
    ProviderMetadata m;
    m.issuer = text("issuer");
    // Microsoft's multi-tenant documents name a template; the ID token's tid completes it.
    const bool templated = m.issuer.find("{tenantid}") != std::string::npos;
    if (m.issuer.empty()) return metadata_error("has no issuer");
    if (!templated && trim_slash(m.issuer) != trim_slash(configured_issuer))
        return metadata_error("names the issuer '" + m.issuer + "', not the configured '" + configured_issuer +
                              "'; correct the provider's issuer");
    m.authorization_endpoint = text("authorization_endpoint");
    m.token_endpoint = text("token_endpoint");
    m.userinfo_endpoint = text("userinfo_endpoint");
    m.jwks_uri = text("jwks_uri");
    if (m.authorization_endpoint.empty() || m.token_endpoint.empty() || m.jwks_uri.empty())
        return metadata_error("lacks authorization_endpoint, token_endpoint or jwks_uri");
    m.iss_parameter_supported = doc.value("authorization_response_iss_parameter_supported", false) == true;
    return m;
}

Result<nlohmann::json> DiscoveryCache::get_json(const std::string& url, const char* what) {
    UpstreamRequest request;
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    auto reply = upstream_fetch(request, m_policy);
    if (!reply) return reply.error();
    if (reply->status != 200)
        return make_error(ErrorCode::sso_metadata, std::string("the identity provider's ") + what + " at " + url +
                                                      " answered HTTP " + std::to_string(reply->status));
    auto parsed = nlohmann::json::parse(reply->body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return make_error(ErrorCode::sso_metadata, std::string("the identity provider's ") + what + " at " + url + " is not JSON");
    return parsed;
}

Result<ProviderMetadata> DiscoveryCache::metadata(const IdentityProvider& p) {
    auto override_with = [&](ProviderMetadata m) {
        if (p.authorization_endpoint) m.authorization_endpoint = *p.authorization_endpoint;
        if (p.token_endpoint) m.token_endpoint = *p.token_endpoint;
        if (p.userinfo_endpoint) m.userinfo_endpoint = *p.userinfo_endpoint;
        return m;
    };
    if (p.protocol != "oidc") {
        ProviderMetadata m;
        return override_with(m);
    }
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(m_mutex);
        auto it = m_metadata.find(p.id);
        if (it != m_metadata.end() && it->second.config_stamp == p.updated_at &&
            now - it->second.fetched_at < std::chrono::seconds(m_ttl))
            return override_with(it->second.metadata);
    }
    const std::string url = trim_slash(p.issuer.value_or("")) + "/.well-known/openid-configuration";
    auto doc = get_json(url, "discovery document");
    if (!doc) return doc.error();
    auto parsed = parse_metadata(*doc, *p.issuer);
    if (!parsed) return parsed.error();
    std::lock_guard lock(m_mutex);
    m_metadata[p.id] = CachedMetadata{p.updated_at, *parsed, now};
    return override_with(*parsed);
}

Result<nlohmann::json> DiscoveryCache::keys(const std::string& jwks_uri, const std::optional<std::string>& kid) {
    const auto now = std::chrono::steady_clock::now();
    auto has_kid = [&](const nlohmann::json& jwks) {
        if (!kid) return true;
        for (const auto& key : jwks["keys"])
            if (key.is_object() && key.value("kid", nlohmann::json()) == *kid) return true;
        return false;
    };
    std::optional<nlohmann::json> cached;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_keys.find(jwks_uri);
        if (it != m_keys.end()) {
            const bool fresh = now - it->second.fetched_at < std::chrono::seconds(m_ttl);
            if (fresh && has_kid(it->second.jwks)) return it->second.jwks;
            cached = it->second.jwks;
            if (now - it->second.last_attempt < std::chrono::seconds(m_min_refetch)) return it->second.jwks;
            it->second.last_attempt = now;
        }
    }
    auto fetched = get_json(jwks_uri, "JWK Set");
    if (fetched && (!fetched->contains("keys") || !(*fetched)["keys"].is_array()))
        fetched = make_error(ErrorCode::sso_metadata, "the identity provider's jwks_uri did not return a JWK Set");
    std::lock_guard lock(m_mutex);
    if (!fetched) {
        if (cached) return *cached;
        return fetched.error();
    }
    m_keys[jwks_uri] = CachedKeys{*fetched, now, now};
    return *fetched;
}

void DiscoveryCache::forget(const std::string& provider_id) {
    std::lock_guard lock(m_mutex);
    m_metadata.erase(provider_id);
}

}  // namespace janua::federation
