#pragma once
// The authenticator data structure (WebAuthn L3 section 6.1) and attestation objects (6.5):
// parsed with every length checked against the bytes present.

#include "core/common/result.hpp"
#include "core/webauthn/cbor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace janua::webauthn {

struct AttestedCredential {
    std::string aaguid;          // 16 bytes
    std::string credential_id;   // raw
    std::string public_key;      // the COSE_Key bytes
    cbor::Value public_key_cose;
};

struct AuthenticatorData {
    std::string rp_id_hash;  // 32 bytes
    std::uint8_t flags = 0;
    std::uint32_t sign_count = 0;
    std::optional<AttestedCredential> attested;

    bool user_present() const { return flags & 0x01; }
    bool user_verified() const { return flags & 0x04; }
    bool backup_eligible() const { return flags & 0x08; }
    bool backup_state() const { return flags & 0x10; }
    bool has_attested() const { return flags & 0x40; }
    bool has_extensions() const { return flags & 0x80; }
};

// Every failure is ErrorCode::validation with a message that says which part is wrong.
Result<AuthenticatorData> parse_authenticator_data(std::string_view bytes);

struct AttestationObject {
    std::string fmt;
    cbor::Value statement;    // attStmt
    std::string auth_data;    // raw bytes (signed over)
    AuthenticatorData parsed;
};

Result<AttestationObject> parse_attestation_object(std::string_view bytes);

}  // namespace janua::webauthn
