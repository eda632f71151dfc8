#pragma once
// Mail goes out through the job queue: enqueue() writes the message as an "email" job in the
// caller's transaction, and the handler registered on a worker hands it to a MailSender,
// retrying with backoff while the relay is unreachable.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/jobs/worker.hpp"
#include "core/mail/message.hpp"
#include "core/mail/sender.hpp"

#include <string>

namespace janua::mail {

inline constexpr const char* k_email_job_kind = "email";

// With the default backoff (2 s doubling), 12 attempts keep retrying for roughly 35 to 70 minutes:
// about as long as the links in these mails stay valid; retrying later would deliver dead links.
inline constexpr int k_email_max_attempts = 12;

// Validate `message` and add it as a job in `tx`; return the job id. A validation error for
// header injection and the like, so the caller can reject the request that caused it.
Result<std::string> enqueue(db::Transaction& tx, const EmailMessage& message,
                            int max_attempts = k_email_max_attempts);

// Deliver "email" jobs through `sender`, which must outlive the worker. A delivered job's payload
// is redacted: it carried a live link.
void register_email_handler(jobs::Worker& worker, MailSender& sender);

}  // namespace janua::mail
