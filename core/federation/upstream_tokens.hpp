#pragma once
// SQL for upstream_tokens: the upstream access and refresh tokens of a linked account, kept when
// its platform provider has store_tokens (migrations/0027). Tokens are encrypted here with the
// field cipher (FIELD_ENCRYPTION_KEY) and decrypted only by core/integrations; the metadata
// (provider, scopes, expiry) is what anyone else sees. A row goes with its linked account.

#include "core/crypto/fernet.hpp"
#include "core/db/pool.hpp"
#include "core/federation/upstream_token.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::federation::upstream_tokens {

struct StoredToken {
    std::string identity_id;
    std::string user_id;
    std::string provider_id;
    std::string provider_slug;
    std::string provider_name;
    std::string access_token_encrypted;
    std::optional<std::string> refresh_token_encrypted;
    std::string token_type;
    std::vector<std::string> scopes;
    std::optional<std::string> expires_at;
    bool expired = false;  // expired, or expiring within 30 seconds (judged by the database clock)
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> last_used_at;
};

// {provider, provider_name, scopes, token_type, expires_at, expired, refreshable, ...}: never a token.
nlohmann::json to_json(const StoredToken& token);

// Keep `grant` for the linked account `identity_id`, replacing what was kept. A grant without a
// refresh token keeps the refresh token held before (refresh responses often omit it).
void put(db::Transaction& tx, const crypto::FernetKeyring& cipher, const std::string& identity_id,
         const std::string& user_id, const UpstreamGrant& grant);
std::vector<StoredToken> list_for_user(db::Transaction& tx, const std::string& user_id);
// The user's token at the platform provider `provider_slug`, locked for the rest of the transaction.
std::optional<StoredToken> lock_for_user(db::Transaction& tx, const std::string& user_id, const std::string& provider_slug);
void mark_used(db::Transaction& tx, const std::string& identity_id);
bool remove(db::Transaction& tx, const std::string& identity_id);
// Forget every token kept through a provider; returns how many.
long long remove_for_provider(db::Transaction& tx, const std::string& provider_id);

}  // namespace janua::federation::upstream_tokens
