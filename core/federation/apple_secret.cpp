#include "core/federation/apple_secret.hpp"

#include "core/crypto/jws.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace janua::federation {
namespace {

bool apple_id(const std::string& value) {
    return value.size() == 10 && std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c); });
}

Error invalid(const char* field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, std::string(field) + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

}  // namespace

Status check_apple_signing_key(const AppleSigningKey& key) {
    if (!apple_id(key.team_id)) return invalid("apple_signing_key.team_id", "must be the 10-character Apple Team ID");
    if (!apple_id(key.key_id)) return invalid("apple_signing_key.key_id", "must be the 10-character ID of the key");
    if (!crypto::SigningKey::from_private_pem(crypto::JwsAlgorithm::es256, key.private_key))
        return invalid("apple_signing_key.private_key", "must be the .p8 file Apple issued (an unencrypted P-256 PEM private key)");
    return Ok{};
}

Result<std::string> apple_client_secret(const AppleSigningKey& key, const std::string& client_id, std::int64_t now,
                                        std::int64_t lifetime_seconds) {
    if (auto ok = check_apple_signing_key(key); !ok) return ok.error();
    auto signer = crypto::SigningKey::from_private_pem(crypto::JwsAlgorithm::es256, key.private_key);
    if (!signer) return signer.error();
    const std::int64_t lifetime = std::clamp<std::int64_t>(lifetime_seconds, 1, k_apple_max_lifetime_seconds);
    const nlohmann::json claims = {{"iss", key.team_id},
                                   {"iat", now},
                                   {"exp", now + lifetime},
                                   {"aud", k_apple_audience},
                                   {"sub", client_id}};
    return crypto::jws_sign({{"alg", "ES256"}, {"kid", key.key_id}}, claims.dump(), *signer);
}

std::string serialize_apple_signing_key(const AppleSigningKey& key) {
    return nlohmann::json{{"apple_signing_key", {{"team_id", key.team_id}, {"key_id", key.key_id}, {"private_key", key.private_key}}}}
        .dump();
}

std::optional<AppleSigningKey> parse_apple_signing_key(const std::string& stored) {
    if (stored.empty() || stored.front() != '{') return std::nullopt;
    auto parsed = nlohmann::json::parse(stored, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("apple_signing_key")) return std::nullopt;
    const auto& k = parsed["apple_signing_key"];
    if (!k.is_object()) return std::nullopt;
    AppleSigningKey key;
    key.team_id = k.value("team_id", "");
    key.key_id = k.value("key_id", "");
    key.private_key = k.value("private_key", "");
    return key;
}

}  // namespace janua::federation
