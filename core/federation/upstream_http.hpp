#pragma once
// HTTP requests to an upstream identity provider (discovery, JWKS, token, userinfo) under the
// same server-side request forgery defences as webhooks (core/webhooks/destination.hpp): https
// only, no private, loopback or link-local destination, every resolved address checked and the
// connection pinned to the checked one (no DNS rebinding), no proxy, no redirects, bounded time
// and body. UPSTREAM_IDP_ALLOW_PRIVATE lifts the address and https rules (tests, development).

#include "core/common/result.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace janua::federation {

struct UpstreamRequest {
    std::string method = "GET";  // GET | POST
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // POST: sent as is (the caller sets Content-Type)
};

struct UpstreamReply {
    int status = 0;
    std::string body;
};

struct UpstreamPolicy {
    bool allow_private = false;
    long timeout_ms = 8000;
    std::size_t max_bytes = 512 * 1024;
};

// Perform the request. Fails (sso_metadata) on a refused destination, a transport error or a body
// over the limit; any HTTP status is a reply.
Result<UpstreamReply> upstream_fetch(const UpstreamRequest& request, const UpstreamPolicy& policy);

}  // namespace janua::federation
