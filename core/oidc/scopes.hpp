#pragma once
// Scope strings (space-delimited, RFC 6749 3.3) and the OpenID Connect claims each scope releases.

#include "core/identity/user.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace janua::oidc {

std::vector<std::string> parse_scope(const std::string& scope);
std::string join_scope(const std::vector<std::string>& scopes);
bool has_scope(const std::string& scope, const std::string& wanted);
// Every requested scope is allowed.
bool scopes_allowed(const std::vector<std::string>& requested, const std::vector<std::string>& allowed);

// The scopes this provider knows (discovery's scopes_supported).
const std::vector<std::string>& supported_scopes();
const std::vector<std::string>& supported_claims();

// The authentication context class: NIST SP 800-63 "aal2" when a second factor was used, else "aal1".
std::string acr_for(const std::vector<std::string>& amr);

// Standard claims for `user` released by `scope` (profile, email, phone), plus sub.
nlohmann::json user_claims(const identity::User& user, const std::string& scope);

}  // namespace janua::oidc
