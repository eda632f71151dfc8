#include "core/oidc/dpop.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/jws.hpp"

namespace janua::oidc {
namespace {

Error proof_error(const std::string& message) { return make_error(ErrorCode::token, "DPoP proof " + message); }

std::string without_query(const std::string& url) {
    const auto cut = url.find_first_of("?#");
    return cut == std::string::npos ? url : url.substr(0, cut);
}

}  // namespace

Result<std::string> jwk_thumbprint(const nlohmann::json& jwk) {
    if (!jwk.is_object() || !jwk.contains("kty") || !jwk["kty"].is_string()) return proof_error("jwk has no kty");
    const std::string kty = jwk["kty"].get<std::string>();
    std::vector<const char*> members;
    if (kty == "EC") members = {"crv", "kty", "x", "y"};
    else if (kty == "RSA") members = {"e", "kty", "n"};
    else if (kty == "OKP") members = {"crv", "kty", "x"};
    else return proof_error("jwk has an unsupported kty");
    // nlohmann::json keeps object members sorted and dumps without whitespace: RFC 7638's form.
    nlohmann::json canonical = nlohmann::json::object();
    for (const char* m : members) {
        if (!jwk.contains(m) || !jwk[m].is_string()) return proof_error(std::string("jwk lacks ") + m);
        canonical[m] = jwk[m];
    }
    return crypto::base64url_encode(crypto::sha256(canonical.dump()));
}

Result<DpopProof> verify_dpop_proof(const std::string& proof, const std::string& method, const std::string& url,
                                    std::int64_t now, const std::optional<std::string>& access_token) {
    auto parsed = crypto::jws_parse(proof, 8192);
    if (!parsed) return proof_error("is not a JWS");
    const auto& header = parsed->header;
    if (header.value("typ", nlohmann::json()) != "dpop+jwt") return proof_error("must have typ dpop+jwt");
    if (!header.contains("alg") || !header["alg"].is_string() || !crypto::jws_algorithm_from_name(header["alg"].get<std::string>()))
        return proof_error("alg must be RS256, ES256 or EdDSA");
    if (!header.contains("jwk") || !header["jwk"].is_object()) return proof_error("must carry the public key in jwk");
    const auto& jwk = header["jwk"];
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"})
        if (jwk.contains(secret)) return proof_error("jwk must be a public key");
    auto key = crypto::VerificationKey::from_jwk(jwk);
    if (!key) return proof_error("jwk is not a usable public key");
    if (!crypto::jws_verify(*parsed, *key)) return proof_error("signature does not verify");

    auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
    if (claims.is_discarded() || !claims.is_object()) return proof_error("claims are malformed");
    if (!claims.contains("jti") || !claims["jti"].is_string() || claims["jti"].get<std::string>().empty() ||
        claims["jti"].get<std::string>().size() > 256)
        return proof_error("needs a jti");
    if (claims.value("htm", nlohmann::json()) != method) return proof_error("htm does not match the request method");
    if (!claims.contains("htu") || !claims["htu"].is_string() || without_query(claims["htu"].get<std::string>()) != without_query(url))
        return proof_error("htu does not match the request URL");
    if (!claims.contains("iat") || !claims["iat"].is_number()) return proof_error("needs iat");
    const auto iat = static_cast<std::int64_t>(claims["iat"].get<double>());
    if (iat < now - k_dpop_max_age_seconds || iat > now + k_dpop_max_skew_seconds) return proof_error("iat is too old or in the future");
    if (access_token) {
        const std::string expected = crypto::base64url_encode(crypto::sha256(*access_token));
        if (!claims.contains("ath") || !claims["ath"].is_string() ||
            !crypto::constant_time_equals(claims["ath"].get<std::string>(), expected))
            return proof_error("ath does not match the access token");
    }
    auto jkt = jwk_thumbprint(jwk);
    if (!jkt) return jkt.error();
    return DpopProof{*jkt, claims["jti"].get<std::string>(), iat};
}

}  // namespace janua::oidc
