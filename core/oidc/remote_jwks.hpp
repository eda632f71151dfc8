#pragma once
// A client's JWK Set fetched from its jwks_uri (RFC 7591 2, OIDC Core 10.1.1), for private_key_jwt.
// Fetched with libcurl over https only (plain http only for localhost and 127.0.0.1, so tests can
// serve one), with a size cap, a timeout and no redirects. Cached per client for a TTL; a kid the
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
};

// GET `uri` and parse a JWK Set from it. Fails (unavailable) on a transport error, a status other
// than 200, a body over `max_bytes`, or a document that is not {"keys": [...]}.
Result<nlohmann::json> fetch_jwks(const std::string& uri, const RemoteJwksOptions& options);

// Whether `uri` may be fetched: https, or http on localhost / 127.0.0.1.
bool fetchable_jwks_uri(const std::string& uri);

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
