#pragma once
// Changing a user's email address, as Keycloak's "update email" with verification: the user asks
// with their password, a single-use link goes to the new address, and only opening it changes the
// address (marked verified); the old address is told afterwards.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/password_hasher.hpp"

#include <string>

namespace janua::identity {

class EmailChangeService {
public:
    EmailChangeService(db::Pool& pool, PasswordHasher& hasher, const config::Config& config);

    // Sends the confirmation link to `new_email`. 422 for an invalid or unchanged address, 401 for
    // a wrong password, 409 when another account has the address, 403 when email is not set up.
    Status request(const std::string& user_id, const std::string& new_email, const std::string& password,
                   const RequestMeta& meta);
    // Spends the link and changes the address; the new address. 401 (TOKEN) for a used, expired or
    // unknown link, 409 when the address was taken meanwhile.
    Result<std::string> confirm(const std::string& token, const RequestMeta& meta);

private:
    db::Pool& m_pool;
    PasswordHasher& m_hasher;
    const config::Config& m_config;
};

}  // namespace janua::identity
