// Image types and sizes read from the bytes (core/avatars/image_info), without a database.
#include "core/avatars/image_info.hpp"

#include <catch2/catch.hpp>

using namespace janua::avatars;

namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

std::string png_header(int width, int height) {
    return std::string("\x89PNG\r\n\x1a\n", 8) + bytes({0, 0, 0, 13}) + "IHDR" +
           bytes({(width >> 24) & 255, (width >> 16) & 255, (width >> 8) & 255, width & 255, (height >> 24) & 255,
                  (height >> 16) & 255, (height >> 8) & 255, height & 255, 8, 6, 0, 0, 0});
}

}  // namespace

TEST_CASE("PNG, GIF, JPEG and WebP are recognised with their dimensions", "[avatars]") {
    auto png = inspect_image(png_header(640, 480));
    REQUIRE(png);
    CHECK(png->content_type == "image/png");
    CHECK(png->width == 640);
    CHECK(png->height == 480);

    auto gif = inspect_image("GIF89a" + bytes({0x20, 0x01, 0x10, 0x00, 0, 0, 0}));
    REQUIRE(gif);
    CHECK(gif->content_type == "image/gif");
    CHECK(gif->width == 288);
    CHECK(gif->height == 16);

    // SOI, an APP0 segment to skip, then SOF0 with height 200 and width 300.
    auto jpeg = inspect_image(bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, 'J', 'F', 'I', 'F', 0xFF, 0xC0, 0x00, 0x11, 0x08,
                                     0x00, 0xC8, 0x01, 0x2C, 0x03}));
    REQUIRE(jpeg);
    CHECK(jpeg->content_type == "image/jpeg");
    CHECK(jpeg->width == 300);
    CHECK(jpeg->height == 200);

    const std::string riff = std::string("RIFF") + bytes({0x40, 0, 0, 0}) + "WEBP";
    auto extended = inspect_image(riff + "VP8X" + bytes({10, 0, 0, 0, 0, 0, 0, 0}) + bytes({0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00}) +
                                  bytes({0, 0}));
    REQUIRE(extended);
    CHECK(extended->content_type == "image/webp");
    CHECK(extended->width == 640);
    CHECK(extended->height == 480);
    auto lossy = inspect_image(riff + "VP8 " + bytes({0x20, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xE0, 0x01, 0, 0}));
    REQUIRE(lossy);
    CHECK(lossy->width == 640);
    CHECK(lossy->height == 480);
    // Lossless: 14-bit width-1 (99) and height-1 (49) packed after the 0x2f signature.
    const unsigned bits = 99u | (49u << 14);
    auto lossless = inspect_image(riff + "VP8L" + bytes({0x10, 0, 0, 0, 0x2F, int(bits & 255), int((bits >> 8) & 255),
                                                         int((bits >> 16) & 255), int((bits >> 24) & 255), 0, 0, 0, 0, 0}));
    REQUIRE(lossless);
    CHECK(lossless->width == 100);
    CHECK(lossless->height == 50);
}

TEST_CASE("SVG, HTML, text and truncated or malformed images are refused", "[avatars]") {
    for (const std::string& bad :
         {std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
          std::string("<?xml version=\"1.0\"?><svg/>"), std::string("<html><body>hi</body></html>"), std::string("hello"),
          std::string(), std::string("\x89PNG\r\n\x1a\n", 8), png_header(1, 1).substr(0, 20), std::string("GIF89a"),
          bytes({0xFF, 0xD8, 0xFF, 0xD9}), bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01}),
          std::string("RIFF\x10\0\0\0WEBPVP8Z", 16) + std::string(20, '\0'), std::string("BM") + std::string(60, '\0')}) {
        auto result = inspect_image(bad);
        INFO(bad.size());
        REQUIRE_FALSE(result);
        CHECK(result.error().code == janua::ErrorCode::validation);
    }
}

TEST_CASE("media types are compared without parameters or case", "[avatars]") {
    CHECK(media_type("image/PNG; charset=binary") == "image/png");
    CHECK(media_type("  image/jpeg ") == "image/jpeg");
    CHECK(media_type("") == "");
}
