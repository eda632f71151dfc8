#pragma once
// QR codes of enrolment URIs (otpauth://), drawn by the CLI in a terminal and by the account
// console as inline SVG. libqrencode does the encoding; this only exposes its module matrix.

#include <optional>
#include <string>
#include <vector>

namespace janua::qr {

struct Matrix {
    int width = 0;
    std::vector<bool> dark;  // row-major, width * width modules

    // False outside the matrix: callers draw the quiet zone by asking for modules beyond it.
    bool at(int x, int y) const {
        return x >= 0 && y >= 0 && x < width && y < width && dark[static_cast<std::size_t>(y * width + x)];
    }
};

// Error correction level M; nullopt when libqrencode refuses the input (too long).
std::optional<Matrix> encode(const std::string& text);

// A standalone <svg> element (one path, dark on white, a 4-module quiet zone) with `label` as its
// accessible name.
std::optional<std::string> svg(const std::string& text, const std::string& label);

}  // namespace janua::qr
