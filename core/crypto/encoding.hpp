#pragma once
// Text encodings of byte strings. Decoders are strict: one canonical spelling per byte string
// (no whitespace, no stray padding, no non-zero leftover bits), so a token cannot be re-spelled
// into a different string that decodes to the same bytes.

#include <optional>
#include <string>
#include <string_view>

namespace janua::crypto {

// How `=` padding is treated. JOSE forbids it; Fernet tokens and keys (Python's
// `base64.urlsafe_b64encode`) carry it.
enum class Base64Padding { none, required, optional };

// Return the URL-safe base64 (RFC 4648 section 5) spelling of `bytes`; unpadded unless asked.
std::string base64url_encode(std::string_view bytes, Base64Padding padding = Base64Padding::none);

// Return the bytes spelled by URL-safe base64 `text`, or nullopt when `text` has a character
// outside the alphabet, an impossible length, padding the mode does not allow, or leftover bits.
std::optional<std::string> base64url_decode(std::string_view text,
                                            Base64Padding padding = Base64Padding::none);

// Return the standard-alphabet, padded base64 (RFC 4648 section 4) spelling of `bytes`.
std::string base64_encode(std::string_view bytes);

// Return the bytes spelled by standard base64 `text` (padded unless told otherwise), or nullopt.
std::optional<std::string> base64_decode(std::string_view text,
                                         Base64Padding padding = Base64Padding::required);

// Return lower-case hexadecimal.
std::string hex_encode(std::string_view bytes);

// Return the bytes spelled by hexadecimal `text` (either case), or nullopt.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace janua::crypto
