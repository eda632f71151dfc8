#include "core/common/qr.hpp"

#include "core/mail/html.hpp"

#include <qrencode.h>

#include <memory>

namespace janua::qr {

std::optional<Matrix> encode(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                         &QRcode_free);
    if (!code) return std::nullopt;
    Matrix m;
    m.width = code->width;
    m.dark.resize(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.width));
    for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
    return m;
}

std::optional<std::string> svg(const std::string& text, const std::string& label) {
    const auto m = encode(text);
    if (!m) return std::nullopt;
    const int quiet = 4;  // the standard's quiet zone, in modules
    const std::string size = std::to_string(m->width + 2 * quiet);
    std::string path;
    for (int y = 0; y < m->width; ++y)
        for (int x = 0; x < m->width; ++x)
            if (m->at(x, y)) path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" + mail::html_escape(label) +
           "\" viewBox=\"0 0 " + size + " " + size + "\" width=\"200\" height=\"200\" shape-rendering=\"crispEdges\">"
           "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace janua::qr
