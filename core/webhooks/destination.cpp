#include "core/webhooks/destination.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <regex>

namespace janua::webhooks {
namespace {

Error invalid_url(const std::string& message) {
    Error e = make_error(ErrorCode::validation, "url " + message);
    e.details = nlohmann::json::array({{{"field", "url"}, {"message", message}}});
    return e;
}

bool public_v4(const std::array<unsigned char, 4>& a) {
    const unsigned b0 = a[0], b1 = a[1];
    if (b0 == 0 || b0 == 10 || b0 == 127) return false;               // this network, private, loopback
    if (b0 == 100 && (b1 & 0xC0) == 64) return false;                  // 100.64/10 carrier-grade NAT
    if (b0 == 169 && b1 == 254) return false;                          // link-local (cloud metadata)
    if (b0 == 172 && (b1 & 0xF0) == 16) return false;                  // 172.16/12
    if (b0 == 192 && b1 == 168) return false;                          // 192.168/16
    if (b0 == 192 && b1 == 0 && a[2] == 0) return false;               // 192.0.0/24 protocol assignments
    if (b0 == 192 && b1 == 0 && a[2] == 2) return false;               // TEST-NET-1
    if (b0 == 198 && (b1 & 0xFE) == 18) return false;                  // 198.18/15 benchmarking
    if (b0 == 198 && b1 == 51 && a[2] == 100) return false;            // TEST-NET-2
    if (b0 == 203 && b1 == 0 && a[2] == 113) return false;             // TEST-NET-3
    if (b0 >= 224) return false;                                       // multicast, reserved, broadcast
    return true;
}

bool public_v6(const std::array<unsigned char, 16>& a) {
    static const std::array<unsigned char, 12> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(mapped.begin(), mapped.end(), a.begin()))
        return public_v4({a[12], a[13], a[14], a[15]});  // ::ffff:a.b.c.d
    if (std::all_of(a.begin(), a.begin() + 12, [](unsigned char c) { return c == 0; }))
        return false;  // ::, ::1 and the deprecated IPv4-compatible form
    if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B)
        return public_v4({a[12], a[13], a[14], a[15]});  // 64:ff9b::/96 NAT64
    if ((a[0] & 0xFE) == 0xFC) return false;                  // fc00::/7 unique local
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return false;  // fe80::/10 link-local
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return false;  // fec0::/10 site-local
    if (a[0] == 0xFF) return false;                           // multicast
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8) return false;  // documentation
    if (a[0] == 0x20 && a[1] == 0x02) return false;  // 6to4 can embed any IPv4 address
    return true;
}

}  // namespace

Result<WebhookUrl> parse_url(const std::string& url) {
    if (url.size() > 2048) return invalid_url("must be at most 2048 characters");
    static const std::regex pattern(R"(^(https?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:([0-9]{1,5}))?(/[^#\s]*)?$)");
    std::smatch m;
    if (!std::regex_match(url, m, pattern))
        return invalid_url("must be an absolute http(s) URL without user name, password or fragment");
    WebhookUrl out;
    out.scheme = m[1].str();
    out.host = m[2].str();
    if (out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
    std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (m[4].matched) {
        out.port = std::stoi(m[4].str());
        if (out.port < 1 || out.port > 65535) return invalid_url("has an invalid port");
    } else {
        out.port = out.scheme == "https" ? 443 : 80;
    }
    out.target = m[5].matched ? m[5].str() : "/";
    return out;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

bool is_public_address(const std::string& address) {
    std::array<unsigned char, 4> v4{};
    std::array<unsigned char, 16> v6{};
    if (inet_pton(AF_INET, address.c_str(), v4.data()) == 1) return public_v4(v4);
    if (inet_pton(AF_INET6, address.c_str(), v6.data()) == 1) return public_v6(v6);
    return false;
}

Status check_url(const std::string& url, bool allow_private) {
    auto parsed = parse_url(url);
    if (!parsed) return parsed.error();
    if (allow_private) return Ok{};
    if (parsed->scheme != "https") return invalid_url("must use https");
    if (parsed->host == "localhost" || parsed->host.ends_with(".localhost") ||
        (is_ip_literal(parsed->host) && !is_public_address(parsed->host)))
        return invalid_url("must not point to a private, loopback or link-local address");
    return Ok{};
}

Result<ResolvedDestination> resolve(const WebhookUrl& url, bool allow_private) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(url.host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || !found)
        return make_error(ErrorCode::unavailable, "cannot resolve " + url.host + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, &freeaddrinfo);
    std::vector<std::string> addresses;
    for (auto* ai = found; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw = ai->ai_family == AF_INET
                              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)
                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
        if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) && inet_ntop(ai->ai_family, raw, text, sizeof text))
            addresses.emplace_back(text);
    }
    if (addresses.empty()) return make_error(ErrorCode::unavailable, "cannot resolve " + url.host);
    if (!allow_private) {
        for (const auto& address : addresses)
            if (!is_public_address(address))
                return make_error(ErrorCode::validation,
                                  "destination refused: " + url.host + " resolves to the non-public address " + address);
    }
    return ResolvedDestination{url, addresses.front()};
}

}  // namespace janua::webhooks
