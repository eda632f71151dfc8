#pragma once
// Digests, MACs, key derivation and constant-time comparison. All inputs and outputs are raw
// byte strings; use hex_encode/base64_encode for text.

#include <cstddef>
#include <string>
#include <string_view>

namespace janua::crypto {

constexpr std::size_t sha256_bytes = 32;

// Return the 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

// Return the SHA-256 digest of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// Return the 32-byte HMAC-SHA256 of `data` under `key` (any key length, including empty).
std::string hmac_sha256(std::string_view key, std::string_view data);

// Return whether `a` and `b` are equal, taking time that depends only on their lengths, never on
// where their contents differ. Strings of different lengths are unequal.
bool constant_time_equals(std::string_view a, std::string_view b);

enum class Pbkdf2Digest { sha1, sha256, sha512 };

// Return `length` bytes of PBKDF2-HMAC (RFC 8018) over `password` and `salt`. Throw
// std::invalid_argument when `iterations` or `length` is zero or beyond what OpenSSL takes.
std::string pbkdf2_hmac(Pbkdf2Digest digest, std::string_view password, std::string_view salt,
                        unsigned iterations, std::size_t length);

// Return whether PBKDF2-HMAC of `password` equals `expected` (its length is the derived length),
// compared in constant time. For imported hashes: parameters that cannot be right (zero
// iterations, empty `expected`, more than `max_iterations`) give false rather than an exception,
// so a hostile import file cannot make a sign-in spin for minutes.
bool pbkdf2_verify(Pbkdf2Digest digest, std::string_view password, std::string_view salt,
                   unsigned iterations, std::string_view expected,
                   unsigned max_iterations = 10'000'000);

}  // namespace janua::crypto
