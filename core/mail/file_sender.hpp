#pragma once
// EMAIL_PROVIDER=file: one RFC 5322 .eml file per message in a directory, for development and
// for tests that read mail back. Files appear atomically (temporary name, then rename), so a
// reader never sees half a message.

#include "core/mail/mime.hpp"
#include "core/mail/sender.hpp"

#include <string>

namespace janua::mail {

class FileSender final : public MailSender {
  public:
    FileSender(std::string directory, Mailbox from);
    Status send(const EmailMessage& message) override;

  private:
    std::string m_directory;
    Mailbox m_from;
};

}  // namespace janua::mail
