#pragma once
// The language and look of an email: the recipient's stored locale (else the organization's
// default, else English). An invitation carries the inviting organization's name, logo and colours;
// account mail (verification, reset, magic link, email change, sign-in warnings) carries only the
// platform's: an organization a user belongs to must not dress up that user's security mail. The
// wording is always the shipped catalog's.

#include "core/branding/service.hpp"
#include "core/mail/templates.hpp"

#include <string>

namespace janua::branding {

mail::MailContext mail_context_for_user(db::Transaction& tx, mail::MailContext base, const std::string& email);
mail::MailContext mail_context_for_organization(db::Transaction& tx, mail::MailContext base,
                                                const std::string& organization_id, const std::string& recipient);

}  // namespace janua::branding
