#pragma once
// A QR code drawn with Unicode half blocks, two modules per character row, for `janua mfa enroll`.

#include <optional>
#include <string>

namespace janua::cli {

// The QR code of `text` (error correction level M) with a quiet zone, dark modules drawn dark on a
// light terminal background by inverting; nullopt when libqrencode refuses the input.
std::optional<std::string> qr_terminal(const std::string& text);

}  // namespace janua::cli
