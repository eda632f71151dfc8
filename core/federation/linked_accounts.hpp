#pragma once
// SQL for user_identities: a user's accounts at upstream providers, found by (provider, subject).
// The one repository of linked accounts: social/enterprise sign-in writes bound rows (provider_id);
// `janua migrate` writes unbound ones that name the provider as the source system did
// (provider_key, e.g. Auth0's "google-oauth2"), which the first sign-in through a matching
// provider claims (migrations/0019).

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::federation::linked_accounts {

struct LinkedAccount {
    std::string id;
    std::optional<std::string> provider_id;  // none: imported, not yet claimed by a sign-in
    std::string provider_slug;               // the Janua provider's slug, else the source's provider name
    std::string provider_name;
    std::optional<std::string> organization_id;
    std::string subject;
    std::string user_id;
    std::optional<std::string> email;
    std::optional<std::string> connection;
    std::string source;  // upstream | auth0 | keycloak
    std::string created_at;
    std::string last_login_at;
    bool claimed = false;  // find_or_claim bound this imported row just now
};

nlohmann::json to_json(const LinkedAccount& account);

std::optional<LinkedAccount> find(db::Transaction& tx, const std::string& provider_id, const std::string& subject);
// find, else an imported row for this upstream account (by the names other systems give the
// provider), bound to the provider from now on unless its user already links another account there.
std::optional<LinkedAccount> find_or_claim(db::Transaction& tx, const std::string& provider_id, const std::string& subject);
std::optional<LinkedAccount> find_for_user(db::Transaction& tx, const std::string& user_id, const std::string& provider_id);
std::vector<LinkedAccount> list_for_user(db::Transaction& tx, const std::string& user_id);
LinkedAccount insert(db::Transaction& tx, const std::string& provider_id, const std::string& subject,
                     const std::string& user_id, const std::optional<std::string>& email);
void touch_login(db::Transaction& tx, const std::string& id, const std::optional<std::string>& email);
bool remove(db::Transaction& tx, const std::string& id);

// An account linked at a source system (Auth0 identities[], Keycloak federatedIdentities).
struct ImportedLink {
    std::string provider_key;
    std::optional<std::string> connection;
    std::string subject;
    bool is_social = true;
    nlohmann::json profile = nlohmann::json::object();  // without tokens
    std::string source;
};
// The user who holds this upstream account already (imported or through a sign-in), if any.
std::optional<std::string> owner_of(db::Transaction& tx, const std::string& provider_key, const std::string& subject);
// Link it to `user_id` unless some user holds it already; true when a row was written.
bool insert_imported(db::Transaction& tx, const std::string& user_id, const ImportedLink& link);

}  // namespace janua::federation::linked_accounts
