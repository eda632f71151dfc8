#include "core/tokens/signing_keys.hpp"
#include "core/audit/audit.hpp"

#include "core/common/log.hpp"
#include "core/crypto/field_cipher.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace janua::tokens {
namespace {

using db::Statement;

// Serializes key changes between processes ("JKEYS").
constexpr Statement k_lock{"keys_lock", "SELECT pg_advisory_xact_lock(318953408851)"};
constexpr Statement k_count_usable{"keys_count_usable",
                                   "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'next') "
                                   "FROM signing_keys"};
constexpr Statement k_insert{
    "keys_insert",
    "INSERT INTO signing_keys (kid, algorithm, state, public_jwk, private_key_encrypted, activated_at) "
    "VALUES ($1, $2, $3, $4::jsonb, $5, CASE WHEN $3 = 'active' THEN now() END)"};
constexpr Statement k_retire_expired{
    "keys_retire_expired",
    "UPDATE signing_keys SET state = 'retired', retired_at = now() WHERE state = 'retiring' AND retire_after <= now()"};
constexpr Statement k_demote_active{
    "keys_demote_active",
    "UPDATE signing_keys SET state = 'retiring', retiring_at = now(), retire_after = now() + make_interval(secs => $1) "
    "WHERE state = 'active' RETURNING kid"};
constexpr Statement k_promote_next{
    "keys_promote_next",
    "UPDATE signing_keys SET state = 'active', activated_at = now() WHERE id = "
    "(SELECT id FROM signing_keys WHERE state = 'next' ORDER BY created_at LIMIT 1) RETURNING kid"};
constexpr Statement k_state_of{"keys_state_of", "SELECT state FROM signing_keys WHERE kid = $1"};
constexpr Statement k_retire_now{"keys_retire_now",
                                 "UPDATE signing_keys SET state = 'retired', retired_at = now() WHERE kid = $1"};
constexpr Statement k_load{
    "keys_load",
    "SELECT kid, algorithm, state, public_jwk::text, private_key_encrypted FROM signing_keys "
    "WHERE state IN ('next', 'active') OR (state = 'retiring' AND retire_after > now()) ORDER BY created_at"};
constexpr Statement k_list{"keys_list",
                           "SELECT kid, algorithm, state, created_at, activated_at, retire_after, retired_at "
                           "FROM signing_keys ORDER BY created_at"};
constexpr Statement k_notify{"keys_notify", "SELECT pg_notify('janua_keys', $1)"};

// Never starting with '-', so a kid is never mistaken for an option on a command line.
std::string new_kid() {
    std::string kid;
    do kid = crypto::base64url_encode(crypto::random_bytes(12));
    while (kid.front() == '-');
    return kid;
}

void insert_key(db::Transaction& tx, const crypto::FernetKeyring& cipher, crypto::JwsAlgorithm algorithm,
                const std::string& state, std::string& kid_out) {
    const auto key = crypto::SigningKey::generate(algorithm);
    kid_out = new_kid();
    tx.exec(k_insert, kid_out, std::string(crypto::jws_algorithm_name(algorithm)), state,
            key.public_jwk(kid_out).dump(), cipher.encrypt(key.private_pem()));
}

}  // namespace

namespace {

void record_key_event(db::Transaction& tx, const KeyChangeActor& actor, const std::string& action,
                      const std::string& kid, nlohmann::json details = nlohmann::json::object()) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target_type = "signing_key";
    e.target_id = kid;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

}  // namespace

std::unique_ptr<KeyManager> make_key_manager(db::Pool& pool, const config::Config& config) {
    return std::make_unique<KeyManager>(pool, crypto::make_field_keyring(config.field_encryption_keys, config.secret_key),
                                        *crypto::jws_algorithm_from_name(config.jwt_algorithm),
                                        config.jwt_access_token_expire_minutes * 60 + 300);
}

KeyManager::KeyManager(db::Pool& pool, crypto::FernetKeyring cipher, crypto::JwsAlgorithm algorithm,
                       int retire_delay_seconds)
    : m_pool(pool), m_cipher(std::move(cipher)), m_algorithm(algorithm),
      m_retire_delay_seconds(retire_delay_seconds), m_snapshot(std::make_shared<KeySnapshot>()) {}

Status KeyManager::ensure_keys() {
    bool created = false;
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_lock);
        const auto counts = tx.exec(k_count_usable)[0];
        std::string kid;
        if (counts[0].as<int>() == 0) {
            insert_key(tx, m_cipher, m_algorithm, "active", kid);
            record_key_event(tx, {}, "signing_key.created", kid, {{"state", "active"}});
            created = true;
        }
        if (counts[1].as<int>() == 0) {
            insert_key(tx, m_cipher, m_algorithm, "next", kid);
            record_key_event(tx, {}, "signing_key.created", kid, {{"state", "next"}});
            created = true;
        }
        if (created) tx.exec(k_notify, std::string("created"));
    });
    if (created) log::info("signing keys created");
    reload();
    return Ok{};
}

