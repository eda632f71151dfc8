#pragma once
// An outgoing email as the product composes it, before any transport framing.

#include "core/common/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace janua::mail {

struct EmailMessage {
    std::string to;  // one bare address: alice@example.com
    std::string subject;
    std::string text_body;
    std::string html_body;  // empty: a text-only message
    // Without angle brackets; without "@domain" the From domain is appended; empty: senders make
    // one. The email job sets it from the job id so a retried delivery carries the same
    // Message-ID and receivers can drop the duplicate.
    std::string message_id = {};
};

// Check what goes into headers: `to` must be one plain ASCII address and neither `to` nor
// `subject` may hold CR, LF or other control characters (header injection). A validation error.
Status validate(const EmailMessage& message);

// Check one bare address (also used for the From address).
Status validate_address(const std::string& address);

// The job payload form, and back (a validation error for a malformed payload).
nlohmann::json message_to_json(const EmailMessage& message);
Result<EmailMessage> message_from_json(const nlohmann::json& payload);

}  // namespace janua::mail
