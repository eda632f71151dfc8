#pragma once
// The address a request really came from. Behind a reverse proxy every peer address is the
// proxy's, which would put all clients in one rate-limit bucket and one audit IP; so when the
// peer is a trusted proxy (TRUSTED_PROXIES), the client is found in X-Forwarded-For instead.
// Only trusted hops are believed: a client can prepend anything to the header.

#include "core/policies/ip_range.hpp"

#include <string>
#include <vector>

namespace janua::daemon {

class ClientAddressResolver {
public:
    // Entries are addresses or CIDR ranges; throws std::invalid_argument naming a bad one.
    explicit ClientAddressResolver(const std::vector<std::string>& trusted_proxies);

    // The peer itself unless it is trusted; then, walking X-Forwarded-For from the right,
    // the first address that is not a trusted proxy (a malformed entry ends the walk at the
    // hop before it).
    std::string resolve(const std::string& peer, const std::string& forwarded_for) const;

private:
    bool trusted(const std::string& address) const;
    std::vector<policies::IpRange> m_trusted;
};

}  // namespace janua::daemon
