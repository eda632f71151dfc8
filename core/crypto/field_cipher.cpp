#include "core/crypto/field_cipher.hpp"

#include <stdexcept>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace janua::crypto {

FernetKeyring make_field_keyring(const std::vector<std::string>& keys,
                                 const std::string& secret_key) {
    std::vector<std::string> effective = keys;
    if (effective.empty()) {
        effective.push_back(base64url_encode(sha256("janua-development-field-key:" + secret_key),
                                             Base64Padding::required));
    }
    auto ring = FernetKeyring::from_keys(effective);
    // The config loader cannot validate Fernet keys without this module; the message names the
    // setting.
    if (!ring)
        throw std::invalid_argument("invalid setting FIELD_ENCRYPTION_KEY: " +
                                    ring.error().message);
    return std::move(ring.value());
}

}  // namespace janua::crypto
