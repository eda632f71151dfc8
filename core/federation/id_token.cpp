#include "core/federation/id_token.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/jws.hpp"
#include "core/federation/failure.hpp"

#include <regex>

namespace janua::federation {
namespace {

bool is_integer_time(const nlohmann::json& claims, const char* name) {
    return claims.contains(name) && claims[name].is_number() && !claims[name].is_number_float();
}

}  // namespace

std::optional<std::string> id_token_kid(const std::string& token) {
    auto parsed = crypto::jws_parse(token);
    if (!parsed || !parsed->header.contains("kid") || !parsed->header["kid"].is_string()) return std::nullopt;
    return parsed->header["kid"].get<std::string>();
}

Result<nlohmann::json> validate_id_token(const std::string& token, const nlohmann::json& jwks,
                                         const IdTokenExpectations& expect) {
    auto parsed = crypto::jws_parse(token);
    if (!parsed) return login_failure("malformed", "the identity provider's ID token is not a signed JWT");
    const auto& header = parsed->header;
    const std::string alg = header.contains("alg") && header["alg"].is_string() ? header["alg"].get<std::string>() : "";
    const auto algorithm = crypto::jws_algorithm_from_name(alg);
    if (!algorithm)
        return login_failure("alg_not_allowed", "the identity provider signed its ID token with '" + alg +
                                                    "'; only RS256, ES256 and EdDSA are accepted");
    std::optional<std::string> kid;
    if (header.contains("kid")) {
        if (!header["kid"].is_string()) return login_failure("malformed", "the ID token's kid is not a string");
        kid = header["kid"].get<std::string>();
    }
    bool verified = false;
    bool candidate = false;
    if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
        for (const auto& jwk : jwks["keys"]) {
            if (!jwk.is_object()) continue;
            if (kid && jwk.value("kid", nlohmann::json()) != *kid) continue;
            auto key = crypto::VerificationKey::from_jwk(jwk);  // refuses use:enc and a mismatched alg
            if (!key || key->algorithm() != *algorithm) continue;
            candidate = true;
            if (crypto::jws_verify(*parsed, *key)) {
                verified = true;
                break;
            }
        }
    }
    if (!candidate)
        return login_failure("unknown_key", "the ID token is signed with a key the identity provider does not publish" +
                                                (kid ? " (kid '" + *kid + "')" : std::string()));
    if (!verified) return login_failure("signature_invalid", "the ID token's signature does not verify with the identity provider's keys");

    auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
    if (claims.is_discarded() || !claims.is_object()) return login_failure("malformed", "the ID token's claims are not a JSON object");

    // iss: exact, after filling Microsoft's tenant template from tid.
    std::string expected_issuer = expect.issuer;
    if (const auto at = expected_issuer.find("{tenantid}"); at != std::string::npos) {
        static const std::regex tenant("^[0-9a-fA-F-]{1,64}$");
        const std::string tid = claims.contains("tid") && claims["tid"].is_string() ? claims["tid"].get<std::string>() : "";
        if (!std::regex_match(tid, tenant)) return login_failure("issuer_mismatch", "the ID token has no valid tid for the tenant issuer");
        expected_issuer.replace(at, 10, tid);
    }
    const std::string iss = claims.contains("iss") && claims["iss"].is_string() ? claims["iss"].get<std::string>() : "";
    bool issuer_ok = iss == expected_issuer;
    for (const auto& alias : expect.issuer_aliases) issuer_ok = issuer_ok || iss == alias;
    if (!issuer_ok)
        return login_failure("issuer_mismatch", "the ID token was issued by '" + iss + "', not by '" + expected_issuer + "'");

    // aud: a string or an array of strings holding our client_id.
    std::vector<std::string> audiences;
    if (claims.contains("aud") && claims["aud"].is_string()) audiences.push_back(claims["aud"].get<std::string>());
    if (claims.contains("aud") && claims["aud"].is_array())
        for (const auto& a : claims["aud"])
            if (a.is_string()) audiences.push_back(a.get<std::string>());
    if (std::find(audiences.begin(), audiences.end(), expect.client_id) == audiences.end())
        return login_failure("audience_mismatch", "the ID token is meant for another client (aud does not contain '" +
                                                      expect.client_id + "')");
    const bool has_azp = claims.contains("azp");
    if (has_azp && (!claims["azp"].is_string() || claims["azp"].get<std::string>() != expect.client_id))
        return login_failure("azp_mismatch", "the ID token's authorized party (azp) is another client");
    if (audiences.size() > 1 && !has_azp)
        return login_failure("azp_mismatch", "the ID token has several audiences and no authorized party (azp)");

    if (!is_integer_time(claims, "exp") || !is_integer_time(claims, "iat"))
        return login_failure("malformed", "the ID token lacks exp or iat");
    const auto exp = claims["exp"].get<std::int64_t>();
    const auto iat = claims["iat"].get<std::int64_t>();
    if (exp <= expect.now - expect.skew_seconds) return login_failure("expired", "the ID token has expired");
    if (iat > expect.now + expect.skew_seconds) return login_failure("issued_in_future", "the ID token was issued in the future; check the clocks");
    if (iat < expect.now - expect.max_age_seconds - expect.skew_seconds)
        return login_failure("too_old", "the ID token was issued too long ago");

    const std::string nonce = claims.contains("nonce") && claims["nonce"].is_string() ? claims["nonce"].get<std::string>() : "";
    if (expect.nonce.empty() || !crypto::constant_time_equals(nonce, expect.nonce))
        return login_failure("nonce_mismatch", "the ID token's nonce does not match the login request");

    if (!claims.contains("sub") || !claims["sub"].is_string() || claims["sub"].get<std::string>().empty() ||
        claims["sub"].get<std::string>().size() > 255)
        return login_failure("subject_missing", "the ID token has no usable subject (sub)");
    return claims;
}

}  // namespace janua::federation
