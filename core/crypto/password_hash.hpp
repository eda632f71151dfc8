#pragma once
// bcrypt password hashes through libxcrypt, verifying the $2a$, $2b$ and $2y$ hashes that the
// original system and Auth0 exports hold, and writing $2b$.
//
// bcrypt reads at most 72 bytes of a password and ignores the rest. Verification keeps that
// standard behaviour, because imported hashes were made that way; bcrypt_hash keeps it too, so
// that re-hashing an imported user's password on sign-in works. Refusing longer *new* passwords
// is the password policy's job, using bcrypt_max_password_bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace janua::crypto {

constexpr std::size_t bcrypt_max_password_bytes = 72;
constexpr int bcrypt_min_cost = 4;
constexpr int bcrypt_max_cost = 31;

// Return a new $2b$ hash of `password` at `cost` (log2 of the rounds) with a random salt.
// Throw std::invalid_argument when `cost` is outside [4, 31] or `password` holds a NUL byte
// (crypt(3) would silently cut it there); std::runtime_error if libxcrypt fails.
std::string bcrypt_hash(std::string_view password, int cost);

// Return whether `password` matches the bcrypt `hash` ($2a$, $2b$ or $2y$, any cost), comparing
// in constant time. A malformed or non-bcrypt hash, or a password with a NUL byte, gives false.
bool bcrypt_verify(std::string_view password, std::string_view hash);

// Return the cost of a well-formed bcrypt hash, or -1 if `hash` is not one.
int bcrypt_cost(std::string_view hash);

}  // namespace janua::crypto
