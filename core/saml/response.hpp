#pragma once
// Validate a SAML 2.0 Response posted to the ACS (saml-core-2.0 section 2-3, saml-profiles-2.0
// section 4.1.4): signatures against the configured certificates, then the rules of the Web
// Browser SSO profile. Only the node a verified signature covers is read (signature wrapping).
// Stateful checks (InResponseTo against the stored request, assertion-ID replay) are the
// caller's: this returns what they need.

#include "core/common/result.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace janua::saml {

struct ResponseRules {
    std::string sp_entity_id;   // our Audience
    std::string acs_url;        // Destination and Recipient
    std::string idp_entity_id;  // the expected Issuer
    std::vector<std::string> certificates_pem;
    bool want_assertions_signed = true;
    bool want_response_signed = false;
    bool allow_sha1 = false;
    int clock_skew_seconds = 120;
    std::int64_t now = 0;  // unix seconds
};

struct ValidatedAssertion {
    std::string response_id;
    std::string assertion_id;
    std::string issuer;
    std::string name_id;
    std::string name_id_format;
    std::string session_index;
    std::string in_response_to;  // empty: unsolicited (IdP-initiated)
    std::int64_t expires_at = 0; // the earliest NotOnOrAfter (replay memory lasts until then + skew)
    bool response_signed = false;
    bool assertion_signed = false;
    std::map<std::string, std::vector<std::string>> attributes;  // by Name (and FriendlyName)
};

// `xml` is the decoded SAMLResponse.
Result<ValidatedAssertion> validate_response(std::string_view xml, const ResponseRules& rules);

// Base64-decode a posted SAMLResponse (line breaks allowed), bounded in size.
Result<std::string> decode_post_message(const std::string& base64);

}  // namespace janua::saml
