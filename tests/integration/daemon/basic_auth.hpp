#pragma once
// client_secret_basic credentials for the security tests (RFC 6749 2.3.1: standard base64 of
// form-encoded id:secret).
#include "tests/integration/oidc/oidc_support.hpp"

#include <algorithm>

namespace janua::test::security {

inline std::string basic(const std::string& id, const std::string& secret) {
    std::string b = identity::base64url_encode(oidc::url_encode(id) + ":" + oidc::url_encode(secret));
    std::replace(b.begin(), b.end(), '-', '+');
    std::replace(b.begin(), b.end(), '_', '/');
    while (b.size() % 4) b += '=';
    return b;
}

}  // namespace janua::test::security
