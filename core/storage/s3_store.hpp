#pragma once
// Objects in a bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, Garage, ...), addressed
// path-style (<endpoint>/<bucket>/<key>) so any endpoint works without wildcard DNS. Each request
// is signed with AWS Signature Version 4 (sigv4.hpp) including the SHA-256 of its payload, and
// sent through the project's outbound HTTP client (core/webhooks/http_post.hpp: no proxy, no
// redirects, bounded time and response size). The endpoint is the operator's, so private
// addresses are allowed.

#include "core/storage/object_store.hpp"
#include "core/storage/sigv4.hpp"

#include <functional>

namespace janua::storage {

struct S3Settings {
    std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000"
    std::string bucket;
    std::string region = "us-east-1";
    std::string access_key_id;
    std::string secret_access_key;
    long timeout_ms = 15000;
    std::size_t max_object_bytes = 32 * 1024 * 1024;  // the largest GET accepted
};

class S3Store : public ObjectStore {
public:
    // A validation error when the endpoint is not an http(s) URL without path, query or user info.
    static Result<std::unique_ptr<S3Store>> make(S3Settings settings);

    Status put(const std::string& key, const std::string& bytes, const std::string& content_type) override;
    Result<std::string> get(const std::string& key) override;
    Status remove(const std::string& key) override;
    const char* kind() const override { return "s3"; }

    // Tests pin the clock to compare with published signatures.
    void set_clock(std::function<long long()> unix_now) { m_now = std::move(unix_now); }

private:
    struct Reply {
        int status = 0;
        std::string body;
    };
    S3Store(S3Settings settings, std::string scheme, std::string host_header);
    Result<Reply> send(const std::string& method, const std::string& key, const std::string* body,
                       const std::string& content_type);

    S3Settings m_settings;
    std::string m_scheme;
    std::string m_host_header;  // "host" or "host:port", as the HTTP client sends it
    sigv4::Credentials m_credentials;
    std::function<long long()> m_now;
};

}  // namespace janua::storage
