#include "core/oidc/id_token.hpp"

#include "core/crypto/encoding.hpp"

#include <openssl/evp.h>

namespace janua::oidc {

std::string half_hash(const std::string& value, crypto::JwsAlgorithm algorithm) {
    const EVP_MD* md = algorithm == crypto::JwsAlgorithm::eddsa ? EVP_sha512() : EVP_sha256();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(value.data(), value.size(), digest, &length, md, nullptr);
    return crypto::base64url_encode(std::string(reinterpret_cast<const char*>(digest), length / 2));
}

Result<std::string> sign_id_token(const tokens::KeySnapshot& keys, const nlohmann::json& claims) {
    if (!keys.active) return make_error(ErrorCode::unavailable, "no signing key is loaded yet; retry shortly");
    return crypto::jws_sign({{"typ", "JWT"}, {"kid", keys.active_kid}}, claims.dump(), *keys.active);
}

Result<nlohmann::json> verify_id_token_hint(const std::string& token, const tokens::KeySnapshot& keys,
                                            const std::string& issuer) {
    auto parsed = crypto::jws_parse(token);
    if (!parsed || !parsed->header.contains("kid") || !parsed->header["kid"].is_string())
        return make_error(ErrorCode::token, "id_token_hint is not a token of this provider");
    auto key = keys.published.find(parsed->header["kid"].get<std::string>());
    if (key == keys.published.end() || !crypto::jws_verify(*parsed, key->second))
        return make_error(ErrorCode::token, "id_token_hint is not a token of this provider");
    auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
    if (claims.is_discarded() || !claims.is_object() || !claims.contains("iss") || claims["iss"] != issuer)
        return make_error(ErrorCode::token, "id_token_hint is not a token of this provider");
    return claims;
}

}  // namespace janua::oidc
