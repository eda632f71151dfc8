#pragma once
// Single-use links sent by email (verification, password reset, magic sign-in): random,
// short-lived, stored as SHA-256 only.

#include "core/db/pool.hpp"

#include <optional>
#include <string>

namespace janua::identity::user_tokens {

// Issue a new token; earlier unused tokens of the same purpose for the user stop working.
std::string issue(db::Transaction& tx, const std::string& user_id, const std::string& purpose, int lifetime_minutes);

// Spend a token; the user id when it was valid, unused and unexpired.
std::optional<std::string> consume(db::Transaction& tx, const std::string& token, const std::string& purpose);

// An email-change link: it confirms `new_email` for the user (purpose "email_change").
std::string issue_email_change(db::Transaction& tx, const std::string& user_id, const std::string& new_email,
                               int lifetime_minutes);
struct EmailChange {
    std::string user_id;
    std::string new_email;
};
std::optional<EmailChange> consume_email_change(db::Transaction& tx, const std::string& token);

}  // namespace janua::identity::user_tokens
