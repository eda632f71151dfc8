// libFuzzer target: the WebAuthn binary parsers — CBOR, COSE keys, authenticator data and
// attestation objects — which read bytes a browser (or an attacker posing as one) sends.
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/cbor.hpp"
#include "core/webauthn/cose_key.hpp"

#include <cstdint>
#include <string_view>

using namespace janua::webauthn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)cbor::decode(input);
    (void)cbor::decode_prefix(input);
    (void)public_key_from_cose_bytes(input);
    (void)parse_authenticator_data(input);
    (void)parse_attestation_object(input);
    return 0;
}
