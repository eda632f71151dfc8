#pragma once
// Encryption of secrets at rest (signing keys, MFA secrets, SSO and webhook secrets) under
// FIELD_ENCRYPTION_KEY, a list of Fernet keys, newest first, so the key itself can rotate.

#include <string>
#include <vector>

#include "core/crypto/fernet.hpp"

namespace janua::crypto {

// Outside production FIELD_ENCRYPTION_KEY may be empty; a key derived from SECRET_KEY then
// stands in, so a development setup works without ceremony (the config loader warns).
FernetKeyring make_field_keyring(const std::vector<std::string>& keys,
                                 const std::string& secret_key);

}  // namespace janua::crypto
