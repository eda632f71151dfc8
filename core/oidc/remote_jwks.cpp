#include "core/oidc/remote_jwks.hpp"

#include <curl/curl.h>

#include <memory>

namespace janua::oidc {
namespace {

struct Download {
    std::string body;
    std::size_t limit = 0;
    bool too_big = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* download = static_cast<Download*>(user);
    const std::size_t n = size * count;
    if (download->body.size() + n > download->limit) {
        download->too_big = true;
        return 0;  // aborts the transfer
    }
    download->body.append(data, n);
    return n;
}

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// "http://localhost:8080/x" -> "localhost"
std::string host_of(const std::string& uri, std::size_t scheme_length) {
    const auto start = scheme_length + 3;
    const auto end = uri.find_first_of(":/?", start);
    return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

bool fetchable_jwks_uri(const std::string& uri) {
    if (uri.rfind("https://", 0) == 0) return true;
    if (uri.rfind("http://", 0) != 0) return false;
    const auto host = host_of(uri, 4);
    return host == "localhost" || host == "127.0.0.1";
}

Result<nlohmann::json> fetch_jwks(const std::string& uri, const RemoteJwksOptions& options) {
    if (!fetchable_jwks_uri(uri)) return make_error(ErrorCode::validation, "jwks_uri must be https");
    global_init_once();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return make_error(ErrorCode::unavailable, "cannot fetch the client's jwks_uri", "curl_easy_init failed");
    CURL* h = curl.get();
    Download download;
    download.limit = options.max_bytes;
    curl_easy_setopt(h, CURLOPT_URL, uri.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, uri.rfind("https://", 0) == 0 ? "https" : "http");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "januad");
    const CURLcode rc = curl_easy_perform(h);
    if (download.too_big) return make_error(ErrorCode::unavailable, "the client's jwks_uri returned more than the size limit");
    if (rc != CURLE_OK)
        return make_error(ErrorCode::unavailable, "cannot fetch the client's jwks_uri", curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200)
        return make_error(ErrorCode::unavailable, "the client's jwks_uri answered HTTP " + std::to_string(status));
    auto jwks = nlohmann::json::parse(download.body, nullptr, false);
    if (jwks.is_discarded() || !jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
        return make_error(ErrorCode::unavailable, "the client's jwks_uri did not return a JWK Set");
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
