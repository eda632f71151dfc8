#include "core/storage/s3_store.hpp"

#include "core/crypto/hash.hpp"
#include "core/webhooks/destination.hpp"
#include "core/webhooks/http_post.hpp"

#include <algorithm>
#include <chrono>

namespace janua::storage {
namespace {

Error unavailable(const std::string& detail) {
    return make_error(ErrorCode::unavailable, "file storage is not available; try again later", detail);
}

// The start of an S3 error document (<Code>...</Code>) for the log: never the whole body.
std::string error_code_of(const std::string& body) {
    const auto start = body.find("<Code>");
    const auto end = body.find("</Code>");
    if (start == std::string::npos || end == std::string::npos || end < start) return "";
    return body.substr(start + 6, std::min<std::size_t>(end - start - 6, 64));
}

}  // namespace

Result<std::unique_ptr<S3Store>> S3Store::make(S3Settings settings) {
    auto url = webhooks::parse_url(settings.endpoint);
    if (!url || (url->target != "/" && !url->target.empty()))
        return make_error(ErrorCode::validation,
                          "invalid setting S3_ENDPOINT: an http(s) URL of the service root, without path or query (got '" +
                              settings.endpoint + "')");
    if (settings.bucket.empty() || settings.bucket.find('/') != std::string::npos)
        return make_error(ErrorCode::validation, "invalid setting S3_BUCKET: a bucket name without '/'");
    const bool default_port = (url->scheme == "https" && url->port == 443) || (url->scheme == "http" && url->port == 80);
    const bool v6 = url->host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + url->host + "]" : url->host;
    if (!default_port) host += ":" + std::to_string(url->port);
    return std::unique_ptr<S3Store>(new S3Store(std::move(settings), url->scheme, host));
}

S3Store::S3Store(S3Settings settings, std::string scheme, std::string host_header)
    : m_settings(std::move(settings)), m_scheme(std::move(scheme)), m_host_header(std::move(host_header)) {
    m_credentials = {m_settings.access_key_id, m_settings.secret_access_key, m_settings.region, "s3"};
    m_now = [] {
        return static_cast<long long>(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    };
}

Result<S3Store::Reply> S3Store::send(const std::string& method, const std::string& key, const std::string* body,
                                     const std::string& content_type) {
    if (!valid_key(key)) return make_error(ErrorCode::internal, "invalid object key", key);
    const std::string path = "/" + sigv4::uri_encode(m_settings.bucket, false) + "/" + sigv4::uri_encode(key, true);
    const std::string url = m_scheme + "://" + m_host_header + path;
    const std::string date = sigv4::amz_date(m_now());
    sigv4::SignedRequest request;
    request.method = method;
    request.canonical_path = path;
    request.payload_sha256_hex = crypto::sha256_hex(body ? *body : std::string());
    request.headers = {{"host", m_host_header}, {"x-amz-content-sha256", request.payload_sha256_hex}, {"x-amz-date", date}};
    if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : request.headers)
        if (name != "host") headers.emplace_back(name, value);  // the client sends Host from the URL
    headers.emplace_back("Authorization", sigv4::authorization(request, m_credentials, date));

    auto parsed = webhooks::parse_url(url);
    if (!parsed) return unavailable("bad object URL " + url);
    auto destination = webhooks::resolve(*parsed, true);
    if (!destination) return unavailable("cannot resolve the S3 endpoint: " + destination.error().message);
    auto got = webhooks::send(*destination, method, url, m_settings.max_object_bytes, m_settings.timeout_ms, headers, body);
    if (!got.received) return unavailable(method + " " + path + ": " + got.error);
    return Reply{got.http_status, std::move(got.body)};
}

Status S3Store::put(const std::string& key, const std::string& bytes, const std::string& content_type) {
    auto reply = send("PUT", key, &bytes, content_type);
    if (!reply) return reply.error();
    if (reply->status != 200)
        return unavailable("PUT " + key + " answered " + std::to_string(reply->status) + " " + error_code_of(reply->body));
    return Ok{};
}

Result<std::string> S3Store::get(const std::string& key) {
    auto reply = send("GET", key, nullptr, "");
    if (!reply) return reply.error();
    if (reply->status == 404) return make_error(ErrorCode::not_found, "file not found");
    if (reply->status != 200)
        return unavailable("GET " + key + " answered " + std::to_string(reply->status) + " " + error_code_of(reply->body));
    return std::move(reply->body);
}

Status S3Store::remove(const std::string& key) {
    auto reply = send("DELETE", key, nullptr, "");
    if (!reply) return reply.error();
    // S3 answers 204 whether or not the object existed; some stores say 404 for a missing one.
    if (reply->status != 204 && reply->status != 200 && reply->status != 404)
        return unavailable("DELETE " + key + " answered " + std::to_string(reply->status) + " " + error_code_of(reply->body));
    return Ok{};
}

}  // namespace janua::storage
