#pragma once
// An upstream OpenID Provider's metadata (OpenID Connect Discovery 1.0) and signing keys, fetched
// through upstream_fetch and cached per provider. The metadata's issuer must be the configured one,
// character for character (Discovery 4.3), or the provider is refused: a look-alike document
// cannot redirect where codes and tokens go. A JWKS without the kid an ID token names is fetched
// again, at most once per min_refetch_seconds, so forged kids cannot make januad hammer the issuer.

#include "core/common/result.hpp"
#include "core/federation/provider.hpp"
#include "core/federation/upstream_http.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace janua::federation {

struct ProviderMetadata {
    std::string issuer;  // as the metadata states it (may hold Microsoft's "{tenantid}" template)
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string userinfo_endpoint;  // may be empty
    std::string jwks_uri;
    bool iss_parameter_supported = false;  // RFC 9207: the callback must then carry iss
};

// Parse and check a discovery document for `configured_issuer`.
Result<ProviderMetadata> parse_metadata(const nlohmann::json& document, const std::string& configured_issuer);

class DiscoveryCache {
public:
    DiscoveryCache(UpstreamPolicy policy, int ttl_seconds = 600, int min_refetch_seconds = 10)
        : m_policy(policy), m_ttl(ttl_seconds), m_min_refetch(min_refetch_seconds) {}

    // The endpoints to use for `provider`: from discovery for OIDC (configured endpoints win),
    // from the configuration for OAuth 2.0.
    Result<ProviderMetadata> metadata(const IdentityProvider& provider);
    // The JWK Set at `jwks_uri`, holding `kid` if one is asked for and the issuer has it.
    Result<nlohmann::json> keys(const std::string& jwks_uri, const std::optional<std::string>& kid);
    // Drop what is cached for a provider whose configuration changed.
    void forget(const std::string& provider_id);

    const UpstreamPolicy& policy() const { return m_policy; }

private:
    struct CachedMetadata {
        std::string config_stamp;  // provider.updated_at: a changed configuration refetches
        ProviderMetadata metadata;
        std::chrono::steady_clock::time_point fetched_at;
    };
    struct CachedKeys {
        nlohmann::json jwks;
        std::chrono::steady_clock::time_point fetched_at;
        std::chrono::steady_clock::time_point last_attempt;
    };
    Result<nlohmann::json> get_json(const std::string& url, const char* what);

    UpstreamPolicy m_policy;
    int m_ttl;
    int m_min_refetch;
    std::mutex m_mutex;
    std::map<std::string, CachedMetadata> m_metadata;
    std::map<std::string, CachedKeys> m_keys;
};

}  // namespace janua::federation
