#pragma once
// EMAIL_PROVIDER=smtp: deliver through an SMTP relay with libcurl, one connection per message.

#include "core/config/config.hpp"
#include "core/mail/mime.hpp"
#include "core/mail/sender.hpp"

#include <chrono>
#include <string>

namespace janua::mail {

struct SmtpSettings {
    std::string host;
    int port = 587;
    std::string username;  // empty: no AUTH
    std::string password;
    bool starttls = true;  // require STARTTLS; the relay's certificate is verified
    Mailbox from;
    std::string ca_file;  // empty: the system trust store
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // the whole exchange
};

// SMTP_* and EMAIL_FROM; a validation error naming EMAIL_FROM when it does not parse.
Result<SmtpSettings> smtp_settings(const config::Config& config);

class SmtpSender final : public MailSender {
  public:
    explicit SmtpSender(SmtpSettings settings);
    Status send(const EmailMessage& message) override;

  private:
    SmtpSettings m_settings;
    std::string m_url;
};

}  // namespace janua::mail
