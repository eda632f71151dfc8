#pragma once
// API keys: "jk_" + 256 random bits, shown once, stored as SHA-256. A key acts for its creator,
// narrowed to its permissions (and to one organization when bound to one): at every use the
// key's permissions are intersected with what the creator holds then, so a key never grants
// more than its creator, even after the creator loses a role. Platform-admin keys (no creator)
// exist for automation and the CLI's remote mode and are minted only in direct mode.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/rbac/access.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::rbac {

struct ApiKey {
    std::string id;
    std::string name;
    std::string prefix;  // "jk_" and the first 8 characters of the secret, to recognise a key
    std::optional<std::string> user_id;
    std::optional<std::string> organization_id;
    std::vector<std::string> permissions;
    bool is_platform_admin = false;
    std::string expires_at;
    std::string last_used_at;
    std::string revoked_at;
    std::string previous_key_expires_at;
    std::string created_at;
    std::string updated_at;
};
nlohmann::json to_json(const ApiKey& key);

struct NewApiKey {
    std::string name;
    std::vector<std::string> permissions;
    std::optional<std::string> organization;  // id or slug
    std::optional<int> expires_in_days;
    std::optional<std::string> user;  // id or email: platform admins create keys for others
    bool platform_admin = false;      // direct mode only
};
Result<NewApiKey> new_api_key_from_json(const nlohmann::json& body);

// The key and its secret, shown this once.
struct IssuedKey {
    ApiKey key;
    std::string secret;
};
nlohmann::json to_json(const IssuedKey& issued);

struct ApiKeySettings {
    int default_grace_seconds = 3600;
    int max_grace_seconds = 7 * 24 * 3600;
};

inline constexpr const char* k_api_key_prefix = "jk_";
bool looks_like_api_key(const std::string& token);

class ApiKeyService {
public:
    ApiKeyService(db::Pool& pool, ApiKeySettings settings = {}) : m_pool(pool), m_settings(settings) {}

    Result<IssuedKey> create(const Caller& caller, const NewApiKey& spec);
    // The caller's keys; every key with `all` (platform admins).
    Result<std::vector<ApiKey>> list(const Caller& caller, bool all);
    // One page of them, oldest first; `limit` 1-200, `cursor` the next_cursor of the previous page.
    struct Page {
        std::vector<ApiKey> items;
        std::optional<std::string> next_cursor;
    };
    Result<Page> list_page(const Caller& caller, bool all, int limit, const std::optional<std::string>& cursor);
    Result<ApiKey> get(const Caller& caller, const std::string& id);
    Result<ApiKey> rename(const Caller& caller, const std::string& id, const nlohmann::json& patch);
    Status revoke(const Caller& caller, const std::string& id);
    // A new secret; the old one keeps working for `grace_seconds` (default 1 hour, 0: stops now).
    Result<IssuedKey> rotate(const Caller& caller, const std::string& id, std::optional<int> grace_seconds);

    // Check a presented key. Failures of known keys (revoked, expired, rotated out, creator no
    // longer active) are audited; all failures look alike to the client.
    Result<identity::Principal> authenticate(const std::string& token, const identity::RequestMeta& meta);

private:
    Result<ApiKey> owned(db::Transaction& tx, const Caller& caller, const std::string& id);

    db::Pool& m_pool;
    ApiKeySettings m_settings;
};

}  // namespace janua::rbac
