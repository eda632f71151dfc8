#pragma once
// The Janua-Signature header of a webhook delivery (shared/API.md):
//   Janua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// The key is the endpoint's secret exactly as it was shown ("whsec_..."). A receiver recomputes
// the MAC over the raw body, compares in constant time and refuses an old t (replay).

#include <cstdint>
#include <string>

namespace janua::webhooks {

std::string signature_header(const std::string& secret, std::int64_t timestamp, const std::string& body);

// Return a new endpoint secret: "whsec_" and 32 random bytes in base64url.
std::string generate_secret();

}  // namespace janua::webhooks
