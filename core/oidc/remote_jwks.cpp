#include "core/oidc/remote_jwks.hpp"

#include "core/webhooks/destination.hpp"
#include "core/webhooks/http_post.hpp"

namespace janua::oidc {
namespace {

Error unusable(std::string why) {
    return make_error(ErrorCode::unavailable, "the client's jwks_uri could not be used", std::move(why));
}

}  // namespace

Result<nlohmann::json> fetch_jwks(const std::string& uri, const RemoteJwksOptions& options) {
    if (auto ok = webhooks::check_url(uri, options.allow_private); !ok) return unusable("jwks_uri " + ok.error().message);
    auto url = webhooks::parse_url(uri);
    if (!url) return unusable("jwks_uri " + url.error().message);
    auto destination = webhooks::resolve(*url, options.allow_private);
    if (!destination) return unusable("jwks_uri " + destination.error().message + " " + destination.error().detail);
    auto response = webhooks::get(*destination, uri, options.max_bytes, options.timeout_ms);
    if (!response.received) return unusable("jwks_uri fetch failed: " + response.error);
    if (response.http_status != 200) return unusable("jwks_uri answered HTTP " + std::to_string(response.http_status));
    auto jwks = nlohmann::json::parse(response.body, nullptr, false);
    if (jwks.is_discarded() || !jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
        return unusable("jwks_uri did not return a JWK Set");
    return jwks;
}

Result<nlohmann::json> RemoteJwksCache::keys(const std::string& client_id, const std::string& uri,
                                             const std::optional<std::string>& kid) {
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
        auto it = m_entries.find(client_id);
        if (it != m_entries.end() && it->second.uri == uri) {
            const auto& e = it->second;
            const bool fresh = now - e.fetched_at < std::chrono::seconds(m_options.ttl_seconds);
            if (fresh && has_kid(e.jwks)) return e.jwks;
            cached = e.jwks;
            // Refetch at most once per min_refetch_seconds, whatever kids arrive.
            if (now - e.last_attempt < std::chrono::seconds(m_options.min_refetch_seconds)) return e.jwks;
            it->second.last_attempt = now;
        }
    }
    // The fetch runs outside the lock: one slow key server must not stall other clients.
    auto fetched = fetch_jwks(uri, m_options);
    std::lock_guard lock(m_mutex);
    if (!fetched) {
        if (cached) return *cached;
        // Remember the failure too, so a dead server is not asked on every request.
        m_entries[client_id] = Entry{uri, nlohmann::json{{"keys", nlohmann::json::array()}}, now - std::chrono::seconds(m_options.ttl_seconds), now};
        return fetched.error();
    }
    m_entries[client_id] = Entry{uri, *fetched, now, now};
    return *fetched;
}

}  // namespace janua::oidc
