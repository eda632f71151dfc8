#pragma once
// Randomness for keys, salts, IVs and opaque tokens, from OpenSSL's CSPRNG.

#include <cstddef>
#include <string>

namespace janua::crypto {

// Return `n` cryptographically random bytes. Throw std::runtime_error if the CSPRNG fails: a
// server that cannot draw randomness must not continue to mint secrets.
std::string random_bytes(std::size_t n);

// Return `bytes` random bytes spelled as unpadded base64url, for opaque URL-safe tokens
// (refresh tokens, codes, state). The default carries 256 bits.
std::string random_token(std::size_t bytes = 32);

}  // namespace janua::crypto
