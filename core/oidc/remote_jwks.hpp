#pragma once
// A client's JWK Set fetched from its jwks_uri (RFC 7591 2, OIDC Core 10.1.1), for private_key_jwt.
// Anyone who can register a client chooses this URL, so the fetch has the webhook SSRF defences:
// https only, every resolved address must be public (unless OAUTH_JWKS_URI_ALLOW_PRIVATE, for
// tests and development, which also permits plain http) and the connection is pinned to the
// address checked; no proxy, no redirects, a size cap and a timeout. The client only ever learns
// that the set could not be used; why (refused address, status, transport error) goes to the log,
// so the fetch cannot serve as a port scanner. Cached per client for a TTL; a kid the
// cached set lacks (the client rotated its key) triggers a refetch, at most once per
// min_refetch_seconds so that forged kids cannot make januad hammer the client's server.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace janua::oidc {

struct RemoteJwksOptions {
    int ttl_seconds = 300;
    int min_refetch_seconds = 10;
    long timeout_ms = 5000;
    std::size_t max_bytes = 64 * 1024;
    bool allow_private = false;
};

// GET `uri` and parse a JWK Set from it. Fails (unavailable, one public message, the reason in
// the error's detail) on a refused destination, a transport error, a status other than 200, a
// body over `max_bytes`, or a document that is not {"keys": [...]}.
Result<nlohmann::json> fetch_jwks(const std::string& uri, const RemoteJwksOptions& options);

class RemoteJwksCache {
public:
    explicit RemoteJwksCache(RemoteJwksOptions options = {}) : m_options(options) {}

    // The key set for this client: from the cache while fresh and (when `kid` is given) holding
    // that kid; otherwise fetched again, rate-limited. A failed refetch falls back to a set still
    // in the cache.
    Result<nlohmann::json> keys(const std::string& client_id, const std::string& uri, const std::optional<std::string>& kid);

private:
    struct Entry {
        std::string uri;
        nlohmann::json jwks;
        std::chrono::steady_clock::time_point fetched_at;
        std::chrono::steady_clock::time_point last_attempt;
    };
    RemoteJwksOptions m_options;
    std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;
};

}  // namespace janua::oidc
