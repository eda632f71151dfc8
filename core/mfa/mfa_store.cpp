#include "core/mfa/mfa_store.hpp"

namespace janua::mfa::store {
namespace {

using db::Statement;

constexpr Statement k_find{"mfa_totp_find",
                           "SELECT secret_ciphertext, confirmed_at IS NOT NULL, confirmed_at, last_used_step "
                           "FROM mfa_totp WHERE user_id = $1 FOR UPDATE"};
constexpr Statement k_put_pending{
    "mfa_totp_put_pending",
    "INSERT INTO mfa_totp (user_id, secret_ciphertext) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET "
    "secret_ciphertext = excluded.secret_ciphertext, confirmed_at = NULL, last_used_step = NULL, created_at = now()"};
constexpr Statement k_confirm{"mfa_totp_confirm",
                              "UPDATE mfa_totp SET confirmed_at = now(), last_used_step = $2 WHERE user_id = $1"};
constexpr Statement k_claim{"mfa_totp_claim",
                            "UPDATE mfa_totp SET last_used_step = $2 WHERE user_id = $1 "
                            "AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)"};
constexpr Statement k_delete_codes{"mfa_backup_delete", "DELETE FROM mfa_backup_codes WHERE user_id = $1"};
constexpr Statement k_insert_code{"mfa_backup_insert",
                                  "INSERT INTO mfa_backup_codes (user_id, code_hash) VALUES ($1, $2)"};
constexpr Statement k_spend_code{"mfa_backup_spend",
                                 "UPDATE mfa_backup_codes SET used_at = now() "
                                 "WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL"};
constexpr Statement k_remaining{"mfa_backup_remaining",
                                "SELECT count(*) FROM mfa_backup_codes WHERE user_id = $1 AND used_at IS NULL"};
constexpr Statement k_set_enabled{"mfa_user_set_enabled",
                                  "UPDATE users SET mfa_enabled = $2, updated_at = now() WHERE id = $1"};
constexpr Statement k_delete_totp{"mfa_totp_delete", "DELETE FROM mfa_totp WHERE user_id = $1"};

}  // namespace

std::optional<TotpRow> find_totp(db::Transaction& tx, const std::string& user_id) {
    auto r = tx.exec(k_find, user_id);
    if (r.empty()) return std::nullopt;
    TotpRow row;
    row.secret_ciphertext = r[0][0].as<std::string>();
    row.confirmed = r[0][1].as<bool>();
    row.confirmed_at = db::timestamp(r[0][2]);
    row.last_used_step = db::optional_field<std::int64_t>(r[0][3]);
    return row;
}

void put_pending_totp(db::Transaction& tx, const std::string& user_id, const std::string& secret_ciphertext) {
    tx.exec(k_put_pending, user_id, secret_ciphertext);
}

void confirm_totp(db::Transaction& tx, const std::string& user_id, std::int64_t step) { tx.exec(k_confirm, user_id, step); }

bool claim_step(db::Transaction& tx, const std::string& user_id, std::int64_t step) {
    return tx.exec(k_claim, user_id, step).affected_rows() == 1;
}

void replace_backup_codes(db::Transaction& tx, const std::string& user_id, const std::vector<std::string>& hashes) {
    tx.exec(k_delete_codes, user_id);
    for (const auto& h : hashes) tx.exec(k_insert_code, user_id, pqxx::binarystring(h));
}

bool spend_backup_code(db::Transaction& tx, const std::string& user_id, const std::string& hash) {
    return tx.exec(k_spend_code, user_id, pqxx::binarystring(hash)).affected_rows() == 1;
}

int backup_codes_remaining(db::Transaction& tx, const std::string& user_id) {
    return tx.exec(k_remaining, user_id)[0][0].as<int>();
}

void set_user_mfa_enabled(db::Transaction& tx, const std::string& user_id, bool enabled) {
    tx.exec(k_set_enabled, user_id, enabled);
}

bool remove_all(db::Transaction& tx, const std::string& user_id) {
    const bool had = tx.exec(k_delete_totp, user_id).affected_rows() > 0;
    tx.exec(k_delete_codes, user_id);
    return had;
}

}  // namespace janua::mfa::store
