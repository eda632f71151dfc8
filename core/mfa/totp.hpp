#pragma once
// HOTP (RFC 4226) and TOTP (RFC 6238) over OpenSSL HMAC, the Base32 spelling authenticator apps
// use for secrets (RFC 4648 section 6), and the otpauth:// enrolment URI (Google Authenticator's
// Key Uri Format, which every authenticator app reads).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace janua::mfa {

enum class TotpHash { sha1, sha256, sha512 };

constexpr int k_totp_digits = 6;
constexpr std::int64_t k_totp_period = 30;
constexpr std::size_t k_totp_secret_bytes = 20;  // 160 bits, as RFC 4226 recommends

// The `digits`-digit HOTP value of `counter` under `key`, zero-padded.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = k_totp_digits,
                 TotpHash hash = TotpHash::sha1);

// The time step that contains `unix_seconds`.
std::int64_t totp_step(std::int64_t unix_seconds, std::int64_t period = k_totp_period);

// The TOTP code at `unix_seconds`.
std::string totp(std::string_view key, std::int64_t unix_seconds, int digits = k_totp_digits,
                 TotpHash hash = TotpHash::sha1);

// The step whose code equals `code`, looking `window` steps either side of now (a clock drift
// allowance); nullopt when none matches or `code` is not `digits` ASCII digits. Every candidate is
// compared in constant time.
std::optional<std::int64_t> match_totp(std::string_view key, std::string_view code, std::int64_t unix_seconds,
                                       int window = 1, int digits = k_totp_digits);

// RFC 4648 Base32, upper case, without padding (what otpauth:// URIs carry).
std::string base32_encode(std::string_view bytes);
// Accepts either case, ignores spaces and '=' padding; nullopt on any other character or leftover bits.
std::optional<std::string> base32_decode(std::string_view text);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(const std::string& issuer, const std::string& account, std::string_view secret);

}  // namespace janua::mfa
