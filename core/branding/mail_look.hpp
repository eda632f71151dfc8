#pragma once
// The language and look of an email: the recipient's stored locale (else the organization's
// default, else English), and the branding of the organization the mail is about (invitations)
// or of the recipient's earliest membership that has branding (account emails).

#include "core/branding/service.hpp"
#include "core/mail/templates.hpp"

#include <string>

namespace janua::branding {

mail::MailContext mail_context_for_user(db::Transaction& tx, mail::MailContext base, const std::string& email);
mail::MailContext mail_context_for_organization(db::Transaction& tx, mail::MailContext base,
                                                const std::string& organization_id, const std::string& recipient);

}  // namespace janua::branding
