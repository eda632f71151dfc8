#pragma once
// Where outgoing mail goes: one interface, one implementation per EMAIL_PROVIDER.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/mail/message.hpp"

#include <memory>

namespace janua::mail {

class MailSender {
  public:
    virtual ~MailSender() = default;
    // Deliver one message. A validation error for a message that can never be sent (header
    // injection); unavailable for a failure worth retrying (server down, timeout, refused login).
    // Must be safe to call from several threads at once.
    virtual Status send(const EmailMessage& message) = 0;
};

// Check the settings make_sender() reads; a validation error naming the setting (EMAIL_FROM).
Status check_settings(const config::Config& config);

// The sender EMAIL_ENABLED and EMAIL_PROVIDER ask for. Throws std::invalid_argument with
// check_settings()'s message when the settings are invalid.
std::unique_ptr<MailSender> make_sender(const config::Config& config);

}  // namespace janua::mail
