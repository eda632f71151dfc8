#include "cli/qr_terminal.hpp"

#include "core/common/qr.hpp"

namespace janua::cli {

std::optional<std::string> qr_terminal(const std::string& text) {
    const auto code = qr::encode(text);
    if (!code) return std::nullopt;
    const int quiet = 2;  // modules of white around the code; scanners need it
    // Light modules are printed as full blocks so the code scans on dark and light terminals alike.
    std::string out;
    for (int y = -quiet; y < code->width + quiet; y += 2) {
        for (int x = -quiet; x < code->width + quiet; ++x) {
            const bool top = code->at(x, y), bottom = code->at(x, y + 1);
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
