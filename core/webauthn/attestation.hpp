#pragma once
// Attestation statement verification (WebAuthn L3 section 8): "none" and "packed" (self
// attestation and x5c). There is no trust store: an x5c chain is checked for internal
// consistency (each certificate signed by the next, the leaf's required fields, the AAGUID
// extension) and recorded as "basic" attestation, not as proof of a certified authenticator.

#include "core/common/result.hpp"
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/cose_key.hpp"

#include <string>

namespace janua::webauthn {

struct AttestationResult {
    std::string type;  // none | self | basic
};

// `client_data_hash` is SHA-256 of clientDataJSON; `credential_key` the attested public key.
Result<AttestationResult> verify_attestation(const AttestationObject& object, const std::string& client_data_hash,
                                             const PublicKey& credential_key);

}  // namespace janua::webauthn