Result<RotationReport> KeyManager::rotate(const KeyChangeActor& actor) {
    RotationReport report;
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_lock);
        tx.exec(k_retire_expired);
        auto demoted = tx.exec(k_demote_active, m_retire_delay_seconds);
        if (!demoted.empty()) report.retiring_kid = demoted[0][0].as<std::string>();
        auto promoted = tx.exec(k_promote_next);
        if (!promoted.empty()) {
            report.activated_kid = promoted[0][0].as<std::string>();
        } else {
            insert_key(tx, m_cipher, m_algorithm, "active", report.activated_kid);
        }
        insert_key(tx, m_cipher, m_algorithm, "next", report.next_kid);
        record_key_event(tx, actor, "signing_key.rotated", report.activated_kid,
                         {{"retiring_kid", report.retiring_kid}, {"next_kid", report.next_kid}});
        tx.exec(k_notify, std::string("rotated"));
    });
    log::info("signing keys rotated",
              {{"active", report.activated_kid}, {"retiring", report.retiring_kid}, {"next", report.next_kid}});
    reload();
    return report;
}

Status KeyManager::retire(const std::string& kid, const KeyChangeActor& actor) {
    std::optional<Error> problem;
    m_pool.transact([&](db::Transaction& tx) {
        tx.exec(k_lock);
        auto state = tx.exec(k_state_of, kid);
        if (state.empty()) {
            problem = make_error(ErrorCode::not_found, "no signing key with kid '" + kid + "'");
            return;
        }
        const auto current = state[0][0].as<std::string>();
        if (current == "active") {
            problem = make_error(ErrorCode::conflict, "key '" + kid + "' is active; run 'janua keys rotate' first");
            return;
        }
        if (current == "retired") return;
        tx.exec(k_retire_now, kid);
        record_key_event(tx, actor, "signing_key.retired", kid, {{"previous_state", current}});
        tx.exec(k_notify, std::string("retired"));
    });
    if (problem) return *problem;
    reload();
    return Ok{};
}

Result<std::vector<SigningKeyInfo>> KeyManager::list() {
    std::vector<SigningKeyInfo> keys;
    m_pool.transact([&](db::Transaction& tx) {
        for (const auto& row : tx.exec(k_list)) {
            keys.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                            db::timestamp(row[3]), db::timestamp(row[4]), db::timestamp(row[5]),
                            db::timestamp(row[6])});
        }
    });
    return keys;
}

void KeyManager::reload() {
    auto snapshot = std::make_shared<KeySnapshot>();
    m_pool.transact([&](db::Transaction& tx) {
        for (const auto& row : tx.exec(k_load)) {
            const auto kid = row[0].as<std::string>();
            const auto state = row[2].as<std::string>();
            const auto jwk = nlohmann::json::parse(row[3].as<std::string>());
            auto verifier = crypto::VerificationKey::from_jwk(jwk);
            if (!verifier) {
                log::error("stored signing key is unusable", {{"kid", kid}, {"error", verifier.error().message}});
                continue;
            }
            snapshot->published.emplace(kid, verifier.value());
            snapshot->jwks["keys"].push_back(jwk);
            if (state == "active") {
                auto pem = m_cipher.decrypt(row[4].as<std::string>());
                if (!pem) {
                    log::error("cannot decrypt the active signing key; check FIELD_ENCRYPTION_KEY", {{"kid", kid}});
                    continue;
                }
                auto alg = crypto::jws_algorithm_from_name(row[1].as<std::string>());
                auto key = crypto::SigningKey::from_private_pem(*alg, pem.value());
                if (!key) {
                    log::error("stored private key is unusable", {{"kid", kid}});
                    continue;
                }
                snapshot->active = std::move(key.value());
                snapshot->active_kid = kid;
            }
        }
    });
    snapshot->jwks_body = snapshot->jwks.dump();
    std::lock_guard lock(m_mutex);
    m_snapshot = std::move(snapshot);
}

std::shared_ptr<const KeySnapshot> KeyManager::snapshot() const {
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

void KeyManager::reload_if_unknown(const std::string& kid) {
    {
        std::lock_guard lock(m_mutex);
        if (m_snapshot->published.count(kid)) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last_forced_reload < std::chrono::seconds(1)) return;
        m_last_forced_reload = now;
    }
    reload();
}

}  // namespace janua::tokens
