#pragma once
// RFC 5322 / MIME framing of an EmailMessage: headers, RFC 2047 encoded words,
// multipart/alternative bodies with a 7bit or quoted-printable transfer encoding, CRLF line endings
// throughout.

#include "core/common/result.hpp"
#include "core/mail/message.hpp"

#include <chrono>
#include <string>

namespace janua::mail {

struct Mailbox {
    std::string display_name;  // may be empty
    std::string address;
};

// Parse "Name <addr@host>", "\"Quoted, Name\" <addr@host>" or a bare "addr@host" (EMAIL_FROM).
Result<Mailbox> parse_mailbox(const std::string& text);

// The header form of a mailbox: the name quoted or RFC 2047-encoded as needed.
std::string format_mailbox(const Mailbox& mailbox);

// Return `text` unchanged when it is printable ASCII, else as UTF-8 "B" encoded words of at most
// 75 characters each, folded with CRLF SP.
std::string encode_header_text(const std::string& text);

// "Tue, 24 Nov 2026 09:05:03 +0000".
std::string format_date(std::chrono::system_clock::time_point time);

// Quoted-printable (RFC 2045 6.7) of text whose lines end in CRLF; output lines stay within 76.
std::string quoted_printable(const std::string& text);

struct RenderOptions {
    Mailbox from;
    std::chrono::system_clock::time_point date;
    std::string message_id;  // without angle brackets
    std::string boundary;
};

// Options for sending now: a random boundary and the message's id, or a random one at the
// From address's domain.
RenderOptions render_options_now(const Mailbox& from, const EmailMessage& message);

// The whole message, ready for SMTP DATA or an .eml file. A validation error when `message`
// fails validate() (header injection and the like).
Result<std::string> render_message(const EmailMessage& message, const RenderOptions& options);

}  // namespace janua::mail
