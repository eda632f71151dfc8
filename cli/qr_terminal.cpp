#include "cli/qr_terminal.hpp"

#include <qrencode.h>

#include <memory>

namespace janua::cli {

std::optional<std::string> qr_terminal(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                         &QRcode_free);
    if (!code) return std::nullopt;
    const int width = code->width;
    const int quiet = 2;  // modules of white around the code; scanners need it
    auto dark = [&](int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= width) return false;
        return (code->data[y * width + x] & 1) != 0;
    };
    // Light modules are printed as full blocks so the code scans on dark and light terminals alike.
    std::string out;
    for (int y = -quiet; y < width + quiet; y += 2) {
        for (int x = -quiet; x < width + quiet; ++x) {
            const bool top = dark(x, y), bottom = dark(x, y + 1);
            if (top && bottom) out += " ";
            else if (top) out += "\u2584";      // lower half light
            else if (bottom) out += "\u2580";   // upper half light
            else out += "\u2588";
        }
        out += "\n";
    }
    return out;
}

}  // namespace janua::cli
