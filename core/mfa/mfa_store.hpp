#pragma once
// SQL for TOTP secrets and backup codes. Functions run inside the caller's transaction.

#include "core/db/pool.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace janua::mfa::store {

struct TotpRow {
    std::string secret_ciphertext;
    bool confirmed = false;
    std::string confirmed_at;
    std::optional<std::int64_t> last_used_step;
};

std::optional<TotpRow> find_totp(db::Transaction& tx, const std::string& user_id);
// Start (or restart) an enrolment: the row exists unconfirmed.
void put_pending_totp(db::Transaction& tx, const std::string& user_id, const std::string& secret_ciphertext);
void confirm_totp(db::Transaction& tx, const std::string& user_id, std::int64_t step);
// Record `step` as used; false when it (or a later one) already was: a replayed code.
bool claim_step(db::Transaction& tx, const std::string& user_id, std::int64_t step);

// Replace every backup code of the user with these hashes.
void replace_backup_codes(db::Transaction& tx, const std::string& user_id, const std::vector<std::string>& hashes);
// Spend the unused code with this hash; false when there is none.
bool spend_backup_code(db::Transaction& tx, const std::string& user_id, const std::string& hash);
int backup_codes_remaining(db::Transaction& tx, const std::string& user_id);

void set_user_mfa_enabled(db::Transaction& tx, const std::string& user_id, bool enabled);
// Forget the TOTP secret and the backup codes; false when there was nothing.
bool remove_all(db::Transaction& tx, const std::string& user_id);

}  // namespace janua::mfa::store
