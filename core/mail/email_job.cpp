#include "core/mail/email_job.hpp"

#include "core/jobs/enqueue.hpp"

namespace janua::mail {

Result<std::string> enqueue(db::Transaction& tx, const EmailMessage& message, int max_attempts) {
    if (auto valid = validate(message); !valid) return valid.error();
    jobs::NewJob job;
    job.kind = k_email_job_kind;
    job.payload = message_to_json(message);
    job.max_attempts = max_attempts;
    return jobs::enqueue(tx, job);
}

void register_email_handler(jobs::Worker& worker, MailSender& sender) {
    worker.on(
        k_email_job_kind,
        [&sender](const jobs::Job& job) -> Status {
            auto message = message_from_json(job.payload);
            if (!message) return message.error();
            if (message->message_id.empty()) message->message_id = job.id;
            return sender.send(message.value());
        },
        jobs::PayloadRetention::redact_when_done);
}

}  // namespace janua::mail
