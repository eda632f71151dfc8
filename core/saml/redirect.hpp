#pragma once
// The HTTP-Redirect binding (saml-bindings-2.0-os 3.4): raw DEFLATE + base64 in the query, and
// the query-string signature over "SAMLRequest=..&RelayState=..&SigAlg=..". Also the SP's own
// signing key: an RSA key and a self-signed certificate made per connection.

#include "core/common/result.hpp"

#include <string>
#include <vector>

namespace janua::saml {

inline constexpr const char* k_sig_alg_rsa_sha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

// The URL that carries `xml` to `endpoint` as `parameter` (SAMLRequest or SAMLResponse), with
// RelayState when not empty, signed (RSA-SHA256) when `private_key_pem` is not empty.
std::string redirect_url(const std::string& endpoint, const std::string& parameter, const std::string& xml,
                         const std::string& relay_state, const std::string& private_key_pem);

// Decode a Redirect-binding parameter (base64 of raw DEFLATE), bounded to `max_bytes` inflated.
Result<std::string> decode_redirect_message(const std::string& value, std::size_t max_bytes);

// Verify the query signature of a message received on the Redirect binding, from the query as
// it arrived (`raw_query`, still percent-encoded, in any order), against the certificates.
// absent -> false; verified -> true; anything else -> an error.
Result<bool> verify_redirect_signature(const std::string& raw_query, const std::string& parameter,
                                       const std::vector<std::string>& certificates_pem, bool allow_sha1);

struct SpKeyPair {
    std::string private_key_pem;
    std::string certificate_pem;
};
// A fresh RSA-2048 key and a self-signed certificate for `common_name`, valid ten years.
SpKeyPair generate_sp_key(const std::string& common_name);

}  // namespace janua::saml
