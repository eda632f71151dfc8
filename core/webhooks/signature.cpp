#include "core/webhooks/signature.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace janua::webhooks {

std::string signature_header(const std::string& secret, std::int64_t timestamp, const std::string& body) {
    const std::string t = std::to_string(timestamp);
    return "t=" + t + ",v1=" + crypto::hex_encode(crypto::hmac_sha256(secret, t + "." + body));
}

std::string generate_secret() { return "whsec_" + crypto::random_token(32); }

}  // namespace janua::webhooks
