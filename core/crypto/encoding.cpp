#include "core/crypto/encoding.hpp"

#include <array>
#include <cstdint>

namespace janua::crypto {
namespace {

constexpr std::string_view k_standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::int8_t k_invalid = -1;

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable make_decode_table(std::string_view alphabet) {
    DecodeTable table{};
    table.fill(k_invalid);
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr DecodeTable k_standard_table = make_decode_table(k_standard_alphabet);
constexpr DecodeTable k_url_table = make_decode_table(k_url_alphabet);

std::uint32_t byte_at(std::string_view bytes, std::size_t i) {
    return static_cast<unsigned char>(bytes[i]);
}

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group =
            byte_at(bytes, i) << 16 | byte_at(bytes, i + 1) << 8 | byte_at(bytes, i + 2);
        out += alphabet[(group >> 18) & 0x3f];
        out += alphabet[(group >> 12) & 0x3f];
        out += alphabet[(group >> 6) & 0x3f];
        out += alphabet[group & 0x3f];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t group = byte_at(bytes, i) << 16;
        out += alphabet[(group >> 18) & 0x3f];
        out += alphabet[(group >> 12) & 0x3f];
        if (pad) out += "==";
    } else if (rest == 2) {
        const std::uint32_t group = byte_at(bytes, i) << 16 | byte_at(bytes, i + 1) << 8;
        out += alphabet[(group >> 18) & 0x3f];
        out += alphabet[(group >> 12) & 0x3f];
        out += alphabet[(group >> 6) & 0x3f];
        if (pad) out += '=';
    }
    return out;
}

std::optional<std::string> decode(std::string_view text, const DecodeTable& table,
                                  Base64Padding padding) {
    std::size_t pad_count = 0;
    while (pad_count < 2 && pad_count < text.size() && text[text.size() - 1 - pad_count] == '=') {
        ++pad_count;
    }
    const std::string_view body = text.substr(0, text.size() - pad_count);
    const std::size_t rest = body.size() % 4;
    if (rest == 1) return std::nullopt;  // six bits cannot make a byte
    const std::size_t expected_pad = rest == 0 ? 0 : 4 - rest;

    const bool padded =
        padding == Base64Padding::required || (padding == Base64Padding::optional && pad_count > 0);
    if (padded ? pad_count != expected_pad : pad_count != 0) return std::nullopt;

    std::string out;
    out.reserve(body.size() / 4 * 3 + 2);
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (const char c : body) {
        const std::int8_t value = table[static_cast<unsigned char>(c)];
        if (value == k_invalid) return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((accumulator >> bits) & 0xff);
        }
    }
    // Non-zero leftover bits would let two spellings decode to the same bytes.
    if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes, Base64Padding padding) {
    return encode(bytes, k_url_alphabet, padding == Base64Padding::required);
}

std::optional<std::string> base64url_decode(std::string_view text, Base64Padding padding) {
    return decode(text, k_url_table, padding);
}

std::string base64_encode(std::string_view bytes) {
    return encode(bytes, k_standard_alphabet, true);
}

std::optional<std::string> base64_decode(std::string_view text, Base64Padding padding) {
    return decode(text, k_standard_table, padding);
}

std::string hex_encode(std::string_view bytes) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += digits[byte >> 4];
        out += digits[byte & 0x0f];
    }
    return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = nibble(text[i]);
        const int low = nibble(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high << 4 | low);
    }
    return out;
}

}  // namespace janua::crypto
