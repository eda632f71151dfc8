#include "core/mail/log_sender.hpp"

#include "core/common/log.hpp"

namespace janua::mail {

Status LogSender::send(const EmailMessage& message) {
    if (auto valid = validate(message); !valid) return valid;
    nlohmann::json fields = {{"to", message.to}, {"subject", message.subject}};
    if (m_body == LogBody::include) fields["text_body"] = message.text_body;
    log::info("email (EMAIL_PROVIDER=log, not sent)", fields);
    return Ok{};
}

Status DisabledSender::send(const EmailMessage& message) {
    log::info("email dropped: EMAIL_ENABLED is false", {{"subject", message.subject}});
    return Ok{};
}

}  // namespace janua::mail
