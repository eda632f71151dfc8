// DPoP (RFC 9449) at the provider: proofs at the token endpoint, the jti replay cache, and the
// binding check for resource requests (userinfo).
#include "core/common/time.hpp"
#include "core/crypto/hash.hpp"
#include "core/oidc/dpop.hpp"
#include "core/oidc/provider.hpp"
#include "core/tokens/access_token.hpp"

namespace janua::oidc {
namespace {

constexpr db::Statement k_remember{
    "dpop_remember_jti",
    "INSERT INTO dpop_proof_jtis (jkt, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING"};
constexpr db::Statement k_forget_old{"dpop_forget_old_jtis", "DELETE FROM dpop_proof_jtis WHERE expires_at < now()"};

}  // namespace

std::variant<std::string, OAuthError> Provider::check_dpop_proof(const std::string& proof, const std::string& method,
                                                                 const std::string& path,
                                                                 const std::optional<std::string>& access_token) {
    const char* error = access_token ? "invalid_token" : "invalid_dpop_proof";
    const int status = access_token ? 401 : 400;
    if (proof.find(',') != std::string::npos) return OAuthError{error, "send exactly one DPoP proof", status};
    const auto now = unix_seconds_now();
    auto verified = verify_dpop_proof(proof, method, endpoint(path), now, access_token);
    if (!verified) return OAuthError{error, verified.error().message, status};
    // A jti is remembered for as long as its proof could pass the iat check.
    const bool fresh = m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_forget_old);
        return tx.exec(k_remember, verified->jkt, verified->jti, verified->iat + k_dpop_max_age_seconds + k_dpop_max_skew_seconds)
                   .affected_rows() == 1;
    });
    if (!fresh) return OAuthError{error, "DPoP proof was already used (jti replayed)", status};
    return verified->jkt;
}

std::optional<OAuthError> Provider::check_token_binding(const std::string& token, const std::string& scheme,
                                                        const std::string& dpop_header, const std::string& method,
                                                        const std::string& path) {
    auto verified = tokens::verify_access_token(token, *m_keys.snapshot(), {m_settings.issuer, "", unix_seconds_now(), 30});
    if (!verified) return OAuthError{"invalid_token", verified.error().message, 401};
    const auto& claims = verified->claims;
    const bool bound = claims.contains("cnf") && claims["cnf"].is_object() && claims["cnf"].contains("jkt");
    if (scheme == "DPoP") {
        if (!bound) return OAuthError{"invalid_token", "this access token is not DPoP-bound: send it as Bearer", 401};
        if (dpop_header.empty()) return OAuthError{"invalid_token", "a DPoP proof is required with a DPoP-bound token", 401};
        auto jkt = check_dpop_proof(dpop_header, method, path, token);
        if (auto* error = std::get_if<OAuthError>(&jkt)) return *error;
        if (!claims["cnf"]["jkt"].is_string() ||
            !crypto::constant_time_equals(std::get<std::string>(jkt), claims["cnf"]["jkt"].get<std::string>()))
            return OAuthError{"invalid_token", "the DPoP proof is signed by another key than the token is bound to", 401};
        return std::nullopt;
    }
    // RFC 9449 7.2: a bound token sent as Bearer is refused (it would lose its protection).
    if (bound) return OAuthError{"invalid_token", "this access token is DPoP-bound: send it with Authorization: DPoP and a proof", 401};
    return std::nullopt;
}

}  // namespace janua::oidc
