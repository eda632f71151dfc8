#pragma once
// One webhook POST over libcurl, connected to an address that was checked beforehand
// (CURLOPT_RESOLVE pins it), with no proxy, no redirects and bounded time and response size.

#include "core/webhooks/destination.hpp"

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
    bool received = false;    // a whole response arrived within the limits
    int http_status = 0;
    std::string body;         // at most `max_bytes`
    std::string error;        // transport error, or "response too large"
};

// One GET with the same defences (pinned checked address, no proxy, no redirects, bounded time),
// keeping at most `max_bytes` of the body (more is an error). For fetching SAML IdP metadata.
GetResult get(const ResolvedDestination& destination, const std::string& url, std::size_t max_bytes, int timeout_seconds);

}  // namespace janua::webhooks
