#pragma once
// Text that arrives as bytes from the network (a User-Agent header, a scope, a nonce) made safe to
// store, log and mail: bytes outside printable ASCII become '?', and it is cut at `max` bytes. A
// cut inside a UTF-8 character, or any invalid UTF-8, would otherwise make PostgreSQL refuse the
// row (and turn a sign-in into a 500).

#include <cstddef>
#include <string>
#include <string_view>

namespace janua {

inline std::string printable_ascii(std::string_view text, std::size_t max) {
    std::string out(text.substr(0, max));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return out;
}

// A one-line label (a name that ends up in a mail subject or a log line): no C0 controls, no DEL.
inline bool has_control_characters(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    return false;
}

}  // namespace janua
