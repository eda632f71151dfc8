#include "core/mfa/totp.hpp"

#include "core/common/url.hpp"
#include "core/crypto/hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <stdexcept>

namespace janua::mfa {
namespace {

const EVP_MD* digest_of(TotpHash hash) {
    switch (hash) {
        case TotpHash::sha256: return EVP_sha256();
        case TotpHash::sha512: return EVP_sha512();
        case TotpHash::sha1: break;
    }
    return EVP_sha1();
}

constexpr const char* k_base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits, TotpHash hash) {
    if (digits < 6 || digits > 9) throw std::invalid_argument("HOTP digits must be 6 to 9");
    unsigned char message[8];
    for (int i = 7; i >= 0; --i) {
        message[i] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_length = 0;
    if (!HMAC(digest_of(hash), key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_length))
        throw std::runtime_error("HMAC failed in OpenSSL");
    // Dynamic truncation (RFC 4226 section 5.3).
    const unsigned offset = mac[mac_length - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(mac[offset + 3]);
    std::uint64_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(std::int64_t unix_seconds, std::int64_t period) {
    return unix_seconds >= 0 ? unix_seconds / period : -((-unix_seconds + period - 1) / period);
}

std::string totp(std::string_view key, std::int64_t unix_seconds, int digits, TotpHash hash) {
    return hotp(key, static_cast<std::uint64_t>(totp_step(unix_seconds)), digits, hash);
}

std::optional<std::int64_t> match_totp(std::string_view key, std::string_view code, std::int64_t unix_seconds,
                                       int window, int digits) {
    if (code.size() != static_cast<std::size_t>(digits)) return std::nullopt;
    for (char c : code)
        if (c < '0' || c > '9') return std::nullopt;
    const std::int64_t now = totp_step(unix_seconds);
    std::optional<std::int64_t> found;
    // Check every step of the window, not just until the first match, so timing says nothing.
    for (std::int64_t step = now - window; step <= now + window; ++step) {
        if (step < 0) continue;
        if (crypto::constant_time_equals(hotp(key, static_cast<std::uint64_t>(step), digits), code) && !found)
            found = step;
    }
    return found;
}

std::string base32_encode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += k_base32_alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += k_base32_alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char raw : text) {
        if (raw == ' ' || raw == '=') continue;
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
        int value = -1;
        if (c >= 'A' && c <= 'Z') value = c - 'A';
        else if (c >= '2' && c <= '7') value = c - '2' + 26;
        if (value < 0) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string otpauth_uri(const std::string& issuer, const std::string& account, std::string_view secret) {
    return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) + "?secret=" + base32_encode(secret) +
           "&issuer=" + percent_encode(issuer) + "&algorithm=SHA1&digits=" + std::to_string(k_totp_digits) +
           "&period=" + std::to_string(k_totp_period);
}

}  // namespace janua::mfa
