#include "core/mail/sender.hpp"

#include "core/mail/file_sender.hpp"
#include "core/mail/log_sender.hpp"
#include "core/mail/smtp_sender.hpp"

#include <stdexcept>

namespace janua::mail {

Status check_settings(const config::Config& config) {
    if (!config.email_enabled || config.email_provider == "log") return Ok{};
    if (auto from = parse_mailbox(config.email_from); !from)
        return make_error(ErrorCode::validation,
                          "invalid setting EMAIL_FROM: " + from.error().message);
    if (config.email_provider == "smtp" && config.smtp_host.empty())
        return make_error(ErrorCode::validation,
                          "invalid setting SMTP_HOST: required when EMAIL_PROVIDER=smtp");
    return Ok{};
}

std::unique_ptr<MailSender> make_sender(const config::Config& config) {
    if (auto valid = check_settings(config); !valid)
        throw std::invalid_argument(valid.error().message);
    if (!config.email_enabled) return std::make_unique<DisabledSender>();
    if (config.email_provider == "smtp")
        return std::make_unique<SmtpSender>(smtp_settings(config).value());
    if (config.email_provider == "file")
        return std::make_unique<FileSender>(config.email_file_dir,
                                            parse_mailbox(config.email_from).value());
    return std::make_unique<LogSender>(config.is_production() ? LogBody::omit : LogBody::include);
}

}  // namespace janua::mail
