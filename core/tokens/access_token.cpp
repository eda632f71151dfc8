#include "core/tokens/access_token.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace janua::tokens {
namespace {

// Resource servers present the same token many times (introspection, userinfo, API calls), and an
// RSA signature check costs more than the rest of such a request. Tokens whose signature has been
// verified are remembered with their parsed claims; everything that can change with time (expiry,
// issuer and audience checks, the session) is still checked on every use. The key is the whole
// token, so a lookup compares it byte for byte and a hash collision cannot admit a forged one; an
// entry counts only while its kid is still published in the caller's key snapshot.
class VerifiedTokens {
public:
    struct Entry {
        std::string kid;
        std::shared_ptr<const nlohmann::json> claims;
    };

    std::optional<Entry> find(std::string_view token) {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(std::string(token));
        if (it == m_entries.end()) return std::nullopt;
        return it->second;
    }

    void remember(std::string_view token, Entry entry) {
        if (token.size() > k_max_token_bytes) return;
        std::lock_guard lock(m_mutex);
        // Forgetting everything at once keeps this simple and bounded; the next uses re-verify.
        if (m_entries.size() >= k_capacity) m_entries.clear();
        m_entries.insert_or_assign(std::string(token), std::move(entry));
    }

private:
    static constexpr std::size_t k_capacity = 1024;
    static constexpr std::size_t k_max_token_bytes = 4096;
    std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
};

VerifiedTokens& verified_tokens() {
    static VerifiedTokens cache;
    return cache;
}

// The claims of `token` when its signature is valid under one of `keys`, else the reason.
Result<VerifiedTokens::Entry> verified_claims(std::string_view token, const KeySnapshot& keys);

Error token_error(const std::string& message) { return make_error(ErrorCode::token, message); }

bool audience_matches(const nlohmann::json& aud, const std::string& expected) {
    if (aud.is_string()) return aud.get<std::string>() == expected;
    if (aud.is_array())
        for (const auto& a : aud)
            if (a.is_string() && a.get<std::string>() == expected) return true;
    return false;
}

Result<VerifiedTokens::Entry> verified_claims(std::string_view token, const KeySnapshot& keys) {
    if (auto known = verified_tokens().find(token); known && keys.published.count(known->kid)) return *known;
    auto parsed = crypto::jws_parse(token);
    if (!parsed) return token_error("malformed access token");
    const auto& header = parsed->header;
    if (!header.contains("typ") || !header["typ"].is_string() ||
        (header["typ"] != "at+jwt" && header["typ"] != "application/at+jwt"))
        return token_error("not an access token");
    if (!header.contains("kid") || !header["kid"].is_string()) return token_error("access token has no kid");
    const auto kid = header["kid"].get<std::string>();
    auto key = keys.published.find(kid);
    if (key == keys.published.end()) return token_error("access token signed by an unknown key");
    if (!crypto::jws_verify(*parsed, key->second)) return token_error("invalid access token signature");
    auto claims = nlohmann::json::parse(parsed->payload, nullptr, false);
    if (claims.is_discarded() || !claims.is_object()) return token_error("malformed access token claims");
    VerifiedTokens::Entry entry{kid, std::make_shared<const nlohmann::json>(std::move(claims))};
    verified_tokens().remember(token, entry);
    return entry;
}

}  // namespace

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<IssuedAccessToken> issue_access_token(const KeySnapshot& keys, const std::string& issuer,
                                             const AccessTokenRequest& request, std::int64_t now) {
    if (!keys.active) return make_error(ErrorCode::unavailable, "no signing key is loaded yet; retry shortly");
    IssuedAccessToken issued;
    issued.jti = crypto::base64url_encode(crypto::random_bytes(16));
    issued.expires_in = request.lifetime_seconds;
    nlohmann::json claims = {
        {"iss", issuer},
        {"sub", request.subject},
        {"aud", request.audience},
        {"iat", now},
        {"nbf", now},
        {"exp", now + request.lifetime_seconds},
        {"jti", issued.jti},
        {"client_id", request.client_id},
        {"scope", request.scope},
    };
    if (!request.session_id.empty()) claims["sid"] = request.session_id;
    if (request.organization_id) claims["org_id"] = *request.organization_id;
    if (!request.amr.empty()) claims["amr"] = request.amr;
    if (request.auth_time > 0) claims["auth_time"] = request.auth_time;
    if (request.extra_claims.is_object())
        for (const auto& [name, value] : request.extra_claims.items())
            if (!claims.contains(name)) claims[name] = value;
    const nlohmann::json header = {{"typ", "at+jwt"}, {"kid", keys.active_kid}};
    issued.token = crypto::jws_sign(header, claims.dump(), *keys.active);
    return issued;
}

std::optional<std::string> peek_kid(std::string_view token) {
    auto parsed = crypto::jws_parse(token);
    if (!parsed || !parsed->header.contains("kid") || !parsed->header["kid"].is_string()) return std::nullopt;
    return parsed->header["kid"].get<std::string>();
}

Result<VerifiedAccessToken> verify_access_token(std::string_view token, const KeySnapshot& keys,
                                                const VerifyOptions& options) {
    auto signature = verified_claims(token, keys);
    if (!signature) return signature.error();
    const auto& claims = *signature->claims;
    const auto& kid = signature->kid;
    auto number = [&](const char* name) -> std::optional<std::int64_t> {
        if (!claims.contains(name) || !claims[name].is_number_integer()) return std::nullopt;
        return claims[name].get<std::int64_t>();
    };
    if (!claims.contains("iss") || claims["iss"] != options.issuer) return token_error("access token from another issuer");
    if (!options.audience.empty() && (!claims.contains("aud") || !audience_matches(claims["aud"], options.audience)))
        return token_error("access token for another audience");
    const auto exp = number("exp");
    if (!exp) return token_error("access token has no expiry");
    if (*exp + options.leeway_seconds <= options.now) return token_error("access token expired");
    if (auto nbf = number("nbf"); nbf && *nbf - options.leeway_seconds > options.now)
        return token_error("access token not yet valid");
    if (!claims.contains("sub") || !claims["sub"].is_string()) return token_error("access token has no subject");

    auto text = [&](const char* name) {
        return claims.contains(name) && claims[name].is_string() ? claims[name].get<std::string>() : std::string();
    };
    VerifiedAccessToken verified;
    verified.subject = text("sub");
    verified.session_id = text("sid");
    verified.client_id = text("client_id");
    verified.scope = text("scope");
    if (claims.contains("org_id") && claims["org_id"].is_string()) verified.organization_id = claims["org_id"].get<std::string>();
    if (claims.contains("amr") && claims["amr"].is_array())
        for (const auto& method : claims["amr"])
            if (method.is_string()) verified.amr.push_back(method.get<std::string>());
    verified.kid = kid;
    verified.claims = claims;
    return verified;
}

}  // namespace janua::tokens
