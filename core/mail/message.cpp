#include "core/mail/message.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace janua::mail {
namespace {

constexpr std::size_t k_max_address_length = 254;  // RFC 5321 path limit
constexpr std::size_t k_max_subject_length = 500;

bool has_line_break(const std::string& text) {
    return text.find_first_of("\r\n") != std::string::npos;
}

bool has_control(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

}  // namespace

Status validate_address(const std::string& address) {
    if (has_line_break(address))
        return make_error(ErrorCode::validation, "email address must not contain line breaks");
    if (address.empty() || address.size() > k_max_address_length)
        return make_error(ErrorCode::validation, "email address is empty or too long");
    for (char c : address) {
        const auto byte = static_cast<unsigned char>(c);
        // Anything that could start a second address, a comment or a display name is refused;
        // internationalised addresses (SMTPUTF8) are not supported.
        if (byte <= 0x20 || byte >= 0x7f ||
            std::string_view("<>,;:\"()[]\\").find(c) != std::string_view::npos)
            return make_error(ErrorCode::validation,
                              "email address contains a character that is not allowed",
                              "address '" + address + "'");
    }
    const auto at = address.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == address.size() || address.find('@') != at)
        return make_error(ErrorCode::validation, "email address must have the form local@domain");
    return Ok{};
}

Status validate(const EmailMessage& message) {
    if (auto to = validate_address(message.to); !to) return to;
    if (has_line_break(message.subject))
        return make_error(ErrorCode::validation, "email subject must not contain line breaks");
    if (has_control(message.subject))
        return make_error(ErrorCode::validation,
                          "email subject must not contain control characters");
    if (message.subject.size() > k_max_subject_length)
        return make_error(ErrorCode::validation, "email subject is too long");
    if (message.text_body.empty() && message.html_body.empty())
        return make_error(ErrorCode::validation, "email has no body");
    if (has_line_break(message.message_id) ||
        message.message_id.find_first_of("<> ") != std::string::npos)
        return make_error(ErrorCode::validation,
                          "email message id contains a character that is not allowed");
    return Ok{};
}

nlohmann::json message_to_json(const EmailMessage& message) {
    nlohmann::json payload = {{"to", message.to},
                              {"subject", message.subject},
                              {"text", message.text_body},
                              {"html", message.html_body}};
    if (!message.message_id.empty()) payload["message_id"] = message.message_id;
    return payload;
}

Result<EmailMessage> message_from_json(const nlohmann::json& payload) {
    auto text = [&](const char* key) -> std::optional<std::string> {
        if (!payload.is_object() || !payload.contains(key)) return std::string();
        if (!payload[key].is_string()) return std::nullopt;
        return payload[key].get<std::string>();
    };
    EmailMessage message;
    const auto to = text("to"), subject = text("subject"), body = text("text"), html = text("html"),
               id = text("message_id");
    if (!payload.is_object() || !to || !subject || !body || !html || !id)
        return make_error(ErrorCode::validation, "malformed email job payload");
    message.to = *to;
    message.subject = *subject;
    message.text_body = *body;
    message.html_body = *html;
    message.message_id = *id;
    return message;
}

}  // namespace janua::mail
