#pragma once
// EMAIL_PROVIDER=log: write each message to the log instead of sending it (development).

#include "core/mail/sender.hpp"

namespace janua::mail {

enum class LogBody { include, omit };

class LogSender final : public MailSender {
  public:
    // Bodies hold sign-in and reset links; make_sender omits them in production.
    explicit LogSender(LogBody body) : m_body(body) {}
    Status send(const EmailMessage& message) override;

  private:
    LogBody m_body;
};

// EMAIL_ENABLED=false: accept and drop, so queued mail does not pile up.
class DisabledSender final : public MailSender {
  public:
    Status send(const EmailMessage& message) override;
};

}  // namespace janua::mail
