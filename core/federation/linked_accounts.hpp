#pragma once
// SQL for user_identities: a user's accounts at upstream providers, found by (provider, subject).

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::federation::linked_accounts {

struct LinkedAccount {
    std::string id;
    std::string provider_id;
    std::string provider_slug;
    std::string provider_name;
    std::optional<std::string> organization_id;
    std::string subject;
    std::string user_id;
    std::optional<std::string> email;
    std::string created_at;
    std::string last_login_at;
};

nlohmann::json to_json(const LinkedAccount& account);

std::optional<LinkedAccount> find(db::Transaction& tx, const std::string& provider_id, const std::string& subject);
std::optional<LinkedAccount> find_for_user(db::Transaction& tx, const std::string& user_id, const std::string& provider_id);
std::vector<LinkedAccount> list_for_user(db::Transaction& tx, const std::string& user_id);
LinkedAccount insert(db::Transaction& tx, const std::string& provider_id, const std::string& subject,
                     const std::string& user_id, const std::optional<std::string>& email);
void touch_login(db::Transaction& tx, const std::string& id, const std::optional<std::string>& email);
bool remove(db::Transaction& tx, const std::string& id);

}  // namespace janua::federation::linked_accounts
