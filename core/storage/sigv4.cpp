#include "core/storage/sigv4.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace janua::storage::sigv4 {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Trim both ends and fold inner runs of spaces into one, as the canonical headers require.
std::string canonical_value(const std::string& value) {
    std::string out;
    bool space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(const SignedRequest& request) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : request.headers) headers.emplace_back(lower(name), canonical_value(value));
    std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return headers;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string signed_headers(const SignedRequest& request) {
    std::string out;
    std::string previous;
    for (const auto& [name, value] : sorted_headers(request)) {
        if (name == previous) continue;
        out += (out.empty() ? "" : ";") + name;
        previous = name;
    }
    return out;
}

std::string canonical_request(const SignedRequest& request) {
    std::string headers;
    const auto sorted = sorted_headers(request);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        // A header given twice is one line with its values joined by commas, in the order given.
        if (i > 0 && sorted[i].first == sorted[i - 1].first) {
            headers.pop_back();
            headers += "," + sorted[i].second + "\n";
            continue;
        }
        headers += sorted[i].first + ":" + sorted[i].second + "\n";
    }
    return request.method + "\n" + request.canonical_path + "\n" + request.canonical_query + "\n" + headers + "\n" +
           signed_headers(request) + "\n" + request.payload_sha256_hex;
}

std::string credential_scope(const std::string& amz_date, const Credentials& credentials) {
    return amz_date.substr(0, 8) + "/" + credentials.region + "/" + credentials.service + "/aws4_request";
}

std::string string_to_sign(const std::string& amz_date, const std::string& scope, const std::string& canonical) {
    return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + crypto::sha256_hex(canonical);
}

std::string signing_key(const Credentials& credentials, const std::string& date) {
    const std::string by_date = crypto::hmac_sha256("AWS4" + credentials.secret_access_key, date);
    const std::string by_region = crypto::hmac_sha256(by_date, credentials.region);
    const std::string by_service = crypto::hmac_sha256(by_region, credentials.service);
    return crypto::hmac_sha256(by_service, "aws4_request");
}

std::string signature(const SignedRequest& request, const Credentials& credentials, const std::string& amz_date) {
    const std::string scope = credential_scope(amz_date, credentials);
    const std::string to_sign = string_to_sign(amz_date, scope, canonical_request(request));
    return crypto::hex_encode(crypto::hmac_sha256(signing_key(credentials, amz_date.substr(0, 8)), to_sign));
}

std::string authorization(const SignedRequest& request, const Credentials& credentials, const std::string& amz_date) {
    return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + credential_scope(amz_date, credentials) +
           ", SignedHeaders=" + signed_headers(request) + ", Signature=" + signature(request, credentials, amz_date);
}

std::string amz_date(long long unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
    return buffer;
}

}  // namespace janua::storage::sigv4
