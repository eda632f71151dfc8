#include "core/webhooks/http_post.hpp"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <mutex>

namespace janua::webhooks {
namespace {

constexpr std::size_t k_excerpt_bytes = 512;

size_t keep_excerpt(char* data, size_t size, size_t count, void* user) {
    auto* excerpt = static_cast<std::string*>(user);
    const size_t n = size * count;
    // The rest of the body is read and dropped: the total timeout bounds it.
    if (excerpt->size() < k_excerpt_bytes) excerpt->append(data, std::min(n, k_excerpt_bytes - excerpt->size()));
    return n;
}

std::string printable(const std::string& text) {
    std::string out = text;
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80 || (byte < 0x20 && c != '\n' && c != '\t')) c = '?';
    }
    return out;
}

struct Download {
    std::string body;
    std::size_t limit = 0;
    bool too_big = false;
};

size_t collect(char* data, size_t size, size_t count, void* user) {
    auto* download = static_cast<Download*>(user);
    const size_t n = size * count;
    if (download->body.size() + n > download->limit) {
        download->too_big = true;
        return 0;  // aborts the transfer
    }
    download->body.append(data, n);
    return n;
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

CurlHandle new_handle() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    return CurlHandle(curl_easy_init(), &curl_easy_cleanup);
}

// The options every outbound request shares: the checked address pinned for the URL's host and
// port, no proxy (it would resolve the name itself), no redirects (their target is unchecked).
CurlList pin_and_limit(CURL* h, const ResolvedDestination& destination, const std::string& url, long timeout_ms) {
    const bool v6 = destination.address.find(':') != std::string::npos;
    const std::string pin = destination.url.host + ":" + std::to_string(destination.url.port) + ":" +
                            (v6 ? "[" + destination.address + "]" : destination.address);
    CurlList resolve(curl_slist_append(nullptr, pin.c_str()), &curl_slist_free_all);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 5000L));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "januad");
    return resolve;
}

}  // namespace

PostResult post(const ResolvedDestination& destination, const std::string& url, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers, int timeout_seconds) {
    PostResult result;
    auto handle = new_handle();
    if (!handle) {
        result.error = "cannot create an HTTP client";
        return result;
    }
    CURL* h = handle.get();
    auto pinned = pin_and_limit(h, destination, url, timeout_seconds * 1000L);
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : headers) header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    header_list = curl_slist_append(header_list, "Expect:");
    CurlList header_guard(header_list, &curl_slist_free_all);
    std::string excerpt;

    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_excerpt);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &excerpt);

    const auto start = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(h);
    result.latency_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    result.http_status = static_cast<int>(status);
    result.excerpt = printable(excerpt);
    if (rc != CURLE_OK) {
        result.error = curl_easy_strerror(rc);
        return result;
    }
    result.sent = true;
    return result;
}

GetResult get(const ResolvedDestination& destination, const std::string& url, std::size_t max_bytes, long timeout_ms) {
    return get(destination, url, max_bytes, timeout_ms, {}, nullptr);
}

GetResult get(const ResolvedDestination& destination, const std::string& url, std::size_t max_bytes, long timeout_ms,
              const std::vector<std::pair<std::string, std::string>>& headers, const std::string* post_body) {
    return send(destination, post_body ? "POST" : "GET", url, max_bytes, timeout_ms, headers, post_body);
}

GetResult send(const ResolvedDestination& destination, const std::string& method, const std::string& url,
               std::size_t max_bytes, long timeout_ms, const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string* post_body) {
    GetResult result;
    auto handle = new_handle();
    if (!handle) {
        result.error = "cannot create an HTTP client";
        return result;
    }
    CURL* h = handle.get();
    auto pinned = pin_and_limit(h, destination, url, timeout_ms);
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : headers) header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    header_list = curl_slist_append(header_list, "Expect:");
    CurlList header_guard(header_list, &curl_slist_free_all);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
    if (post_body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post_body->data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
    }
    // The body (if any) is set as for a POST; another method name replaces POST on the wire.
    if (method != "GET" && method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    Download download;
    download.limit = max_bytes;
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &download);
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    result.http_status = static_cast<int>(status);
    result.too_big = download.too_big || rc == CURLE_FILESIZE_EXCEEDED;
    if (rc != CURLE_OK || result.too_big) {
        result.error = result.too_big ? "the response is larger than " + std::to_string(max_bytes) + " bytes"
                                      : std::string(curl_easy_strerror(rc));
        return result;
    }
    result.received = true;
    result.body = std::move(download.body);
    return result;
}

}  // namespace janua::webhooks
