#include "core/avatars/image_info.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace janua::avatars {
namespace {

Error unsupported(const std::string& why) {
    Error e = make_error(ErrorCode::validation, "the file is not a PNG, JPEG, GIF or WebP image: " + why);
    e.details = {{"field", "file"}, {"accepted", {"image/png", "image/jpeg", "image/gif", "image/webp"}}};
    return e;
}

std::uint32_t be16(std::string_view b, std::size_t at) {
    return (static_cast<std::uint8_t>(b[at]) << 8) | static_cast<std::uint8_t>(b[at + 1]);
}
std::uint32_t be32(std::string_view b, std::size_t at) { return (be16(b, at) << 16) | be16(b, at + 2); }
std::uint32_t le16(std::string_view b, std::size_t at) {
    return static_cast<std::uint8_t>(b[at]) | (static_cast<std::uint8_t>(b[at + 1]) << 8);
}
std::uint32_t le24(std::string_view b, std::size_t at) { return le16(b, at) | (static_cast<std::uint8_t>(b[at + 2]) << 16); }

bool starts(std::string_view b, std::string_view prefix) { return b.substr(0, prefix.size()) == prefix; }

Result<ImageInfo> png(std::string_view b) {
    // Signature, then the IHDR chunk first: length 13, "IHDR", width, height (big-endian).
    if (b.size() < 24 || b.substr(12, 4) != "IHDR") return unsupported("truncated PNG header");
    return ImageInfo{"image/png", static_cast<int>(std::min<std::uint32_t>(be32(b, 16), 1u << 30)),
                     static_cast<int>(std::min<std::uint32_t>(be32(b, 20), 1u << 30))};
}

Result<ImageInfo> gif(std::string_view b) {
    if (b.size() < 10) return unsupported("truncated GIF header");
    return ImageInfo{"image/gif", static_cast<int>(le16(b, 6)), static_cast<int>(le16(b, 8))};
}

// Walk the JPEG markers up to the first start-of-frame, which holds the size.
Result<ImageInfo> jpeg(std::string_view b) {
    std::size_t at = 2;
    while (at + 4 <= b.size()) {
        if (static_cast<std::uint8_t>(b[at]) != 0xFF) return unsupported("malformed JPEG markers");
        const std::uint8_t marker = static_cast<std::uint8_t>(b[at + 1]);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {  // no length
            at += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) break;  // end of image, or scan data before any frame
        const std::uint32_t length = be16(b, at + 2);
        if (length < 2) return unsupported("malformed JPEG segment");
        const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (at + 9 > b.size()) break;
            return ImageInfo{"image/jpeg", static_cast<int>(be16(b, at + 7)), static_cast<int>(be16(b, at + 5))};
        }
        at += 2 + length;
    }
    return unsupported("no JPEG frame header");
}

Result<ImageInfo> webp(std::string_view b) {
    if (b.size() < 30) return unsupported("truncated WebP header");
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8X")  // extended: 24-bit width-1 and height-1
        return ImageInfo{"image/webp", static_cast<int>(le24(b, 24) + 1), static_cast<int>(le24(b, 27) + 1)};
    if (chunk == "VP8L") {  // lossless: signature 0x2f, then 14-bit width-1 and height-1
        if (static_cast<std::uint8_t>(b[20]) != 0x2F) return unsupported("malformed lossless WebP");
        const std::uint32_t bits = le16(b, 21) | (le16(b, 23) << 16);
        return ImageInfo{"image/webp", static_cast<int>((bits & 0x3FFF) + 1), static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
    }
    if (chunk == "VP8 ") {  // lossy: a key frame's start code 9d 01 2a, then 14-bit width and height
        if (b.substr(23, 3) != std::string_view("\x9d\x01\x2a", 3)) return unsupported("malformed lossy WebP");
        return ImageInfo{"image/webp", static_cast<int>(le16(b, 26) & 0x3FFF), static_cast<int>(le16(b, 28) & 0x3FFF)};
    }
    return unsupported("unknown WebP chunk");
}

}  // namespace

std::string media_type(const std::string& content_type) {
    std::string out = content_type.substr(0, content_type.find(';'));
    const auto first = out.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    out = out.substr(first, out.find_last_not_of(" \t") - first + 1);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Result<ImageInfo> inspect_image(std::string_view b) {
    if (starts(b, "\x89PNG\r\n\x1a\n")) return png(b);
    if (starts(b, "\xFF\xD8\xFF")) return jpeg(b);
    if (starts(b, "GIF87a") || starts(b, "GIF89a")) return gif(b);
    if (starts(b, "RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") return webp(b);
    return unsupported("unrecognised content");
}

}  // namespace janua::avatars
