#include "core/oidc/pkce.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

#include <algorithm>
#include <cctype>

namespace janua::oidc {

bool is_valid_pkce_value(const std::string& value) {
    return value.size() >= 43 && value.size() <= 128 && std::all_of(value.begin(), value.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
           });
}

bool verify_s256(const std::string& verifier, const std::string& challenge) {
    if (!is_valid_pkce_value(verifier)) return false;
    return crypto::constant_time_equals(crypto::base64url_encode(crypto::sha256(verifier)), challenge);
}

}  // namespace janua::oidc
