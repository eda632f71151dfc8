#pragma once
// Where a webhook may be sent. Server-side request forgery defence: a destination whose host
// is, or resolves to, a private, loopback, link-local, multicast or otherwise non-public
// address is refused (unless WEBHOOK_ALLOW_PRIVATE=true). Every address a name resolves to is
// checked, and the connection is then pinned to the address that was checked, so a DNS answer
// that changes between the check and the connection (rebinding) cannot redirect it.

#include "core/common/result.hpp"

#include <string>
#include <vector>

namespace janua::webhooks {

struct WebhookUrl {
    std::string scheme;  // http | https
    std::string host;    // without brackets for IPv6
    int port = 0;
    std::string target;  // path and query, at least "/"
};

// Parse an absolute http(s) URL without user info or fragment; a validation error otherwise.
Result<WebhookUrl> parse_url(const std::string& url);

// Whether `address` (IPv4 or IPv6 text) is a public unicast address. Text that is not an IP
// address is not public.
bool is_public_address(const std::string& address);

// Whether `host` is an IP literal.
bool is_ip_literal(const std::string& host);

// Check a URL when an endpoint is created or changed: https (http only when private
// destinations are allowed), and no literal private address or "localhost".
Status check_url(const std::string& url, bool allow_private);

struct ResolvedDestination {
    WebhookUrl url;
    std::string address;  // the address to connect to
};

// Resolve the host and check every address; the first one is used for the connection.
Result<ResolvedDestination> resolve(const WebhookUrl& url, bool allow_private);

}  // namespace janua::webhooks
