#pragma once
// What an uploaded image really is, read from its first bytes rather than from what the client
// claims: PNG, JPEG, GIF or WebP, and its width and height from the format's header. Everything
// else — SVG above all, which can carry scripts — is refused. Bounded: only headers are read,
// never pixels.

#include "core/common/result.hpp"

#include <string>
#include <string_view>

namespace janua::avatars {

struct ImageInfo {
    std::string content_type;  // image/png | image/jpeg | image/gif | image/webp
    int width = 0;
    int height = 0;
};

// The image's type and size, or a validation error saying what is accepted.
Result<ImageInfo> inspect_image(std::string_view bytes);

// The media type of a Content-Type value, lower-case, without parameters ("image/png; x=y" → "image/png").
std::string media_type(const std::string& content_type);

}  // namespace janua::avatars
