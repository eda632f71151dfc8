#pragma once
// SAML 2.0 metadata (saml-metadata-2.0-os): read an IdP's EntityDescriptor, write ours.

#include "core/common/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace janua::saml {

struct IdpMetadata {
    std::string entity_id;
    std::string sso_url;   // SingleSignOnService, HTTP-Redirect binding
    std::string slo_url;   // SingleLogoutService, HTTP-Redirect binding (may be empty)
    std::vector<std::string> certificates_pem;  // KeyDescriptor use="signing" (or no use)
    bool want_authn_requests_signed = false;
};

// Parse an IdP metadata document (an EntityDescriptor, or an EntitiesDescriptor holding exactly
// one IdP). Errors are SSO_METADATA_ERROR with a reason and a message saying what is missing.
Result<IdpMetadata> parse_idp_metadata(std::string_view xml);

// Check a PEM (or bare base64 DER) X.509 certificate and return it as PEM; SSO_CERTIFICATE_ERROR otherwise.
Result<std::string> normalize_certificate(const std::string& text);
// SHA-256 fingerprint "AB:CD:..." and the notAfter date of a PEM certificate.
std::string certificate_fingerprint(const std::string& pem);
std::string certificate_not_after(const std::string& pem);
// The base64 DER body of a PEM certificate (for ds:X509Certificate).
std::string certificate_body(const std::string& pem);

struct SpMetadata {
    std::string entity_id;
    std::string acs_url;
    std::string slo_url;
    std::string certificate_pem;  // our signing certificate
    bool authn_requests_signed = false;
    bool want_assertions_signed = true;
};

std::string sp_metadata_xml(const SpMetadata& sp);

}  // namespace janua::saml
