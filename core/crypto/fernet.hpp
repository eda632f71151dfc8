#pragma once
// Fernet tokens (github.com/fernet/spec), byte-compatible with Python's `cryptography.fernet`, so
// values encrypted by the original system decrypt here and the other way round. A keyring holds
// several keys in the manner of `MultiFernet`: the first encrypts, every key is tried to decrypt,
// which lets FIELD_ENCRYPTION_KEY be rotated without re-encrypting everything at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace janua::crypto {

// How far in the future a token's timestamp may lie when a maximum age is checked
// (Python's `_MAX_CLOCK_SKEW`).
constexpr std::int64_t fernet_max_clock_skew_seconds = 60;

class FernetKeyring {
  public:
    // Build a keyring from Fernet keys (URL-safe base64 of 32 bytes, padded as Python writes
    // them; unpadded is accepted too). Fail on an empty list or a malformed key, naming its
    // position, never its value.
    static Result<FernetKeyring> from_keys(const std::vector<std::string>& keys);

    // Return a token for `plaintext` under the first key, stamped with the current time and a
    // fresh random IV.
    std::string encrypt(std::string_view plaintext) const;

    // Return the token for `plaintext` with the given timestamp (seconds since the epoch) and
    // 16-byte `iv`. Only for test vectors: reusing an IV leaks plaintext equality. Throw
    // std::invalid_argument when `iv` is not 16 bytes or `timestamp` is negative.
    std::string encrypt(std::string_view plaintext, std::int64_t timestamp,
                        std::string_view iv) const;

    // Return the plaintext of `token` under whichever key authenticates it. With
    // `max_age_seconds`, also refuse a token older than that or stamped more than
    // fernet_max_clock_skew_seconds after `now` (default: the current time). Every failure is
    // ErrorCode::token; the detail says which check failed. A negative `max_age_seconds` is a
    // programming error and throws std::invalid_argument.
    Result<std::string> decrypt(std::string_view token,
                                std::optional<std::int64_t> max_age_seconds = std::nullopt,
                                std::optional<std::int64_t> now = std::nullopt) const;

    std::size_t size() const { return m_keys.size(); }

  private:
    struct Key {
        std::string signing;     // first 16 bytes of the key: HMAC-SHA256
        std::string encryption;  // last 16 bytes: AES-128-CBC
    };

    explicit FernetKeyring(std::vector<Key> keys) : m_keys(std::move(keys)) {}

    std::vector<Key> m_keys;
};

// Return a new random Fernet key in the same spelling as Python's `Fernet.generate_key()`.
std::string generate_fernet_key();

}  // namespace janua::crypto
