#pragma once
// SQL for passkeys and their ceremony challenges. Functions run inside the caller's transaction.

#include "core/db/pool.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::webauthn::store {

struct Credential {
    std::string id;
    std::string user_id;
    std::string credential_id;  // raw bytes
    std::string public_key;     // COSE_Key bytes
    int algorithm = 0;
    std::int64_t sign_count = 0;
    std::vector<std::string> transports;
    std::string aaguid;
    std::string attestation_format;
    bool user_verified = false;
    bool backup_eligible = false;
    bool backup_state = false;
    std::string name;
    std::string flagged_at;
    std::string created_at;
    std::string last_used_at;
};

// A challenge that lives `lifetime_seconds`; `user_id` empty for a usernameless sign-in.
void put_challenge(db::Transaction& tx, const std::string& challenge, const std::string& purpose,
                   const std::string& user_id, int lifetime_seconds);
// Spend the live challenge; false when it is unknown, expired, spent or bound to someone else.
bool consume_challenge(db::Transaction& tx, const std::string& challenge, const std::string& purpose,
                       const std::string& user_id);

std::vector<Credential> list(db::Transaction& tx, const std::string& user_id);
int count(db::Transaction& tx, const std::string& user_id);
std::optional<Credential> find_by_credential_id(db::Transaction& tx, const std::string& credential_id);
bool credential_exists(db::Transaction& tx, const std::string& credential_id);
Credential insert(db::Transaction& tx, const Credential& credential);
void record_use(db::Transaction& tx, const std::string& id, std::int64_t sign_count, bool backup_state);
void flag(db::Transaction& tx, const std::string& id, const std::string& reason);
std::optional<Credential> rename(db::Transaction& tx, const std::string& user_id, const std::string& id,
                                 const std::string& name);
bool remove(db::Transaction& tx, const std::string& user_id, const std::string& id);

}  // namespace janua::webauthn::store
