#include "core/mail/mime.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <ctime>
#include <stdexcept>
#include <string_view>

namespace janua::mail {
namespace {

constexpr std::size_t k_max_line = 998;           // RFC 5322 2.1.1, without CRLF
constexpr std::size_t k_encoded_word_bytes = 45;  // 60 base64 chars + 12 of framing = 72 <= 75

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

bool is_printable_ascii(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) return false;
    }
    return true;
}

bool has_control(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(bytes.data()),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        throw std::runtime_error("cannot draw random bytes for a message id");
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    for (char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        out += k_digits[byte >> 4];
        out += k_digits[byte & 0xf];
    }
    return out;
}

// Bare LF or CR in a body would be rewritten (or refused) by SMTP servers; send CRLF only,
// always ending with a line break.
std::string normalize_line_endings(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32 + 2);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    return out;
}

// 7bit when the body is plain ASCII with short lines (readable as sent), else quoted-printable.
bool fits_7bit(std::string_view crlf_text) {
    std::size_t line = 0;
    for (char c : crlf_text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            line = 0;
            continue;
        }
        if (byte >= 0x80 || byte == 0 || ++line > k_max_line + 1) return false;
    }
    return true;
}

std::string body_part(const std::string& content_type, const std::string& body) {
    const std::string crlf = normalize_line_endings(body);
    const bool plain = fits_7bit(crlf);
    return "Content-Type: " + content_type + "; charset=UTF-8\r\nContent-Transfer-Encoding: " +
           (plain ? "7bit" : "quoted-printable") + "\r\n\r\n" +
           (plain ? crlf : quoted_printable(crlf));
}

bool is_atext_phrase(std::string_view name) {
    for (char c : name) {
        const bool atext =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
        if (!atext) return false;
    }
    return true;
}

}  // namespace

Result<Mailbox> parse_mailbox(const std::string& text) {
    if (has_control(text))
        return make_error(ErrorCode::validation, "mailbox must not contain control characters");
    Mailbox mailbox;
    const std::string trimmed = trim(text);
    const auto open = trimmed.rfind('<');
    if (open == std::string::npos) {
        mailbox.address = trimmed;
    } else {
        if (trimmed.back() != '>')
            return make_error(ErrorCode::validation, "mailbox has an unclosed '<'");
        mailbox.address = trimmed.substr(open + 1, trimmed.size() - open - 2);
        std::string name = trim(std::string_view(trimmed).substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            std::string unquoted;
            for (std::size_t i = 1; i + 1 < name.size(); ++i) {
                if (name[i] == '\\' && i + 2 < name.size()) ++i;
                unquoted += name[i];
            }
            name = unquoted;
        }
        mailbox.display_name = name;
    }
    if (auto valid = validate_address(mailbox.address); !valid) return valid.error();
    return mailbox;
}

std::string format_mailbox(const Mailbox& mailbox) {
    if (mailbox.display_name.empty()) return mailbox.address;
    std::string name;
    if (!is_printable_ascii(mailbox.display_name)) {
        name = encode_header_text(mailbox.display_name);
    } else if (is_atext_phrase(mailbox.display_name)) {
        name = mailbox.display_name;
    } else {
        name = "\"";
        for (char c : mailbox.display_name) {
            if (c == '"' || c == '\\') name += '\\';
            name += c;
        }
        name += "\"";
    }
    return name + " <" + mailbox.address + ">";
}

std::string encode_header_text(const std::string& text) {
    if (is_printable_ascii(text)) return text;
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(start + k_encoded_word_bytes, text.size());
        // Never split a UTF-8 sequence across two encoded words (RFC 2047 section 5).
        while (end < text.size() && end > start + 1 &&
               (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(text).substr(start, end - start)) + "?=";
        start = end;
    }
    return out;
}

std::string format_date(std::chrono::system_clock::time_point time) {
    // Fixed English names: strftime's %a and %b follow the process locale.
    static constexpr std::array<const char*, 7> k_days{"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                  k_days[utc.tm_wday], utc.tm_mday, k_months[utc.tm_mon], utc.tm_year + 1900,
                  utc.tm_hour, utc.tm_min, utc.tm_sec);
    return buffer;
}

std::string quoted_printable(const std::string& text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t line_start = 0;
    while (line_start < text.size()) {
        auto line_end = text.find("\r\n", line_start);
        const bool has_break = line_end != std::string::npos;
        if (!has_break) line_end = text.size();
        std::size_t column = 0;
        for (std::size_t i = line_start; i < line_end; ++i) {
            const auto byte = static_cast<unsigned char>(text[i]);
            const bool last = i + 1 == line_end;
            std::string piece;
            if ((byte == ' ' || byte == '\t') && !last) {
                piece = static_cast<char>(byte);
            } else if (byte >= 33 && byte <= 126 && byte != '=') {
                piece = static_cast<char>(byte);
            } else {
                piece = {'=', k_hex[byte >> 4], k_hex[byte & 0xf]};
            }
            if (column + piece.size() > 75) {  // leave room for the soft break's '='
                out += "=\r\n";
                column = 0;
            }
            out += piece;
            column += piece.size();
        }
        if (has_break) out += "\r\n";
        line_start = has_break ? line_end + 2 : line_end;
    }
    return out;
}

RenderOptions render_options_now(const Mailbox& from, const EmailMessage& message) {
    RenderOptions options;
    options.from = from;
    options.date = std::chrono::system_clock::now();
    const std::string domain = from.address.substr(from.address.rfind('@') + 1);
    const std::string left = message.message_id.empty() ? random_hex(16) : message.message_id;
    options.message_id = left.find('@') == std::string::npos ? left + "@" + domain : left;
    options.boundary = "=_janua_" + random_hex(16);
    return options;
}

Result<std::string> render_message(const EmailMessage& message, const RenderOptions& options) {
    if (auto valid = validate(message); !valid) return valid.error();
    if (auto from = validate_address(options.from.address); !from) return from.error();
    if (has_control(options.from.display_name))
        return make_error(ErrorCode::validation, "sender name must not contain control characters");
    if (options.boundary.empty() || options.message_id.empty() ||
        options.message_id.find_first_of("<>\r\n ") != std::string::npos)
        return make_error(ErrorCode::internal, "cannot render email",
                          "missing or invalid boundary or message id");

    std::string out;
    out += "Date: " + format_date(options.date) + "\r\n";
    out += "From: " + format_mailbox(options.from) + "\r\n";
    out += "To: " + message.to + "\r\n";
    out += "Subject: " + encode_header_text(message.subject) + "\r\n";
    out += "Message-ID: <" + options.message_id + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    const bool has_html = !message.html_body.empty(), has_text = !message.text_body.empty();
    if (has_html && has_text) {
        const std::string delimiter = "--" + options.boundary;
        if (message.text_body.find(delimiter) != std::string::npos ||
            message.html_body.find(delimiter) != std::string::npos)
            return make_error(ErrorCode::internal, "cannot render email",
                              "MIME boundary occurs in the body");
        out += "Content-Type: multipart/alternative; boundary=\"" + options.boundary + "\"\r\n\r\n";
        out += "This is a multi-part message in MIME format.\r\n";
        out += delimiter + "\r\n" + body_part("text/plain", message.text_body);
        out += delimiter + "\r\n" + body_part("text/html", message.html_body);
        out += delimiter + "--\r\n";
    } else {
        out += body_part(has_html ? "text/html" : "text/plain",
                         has_html ? message.html_body : message.text_body);
    }
    return out;
}

}  // namespace janua::mail
