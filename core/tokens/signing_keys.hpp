#pragma once
// Signing keys live in the database, private parts Fernet-encrypted. Life cycle:
//   next (in JWKS, not signing) -> active (signing) -> retiring (in JWKS until every token it
//   signed has expired) -> retired.
// Rotation never invalidates a valid token. Each process keeps a snapshot of the keys in memory
// and reloads it on NOTIFY janua_keys (sent by whoever rotates) and periodically.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/crypto/fernet.hpp"
#include "core/crypto/jws.hpp"
#include "core/db/pool.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace janua::tokens {

constexpr const char* k_keys_channel = "janua_keys";

struct SigningKeyInfo {
    std::string kid;
    std::string algorithm;
    std::string state;
    std::string created_at;
    std::string activated_at;
    std::string retire_after;
    std::string retired_at;
};

// What signing and verification need, immutable once built.
struct KeySnapshot {
    std::string active_kid;
    std::optional<crypto::SigningKey> active;
    std::map<std::string, crypto::VerificationKey> published;  // kid -> key (next, active, retiring)
    nlohmann::json jwks = nlohmann::json{{"keys", nlohmann::json::array()}};
    std::string jwks_body = R"({"keys":[]})";  // `jwks` serialised once: the JWKS endpoint serves it as is
};

struct RotationReport {
    std::string activated_kid;
    std::string retiring_kid;
    std::string next_kid;
};

// Who rotated or retired a key, for the audit log (default: the system itself).
struct KeyChangeActor {
    std::string type = "system";  // user | api_key | system
    std::optional<std::string> id;
    std::string ip;
    std::string request_id;
};

class KeyManager {
public:
    // `retire_delay_seconds`: how long a replaced key stays published (the longest token lifetime).
    KeyManager(db::Pool& pool, crypto::FernetKeyring cipher, crypto::JwsAlgorithm algorithm, int retire_delay_seconds);

    // Create the first active and next keys when the database has none (safe under concurrency).
    Status ensure_keys();
    // next -> active, active -> retiring, a new next; retiring keys past their time -> retired.
    Result<RotationReport> rotate(const KeyChangeActor& actor = {});
    // Retire a key by kid now (an emergency: tokens it signed stop verifying). The active key
    // cannot be retired; rotate first.
    Status retire(const std::string& kid, const KeyChangeActor& actor = {});
    Result<std::vector<SigningKeyInfo>> list();

    // Re-read the keys from the database; safe to call from any thread.
    void reload();
    std::shared_ptr<const KeySnapshot> snapshot() const;
    // Reload when a token names a kid we do not know (a rotation we have not heard of yet),
    // at most once a second.
    void reload_if_unknown(const std::string& kid);

private:
    db::Pool& m_pool;
    crypto::FernetKeyring m_cipher;
    crypto::JwsAlgorithm m_algorithm;
    int m_retire_delay_seconds;
    mutable std::mutex m_mutex;
    std::shared_ptr<const KeySnapshot> m_snapshot;
    std::chrono::steady_clock::time_point m_last_forced_reload{};
};

// A KeyManager as configured: JWT_ALGORITHM for new keys, FIELD_ENCRYPTION_KEY for the private
// parts, and replaced keys published for the access-token lifetime plus five minutes of skew.
std::unique_ptr<KeyManager> make_key_manager(db::Pool& pool, const config::Config& config);

}  // namespace janua::tokens
