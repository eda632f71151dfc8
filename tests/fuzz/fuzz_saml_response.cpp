// libFuzzer target: a posted SAMLResponse through the real validation (core/saml/response.cpp) —
// base64 decoding, the hardened XML parser, the signature-wrapping checks, xmlsec's signature
// verification and the Web Browser SSO profile rules. Any input must come back as a validated
// assertion or an error; nothing unsigned may validate (a fuzzer cannot sign with the IdP's key).
#include "core/saml/response.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

// A throwaway self-signed P-256 certificate standing for the IdP's; its key is not kept.
const char* const k_idp_certificate = "-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIUb4RLWqym87CpiLlG0zrFzwpvoAAwCgYIKoZIzj0EAwIw\nEzERMA8GA1UEAwwIZnV6ei1pZHAwIBcNMjYxMTIzMDU0ODA4WhgPMjEyNjEwMzAw\nNTQ4MDhaMBMxETAPBgNVBAMMCGZ1enotaWRwMFkwEwYHKoZIzj0CAQYIKoZIzj0D\nAQcDQgAEwf4eSiaD5dCNw9LmRi6oCGItNrme8JLwxOpcHmAPBshA0KG2uDSx6m7K\nhc6FMhuROt1xI2JB8gMKbtiOjeHv+aNTMFEwHQYDVR0OBBYEFI13+OUFKajV+mZ3\nYFx3O/GQsgSHMB8GA1UdIwQYMBaAFI13+OUFKajV+mZ3YFx3O/GQsgSHMA8GA1Ud\nEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgFEwkHBCj5wLTjoo81HyteN5u\n8KYaMwxt0x9/o0Yi4J8CIQCthfCZNWQAGu4U+ULH7yEaY5cCdqdCUZ+2QSJfBjxx\nvw==\n-----END CERTIFICATE-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    janua::saml::ResponseRules rules;
    rules.sp_entity_id = "https://sp.example/saml/metadata";
    rules.acs_url = "https://sp.example/saml/acs";
    rules.idp_entity_id = "https://idp.example";
    rules.certificates_pem = {k_idp_certificate};
    rules.now = 1800000000;
    // The first byte picks the entry point: the posted (base64) form or the decoded XML.
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string xml = input;
    if (data[0] & 1) {
        auto decoded = janua::saml::decode_post_message(input);
        if (!decoded) return 0;
        xml = *decoded;
    }
    auto result = janua::saml::validate_response(xml, rules);
    if (result) std::abort();  // validated without the IdP's signature
    return 0;
}
