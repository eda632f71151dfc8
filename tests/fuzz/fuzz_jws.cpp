// libFuzzer target: compact JWS parsing and verification (the path of every bearer token, ID
// token hint, client assertion and DPoP proof) and public JWK import (client jwks, DPoP jwk
// headers). Nothing may crash or read out of bounds, and no random input may verify.
#include "core/crypto/jws.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace janua::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const SigningKey key = SigningKey::generate(JwsAlgorithm::es256);
    static const VerificationKey verifier = key.verification_key();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto parsed = jws_parse(input)) {
        if (jws_verify(*parsed, verifier)) std::abort();  // a forgery
        if (parsed->header.contains("jwk")) (void)VerificationKey::from_jwk(parsed->header["jwk"]);
    }
    auto jwk = nlohmann::json::parse(input, nullptr, false);
    if (!jwk.is_discarded()) (void)VerificationKey::from_jwk(jwk);
    return 0;
}
