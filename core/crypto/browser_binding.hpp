#pragma once
// Binding a sign-in started at an identity provider to the browser that started it (login CSRF
// defence for SAML and upstream OIDC): the start hands the browser a random value in a
// short-lived HttpOnly cookie and stores only its SHA-256 with the request (RelayState / state);
// the response is accepted only from a browser presenting that value.

#include <optional>
#include <string>

namespace janua::crypto::browser_binding {

// The cookie value for a new sign-in: the browser's current one when it presents a well-formed
// value (so sign-ins started in two tabs of one browser both finish), else 256 fresh random bits.
std::string value_for(const std::string& presented);

// What is stored with the request: the raw SHA-256 of the value.
std::string hash_of(const std::string& value);

// Whether `presented` is the value whose hash was stored; constant time. A request stored with
// no hash (started before binding existed) is not bound.
bool matches(const std::optional<std::string>& stored_hash, const std::string& presented);

}  // namespace janua::crypto::browser_binding
