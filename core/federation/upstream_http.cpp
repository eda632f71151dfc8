#include "core/federation/upstream_http.hpp"

#include "core/webhooks/destination.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace janua::federation {
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

Error refused(const std::string& url, const std::string& why) {
    return make_error(ErrorCode::unavailable, "the identity provider cannot be reached at " + url + ": " + why);
}

}  // namespace

Result<UpstreamReply> upstream_fetch(const UpstreamRequest& request, const UpstreamPolicy& policy) {
    if (auto checked = webhooks::check_url(request.url, policy.allow_private); !checked)
        return refused(request.url, checked.error().message.substr(4));
    auto parsed = webhooks::parse_url(request.url);
    if (!parsed) return refused(request.url, parsed.error().message);
    auto destination = webhooks::resolve(*parsed, policy.allow_private);
    if (!destination) return refused(request.url, destination.error().message);

    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(), &curl_easy_cleanup);
    if (!handle) return make_error(ErrorCode::unavailable, "cannot create an HTTP client");
    CURL* h = handle.get();
    const bool v6 = destination->address.find(':') != std::string::npos;
    const std::string pin = parsed->host + ":" + std::to_string(parsed->port) + ":" +
                            (v6 ? "[" + destination->address + "]" : destination->address);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(curl_slist_append(nullptr, pin.c_str()),
                                                                       &curl_slist_free_all);
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : request.headers) header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    header_list = curl_slist_append(header_list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(header_list, &curl_slist_free_all);
    Download download;
    download.limit = policy.max_bytes;

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, policy.allow_private ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(policy.timeout_ms, 5000L));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, policy.timeout_ms);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy.max_bytes));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "januad");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &download);
    if (request.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    const CURLcode rc = curl_easy_perform(h);
    if (download.too_big) return refused(request.url, "the response is larger than " + std::to_string(policy.max_bytes) + " bytes");
    if (rc != CURLE_OK) return refused(request.url, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return UpstreamReply{static_cast<int>(status), std::move(download.body)};
}

}  // namespace janua::federation
