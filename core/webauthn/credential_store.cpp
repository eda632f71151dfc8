#include "core/webauthn/credential_store.hpp"

#include "core/crypto/hash.hpp"

#include <nlohmann/json.hpp>

namespace janua::webauthn::store {
namespace {

using db::Statement;

#define JANUA_CREDENTIAL_COLUMNS                                                                                  \
    "id, user_id, credential_id, public_key, algorithm, sign_count, array_to_json(transports)::text, "            \
    "coalesce(aaguid, ''::bytea), attestation_format, user_verified, backup_eligible, backup_state, name, "       \
    "flagged_at, created_at, last_used_at"

constexpr Statement k_put_challenge{
    "webauthn_challenge_put",
    "INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, expires_at) "
    "VALUES ($1, $2, nullif($3, '')::uuid, now() + make_interval(secs => $4))"};
// Expired challenges are useless; whoever makes a new one sweeps them (begin is public, so the
// table must not grow without bound).
constexpr Statement k_sweep_challenges{"webauthn_challenge_sweep",
                                       "DELETE FROM webauthn_challenges WHERE expires_at < now() - interval '1 hour'"};
constexpr Statement k_consume_challenge{
    "webauthn_challenge_consume",
    "UPDATE webauthn_challenges SET used_at = now() WHERE challenge_hash = $1 AND purpose = $2 "
    "AND used_at IS NULL AND expires_at > now() AND coalesce(user_id::text, '') = $3"};
constexpr Statement k_list{"webauthn_list",
                           "SELECT " JANUA_CREDENTIAL_COLUMNS " FROM webauthn_credentials WHERE user_id = $1 "
                           "ORDER BY created_at, id"};
constexpr Statement k_count{"webauthn_count", "SELECT count(*) FROM webauthn_credentials WHERE user_id = $1"};
constexpr Statement k_by_credential{"webauthn_by_credential",
                                    "SELECT " JANUA_CREDENTIAL_COLUMNS
                                    " FROM webauthn_credentials WHERE credential_id = $1 FOR UPDATE"};
constexpr Statement k_exists{"webauthn_exists", "SELECT 1 FROM webauthn_credentials WHERE credential_id = $1"};
constexpr Statement k_insert{
    "webauthn_insert",
    "INSERT INTO webauthn_credentials (user_id, credential_id, public_key, algorithm, sign_count, transports, aaguid, "
    "attestation_format, user_verified, backup_eligible, backup_state, name) "
    "VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7, $8, $9, $10, $11, $12) "
    "RETURNING " JANUA_CREDENTIAL_COLUMNS};
constexpr Statement k_use{"webauthn_use",
                          "UPDATE webauthn_credentials SET sign_count = $2, backup_state = $3, last_used_at = now() "
                          "WHERE id = $1"};
constexpr Statement k_flag{"webauthn_flag",
                           "UPDATE webauthn_credentials SET flagged_at = coalesce(flagged_at, now()), flagged_reason = $2 "
                           "WHERE id = $1"};
constexpr Statement k_rename{"webauthn_rename",
                             "UPDATE webauthn_credentials SET name = $3 WHERE user_id = $1 AND id = $2 "
                             "RETURNING " JANUA_CREDENTIAL_COLUMNS};
constexpr Statement k_delete{"webauthn_delete", "DELETE FROM webauthn_credentials WHERE user_id = $1 AND id = $2"};

std::string bytes_of(const pqxx::field& f) { return pqxx::binarystring(f).str(); }

Credential row_to_credential(const pqxx::row& r) {
    Credential c;
    c.id = r[0].as<std::string>();
    c.user_id = r[1].as<std::string>();
    c.credential_id = bytes_of(r[2]);
    c.public_key = bytes_of(r[3]);
    c.algorithm = r[4].as<int>();
    c.sign_count = r[5].as<std::int64_t>();
    c.transports = nlohmann::json::parse(r[6].as<std::string>("[]")).get<std::vector<std::string>>();
    c.aaguid = bytes_of(r[7]);
    c.attestation_format = r[8].as<std::string>();
    c.user_verified = r[9].as<bool>();
    c.backup_eligible = r[10].as<bool>();
    c.backup_state = r[11].as<bool>();
    c.name = r[12].as<std::string>();
    c.flagged_at = db::timestamp(r[13]);
    c.created_at = db::timestamp(r[14]);
    c.last_used_at = db::timestamp(r[15]);
    return c;
}

}  // namespace

void put_challenge(db::Transaction& tx, const std::string& challenge, const std::string& purpose,
                   const std::string& user_id, int lifetime_seconds) {
    tx.exec(k_sweep_challenges);
    tx.exec(k_put_challenge, pqxx::binarystring(crypto::sha256(challenge)), purpose, user_id, lifetime_seconds);
}

bool consume_challenge(db::Transaction& tx, const std::string& challenge, const std::string& purpose,
                       const std::string& user_id) {
    return tx.exec(k_consume_challenge, pqxx::binarystring(crypto::sha256(challenge)), purpose, user_id).affected_rows() == 1;
}

std::vector<Credential> list(db::Transaction& tx, const std::string& user_id) {
    std::vector<Credential> out;
    for (const auto& row : tx.exec(k_list, user_id)) out.push_back(row_to_credential(row));
    return out;
}

int count(db::Transaction& tx, const std::string& user_id) { return tx.exec(k_count, user_id)[0][0].as<int>(); }

std::optional<Credential> find_by_credential_id(db::Transaction& tx, const std::string& credential_id) {
    auto r = tx.exec(k_by_credential, pqxx::binarystring(credential_id));
    if (r.empty()) return std::nullopt;
    return row_to_credential(r[0]);
}

bool credential_exists(db::Transaction& tx, const std::string& credential_id) {
    return !tx.exec(k_exists, pqxx::binarystring(credential_id)).empty();
}

Credential insert(db::Transaction& tx, const Credential& c) {
    auto r = tx.exec(k_insert, c.user_id, pqxx::binarystring(c.credential_id), pqxx::binarystring(c.public_key),
                     c.algorithm, c.sign_count, nlohmann::json(c.transports).dump(), pqxx::binarystring(c.aaguid),
                     c.attestation_format, c.user_verified, c.backup_eligible, c.backup_state, c.name);
    return row_to_credential(r[0]);
}

void record_use(db::Transaction& tx, const std::string& id, std::int64_t sign_count, bool backup_state) {
    tx.exec(k_use, id, sign_count, backup_state);
}

void flag(db::Transaction& tx, const std::string& id, const std::string& reason) { tx.exec(k_flag, id, reason); }

std::optional<Credential> rename(db::Transaction& tx, const std::string& user_id, const std::string& id,
                                 const std::string& name) {
    auto r = tx.exec(k_rename, user_id, id, name);
    if (r.empty()) return std::nullopt;
    return row_to_credential(r[0]);
}

bool remove(db::Transaction& tx, const std::string& user_id, const std::string& id) {
    return tx.exec(k_delete, user_id, id).affected_rows() > 0;
}

}  // namespace janua::webauthn::store
