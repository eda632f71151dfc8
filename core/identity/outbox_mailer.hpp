#pragma once
// The Mailer the authentication flows use: renders the email and puts it in the outbox (a
// job in the same transaction), so it is sent exactly when the change commits.

#include "core/config/config.hpp"
#include "core/identity/auth_service.hpp"

namespace janua::identity {

Mailer outbox_mailer(const config::Config& config);

}  // namespace janua::identity
