#pragma once
// Outbound HTTP to an address that was checked beforehand (CURLOPT_RESOLVE pins it), with no
// proxy, no redirects and bounded time and response size: webhook POSTs, and the GETs of
// documents januad fetches from URLs others register (a client's jwks_uri, SAML metadata, an
// upstream identity provider's endpoints).

#include "core/webhooks/destination.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace janua::webhooks {

struct PostResult {
    bool sent = false;       // a response arrived
    int http_status = 0;
    long long latency_ms = 0;
    std::string excerpt;     // the start of the response body, printable ASCII only
    std::string error;       // transport error when !sent
};

PostResult post(const ResolvedDestination& destination, const std::string& url, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers, int timeout_seconds);

struct GetResult {
    bool received = false;   // a complete response within the size limit
    bool too_big = false;    // the body passed max_bytes (the transfer was cut)
    int http_status = 0;
    std::string body;
    std::string error;       // transport error when !received
};

GetResult get(const ResolvedDestination& destination, const std::string& url, std::size_t max_bytes,
              long timeout_ms);

// The same, with request headers and, when `post_body` is set, a POST of that body (the caller
// sets Content-Type): the token and userinfo requests of an upstream login.
GetResult get(const ResolvedDestination& destination, const std::string& url, std::size_t max_bytes, long timeout_ms,
              const std::vector<std::pair<std::string, std::string>>& headers, const std::string* post_body);

// The same with any method (GET, POST, PUT, DELETE); `body`, when set, is sent as the request body:
// the object requests of the S3 storage backend (core/storage/s3_store.cpp).
GetResult send(const ResolvedDestination& destination, const std::string& method, const std::string& url,
               std::size_t max_bytes, long timeout_ms, const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string* body);

}  // namespace janua::webhooks
