#pragma once
// PKCE (RFC 7636). Only S256: "plain" protects nothing against an attacker who sees the request.

#include <string>

namespace janua::oidc {

// 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 4.1 and 4.2).
bool is_valid_pkce_value(const std::string& value);
// BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
bool verify_s256(const std::string& verifier, const std::string& challenge);

}  // namespace janua::oidc
