#include "daemon/client_address.hpp"

#include <stdexcept>

namespace janua::daemon {
namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

ClientAddressResolver::ClientAddressResolver(const std::vector<std::string>& trusted_proxies) {
    for (const auto& entry : trusted_proxies) {
        if (trim(entry).empty()) continue;
        std::string error;
        auto range = policies::parse_ip_range(trim(entry), error);
        if (!range) throw std::invalid_argument("invalid setting TRUSTED_PROXIES: '" + entry + "': " + error);
        m_trusted.push_back(std::move(*range));
    }
}

bool ClientAddressResolver::trusted(const std::string& address) const {
    const auto parsed = policies::parse_ip(address);
    if (!parsed) return false;
    for (const auto& range : m_trusted)
        if (policies::contains(range, *parsed)) return true;
    return false;
}

std::string ClientAddressResolver::resolve(const std::string& peer, const std::string& forwarded_for) const {
    if (m_trusted.empty() || forwarded_for.empty() || !trusted(peer)) return peer;
    std::string client = peer;
    std::size_t end = forwarded_for.size();
    while (end > 0) {
        const auto comma = forwarded_for.rfind(',', end - 1);
        const std::size_t start = comma == std::string::npos ? 0 : comma + 1;
        const std::string hop = trim(forwarded_for.substr(start, end - start));
        if (!policies::parse_ip(hop)) break;
        client = hop;
        if (!trusted(hop)) break;
        if (comma == std::string::npos) break;
        end = comma;
    }
    return client;
}

}  // namespace janua::daemon
