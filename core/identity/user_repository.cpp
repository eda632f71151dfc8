#include "core/identity/user_repository.hpp"

#include "core/common/page_cursor.hpp"
#include "core/crypto/encoding.hpp"

namespace janua::identity::users {
namespace {

using db::Statement;

#define JANUA_USER_COLUMNS                                                                                    \
    "id, email, username, first_name, last_name, display_name, avatar_url, phone, status, email_verified, " \
    "is_platform_admin, mfa_enabled, metadata::text, locale, timezone, failed_login_attempts, locked_until, " \
    "last_login_at, created_at, updated_at, password_hash, password_algorithm"

constexpr Statement k_by_id{"users_by_id", "SELECT " JANUA_USER_COLUMNS " FROM users WHERE id = $1"};
constexpr Statement k_lock_by_id{"users_lock_by_id", "SELECT " JANUA_USER_COLUMNS " FROM users WHERE id = $1 FOR UPDATE"};
constexpr Statement k_by_email{"users_by_email", "SELECT " JANUA_USER_COLUMNS " FROM users WHERE lower(email) = lower($1)"};
constexpr Statement k_by_login{"users_by_login",
                               "SELECT " JANUA_USER_COLUMNS " FROM users WHERE lower(email) = lower($1) "
                               "UNION ALL SELECT " JANUA_USER_COLUMNS " FROM users WHERE lower(username) = lower($1) "
                               "LIMIT 1"};
constexpr Statement k_insert{
    "users_insert",
    "INSERT INTO users (email, username, first_name, last_name, password_hash, password_algorithm, status, "
    "email_verified, email_verified_at, is_platform_admin, metadata, password_changed_at) "
    "VALUES ($1, $2, $3, $4, $5::text, $6, $7, $8::boolean, CASE WHEN $8::boolean THEN now() END, $9, $10::jsonb, "
    "CASE WHEN $5::text IS NULL THEN NULL ELSE now() END) "
    "ON CONFLICT DO NOTHING RETURNING " JANUA_USER_COLUMNS};
constexpr Statement k_taken{"users_taken",
                            "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)), "
                            "EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($2))"};
// One statement for every partial update: a member present in the patch replaces the column.
constexpr Statement k_update{
    "users_update",
    "UPDATE users SET "
    "email = CASE WHEN $2::jsonb ? 'email' THEN $2::jsonb->>'email' ELSE email END, "
    "email_verified = CASE WHEN $2::jsonb ? 'email_verified' THEN ($2::jsonb->>'email_verified')::boolean ELSE email_verified END, "
    "email_verified_at = CASE WHEN $2::jsonb ? 'email_verified' AND ($2::jsonb->>'email_verified')::boolean "
    "  THEN coalesce(email_verified_at, now()) WHEN $2::jsonb ? 'email_verified' THEN NULL ELSE email_verified_at END, "
    "username = CASE WHEN $2::jsonb ? 'username' THEN $2::jsonb->>'username' ELSE username END, "
    "first_name = CASE WHEN $2::jsonb ? 'first_name' THEN $2::jsonb->>'first_name' ELSE first_name END, "
    "last_name = CASE WHEN $2::jsonb ? 'last_name' THEN $2::jsonb->>'last_name' ELSE last_name END, "
    "display_name = CASE WHEN $2::jsonb ? 'display_name' THEN $2::jsonb->>'display_name' ELSE display_name END, "
    "avatar_url = CASE WHEN $2::jsonb ? 'avatar_url' THEN $2::jsonb->>'avatar_url' ELSE avatar_url END, "
    "phone = CASE WHEN $2::jsonb ? 'phone' THEN $2::jsonb->>'phone' ELSE phone END, "
    "locale = CASE WHEN $2::jsonb ? 'locale' THEN $2::jsonb->>'locale' ELSE locale END, "
    "timezone = CASE WHEN $2::jsonb ? 'timezone' THEN $2::jsonb->>'timezone' ELSE timezone END, "
    "metadata = CASE WHEN $2::jsonb ? 'metadata' THEN $2::jsonb->'metadata' ELSE metadata END, "
    "status = CASE WHEN $2::jsonb ? 'status' THEN $2::jsonb->>'status' ELSE status END, "
    "is_platform_admin = CASE WHEN $2::jsonb ? 'is_platform_admin' THEN ($2::jsonb->>'is_platform_admin')::boolean "
    "  ELSE is_platform_admin END, "
    "failed_login_attempts = CASE WHEN $2::jsonb ? 'unlock' THEN 0 ELSE failed_login_attempts END, "
    "locked_until = CASE WHEN $2::jsonb ? 'unlock' THEN NULL ELSE locked_until END, "
    "updated_at = now() "
    "WHERE id = $1 RETURNING " JANUA_USER_COLUMNS};
constexpr Statement k_set_password{
    "users_set_password",
    "UPDATE users SET password_hash = $2, password_algorithm = $3, password_changed_at = now(), updated_at = now(), "
    "failed_login_attempts = 0, locked_until = NULL WHERE id = $1"};
// A lock that has run out starts the count afresh: this failure is the first of a new series.
constexpr Statement k_failed_login{
    "users_failed_login",
    "UPDATE users SET "
    "failed_login_attempts = CASE WHEN locked_until <= now() THEN 1 ELSE failed_login_attempts + 1 END, "
    "last_failed_login_at = now(), "
    "locked_until = CASE WHEN (CASE WHEN locked_until <= now() THEN 1 ELSE failed_login_attempts + 1 END) >= $2 "
    "  THEN now() + make_interval(mins => $3) WHEN locked_until <= now() THEN NULL ELSE locked_until END "
    "WHERE id = $1 RETURNING failed_login_attempts"};
constexpr Statement k_successful_login{
    "users_successful_login",
    "UPDATE users SET failed_login_attempts = 0, locked_until = NULL, last_login_at = now() WHERE id = $1"};
constexpr Statement k_verify_email{
    "users_verify_email",
    "UPDATE users SET email_verified = true, email_verified_at = coalesce(email_verified_at, now()), "
    "status = CASE WHEN status = 'PENDING' THEN 'ACTIVE' ELSE status END, updated_at = now() WHERE id = $1"};
constexpr Statement k_delete{"users_delete", "DELETE FROM users WHERE id = $1"};
constexpr Statement k_count{"users_count", "SELECT count(*) FROM users"};
constexpr Statement k_list{
    "users_list",
    "SELECT " JANUA_USER_COLUMNS " FROM users WHERE "
    "($1::text IS NULL OR email ILIKE '%' || $1 || '%' OR username ILIKE '%' || $1 || '%' "
    "  OR first_name ILIKE '%' || $1 || '%' OR last_name ILIKE '%' || $1 || '%') "
    "AND ($2::text IS NULL OR status = $2) "
    "AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid)) "
    "ORDER BY created_at, id LIMIT $5"};

User from_row(const pqxx::row& r) {
    User u;
    u.id = r[0].as<std::string>();
    u.email = r[1].as<std::string>();
    u.username = db::optional_field<std::string>(r[2]);
    u.first_name = db::optional_field<std::string>(r[3]);
    u.last_name = db::optional_field<std::string>(r[4]);
    u.display_name = db::optional_field<std::string>(r[5]);
    u.avatar_url = db::optional_field<std::string>(r[6]);
    u.phone = db::optional_field<std::string>(r[7]);
    u.status = r[8].as<std::string>();
    u.email_verified = r[9].as<bool>();
    u.is_platform_admin = r[10].as<bool>();
    u.mfa_enabled = r[11].as<bool>();
    u.metadata = nlohmann::json::parse(r[12].as<std::string>());
    u.locale = db::optional_field<std::string>(r[13]);
    u.timezone = db::optional_field<std::string>(r[14]);
    u.failed_login_attempts = r[15].as<int>();
    u.locked_until = db::timestamp(r[16]);
    u.last_login_at = db::timestamp(r[17]);
    u.created_at = db::timestamp(r[18]);
    u.updated_at = db::timestamp(r[19]);
    u.password_hash = db::optional_field<std::string>(r[20]);
    u.password_algorithm = r[21].as<std::string>();
    return u;
}

std::optional<User> first(const pqxx::result& result) {
    if (result.empty()) return std::nullopt;
    return from_row(result[0]);
}


}  // namespace

std::optional<User> find_by_id(db::Transaction& tx, const std::string& id) { return first(tx.exec(k_by_id, id)); }
std::optional<User> lock_by_id(db::Transaction& tx, const std::string& id) { return first(tx.exec(k_lock_by_id, id)); }
std::optional<User> find_by_email(db::Transaction& tx, const std::string& email) {
    return first(tx.exec(k_by_email, email));
}
std::optional<User> find_by_login(db::Transaction& tx, const std::string& login) {
    return first(tx.exec(k_by_login, login));
}

Result<User> insert(db::Transaction& tx, const NewUser& user) {
    auto inserted = tx.exec(k_insert, user.email, user.username, user.first_name, user.last_name, user.password_hash,
                            user.password_algorithm, user.status, user.email_verified, user.is_platform_admin,
                            user.metadata.dump());
    if (!inserted.empty()) return from_row(inserted[0]);
    const auto taken = tx.exec(k_taken, user.email, user.username.value_or(""))[0];
    if (taken[1].as<bool>() && !taken[0].as<bool>())
        return make_error(ErrorCode::conflict, "username is already taken");
    return make_error(ErrorCode::conflict, "a user with this email already exists");
}

Result<User> update(db::Transaction& tx, const std::string& id, const nlohmann::json& patch) {
    if (patch.contains("email") || patch.contains("username")) {
        const auto taken = tx.exec(k_taken, patch.value("email", std::string()),
                                   patch.contains("username") && patch["username"].is_string()
                                       ? patch["username"].get<std::string>()
                                       : std::string())[0];
        if (patch.contains("email") && taken[0].as<bool>()) {
            auto current = find_by_id(tx, id);
            if (!current || current->email != patch["email"])
                return make_error(ErrorCode::conflict, "a user with this email already exists");
        }
        if (patch.contains("username") && taken[1].as<bool>()) {
            auto current = find_by_id(tx, id);
            if (!current || current->username != patch["username"].get<std::string>())
                return make_error(ErrorCode::conflict, "username is already taken");
        }
    }
    auto updated = first(tx.exec(k_update, id, patch.dump()));
    if (!updated) return make_error(ErrorCode::not_found, "user not found");
    return *updated;
}

void set_password(db::Transaction& tx, const std::string& id, const std::string& hash, const std::string& algorithm) {
    tx.exec(k_set_password, id, hash, algorithm);
}

int record_failed_login(db::Transaction& tx, const std::string& id, int threshold, int lock_minutes) {
    auto r = tx.exec(k_failed_login, id, threshold, lock_minutes);
    return r.empty() ? 0 : r[0][0].as<int>();
}

void record_successful_login(db::Transaction& tx, const std::string& id) { tx.exec(k_successful_login, id); }
void mark_email_verified(db::Transaction& tx, const std::string& id) { tx.exec(k_verify_email, id); }
bool remove(db::Transaction& tx, const std::string& id) { return tx.exec(k_delete, id).affected_rows() > 0; }
int count_all(db::Transaction& tx) { return tx.exec(k_count)[0][0].as<int>(); }

Result<UserPage> list(db::Transaction& tx, const ListFilter& filter) {
    auto position = paging::decode_cursor(filter.cursor);
    if (!position) return position.error();
    const std::optional<std::string> after_time = position->created_at, after_id = position->id;
    const int limit = std::clamp(filter.limit, 1, 200);
    auto rows = tx.exec(k_list, filter.query, filter.status, after_time, after_id, limit + 1);
    UserPage page;
    for (const auto& row : rows) {
        if (static_cast<int>(page.users.size()) == limit) {
            const auto& last = page.users.back();
            page.next_cursor = paging::encode_cursor(last.created_at, last.id);
            break;
        }
        page.users.push_back(from_row(row));
    }
    return page;
}

}  // namespace janua::identity::users
