#pragma once
// SQL for the users table. Functions run inside the caller's transaction.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::identity::users {

struct NewUser {
    std::string email;
    std::optional<std::string> username;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> password_hash;
    std::string password_algorithm = "bcrypt";
    std::string status = "ACTIVE";
    bool email_verified = false;
    bool is_platform_admin = false;
    nlohmann::json metadata = nlohmann::json::object();
};

std::optional<User> find_by_id(db::Transaction& tx, const std::string& id);
std::optional<User> find_by_email(db::Transaction& tx, const std::string& email);
// Email or username, case-insensitively.
std::optional<User> find_by_login(db::Transaction& tx, const std::string& login);
// Lock the row for the rest of the transaction (sign-in counters, password changes).
std::optional<User> lock_by_id(db::Transaction& tx, const std::string& id);

// Conflict when the email or username is taken.
Result<User> insert(db::Transaction& tx, const NewUser& user);

// `patch` holds only the members to change (profile fields, metadata, username, status,
// is_platform_admin, email, email_verified); a JSON null clears a field.
Result<User> update(db::Transaction& tx, const std::string& id, const nlohmann::json& patch);

void set_password(db::Transaction& tx, const std::string& id, const std::string& hash, const std::string& algorithm);
// Count a failure; lock the account when the threshold is reached. Returns the new count.
int record_failed_login(db::Transaction& tx, const std::string& id, int threshold, int lock_minutes);
void record_successful_login(db::Transaction& tx, const std::string& id);
void mark_email_verified(db::Transaction& tx, const std::string& id);
bool remove(db::Transaction& tx, const std::string& id);
int count_all(db::Transaction& tx);

struct ListFilter {
    std::optional<std::string> query;  // substring of email, username or names
    std::optional<std::string> status;
    int limit = 50;
    std::optional<std::string> cursor;
};

struct UserPage {
    std::vector<User> users;
    std::optional<std::string> next_cursor;
};

Result<UserPage> list(db::Transaction& tx, const ListFilter& filter);

}  // namespace janua::identity::users
