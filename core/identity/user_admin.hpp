#pragma once
// What operators do to users (the admin API and `janua user ...`): create, find, change,
// suspend, delete, set passwords, list and revoke sessions. Every change is audited.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/password_hasher.hpp"
#include "core/identity/password_policy.hpp"
#include "core/identity/sessions.hpp"
#include "core/identity/user.hpp"
#include "core/identity/user_repository.hpp"

#include <optional>
#include <string>
#include <vector>

namespace janua::admin {
class RuntimeSettings;
}

namespace janua::identity {

// Who asks for the change, for the audit trail.
struct Actor {
    std::string type = "system";  // user | api_key | system
    std::optional<std::string> id;
    std::string ip;
    std::string request_id;
};

struct CreateUserRequest {
    std::string email;
    std::optional<std::string> password;  // none: the user signs in by magic link or reset
    std::optional<std::string> username;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    bool email_verified = false;
    bool is_platform_admin = false;
    std::string status = "ACTIVE";
    nlohmann::json metadata = nlohmann::json::object();
};

class UserAdmin {
public:
    UserAdmin(db::Pool& pool, PasswordHasher& hasher, PasswordPolicy policy)
        : m_pool(pool), m_hasher(hasher), m_policy(policy) {}

    Result<User> create(const CreateUserRequest& request, const Actor& actor);
    // By id, or by email when `key` contains '@'.
    Result<User> get(const std::string& key);
    Result<users::UserPage> list(const users::ListFilter& filter);
    Result<User> update(const std::string& key, const nlohmann::json& patch, const Actor& actor);
    Result<User> set_status(const std::string& key, const std::string& status, const Actor& actor);
    Status remove(const std::string& key, const Actor& actor);
    Status set_password(const std::string& key, const std::string& password, const Actor& actor);
    Result<std::vector<sessions::Session>> sessions_of(const std::string& key);
    Result<int> revoke_sessions(const std::string& key, const Actor& actor);
    // Runtime system settings override the configured minimum password length when given.
    void use_runtime_settings(const admin::RuntimeSettings* runtime) { m_runtime = runtime; }

private:
    Result<std::string> resolve(db::Transaction& tx, const std::string& key);

    db::Pool& m_pool;
    PasswordHasher& m_hasher;
    PasswordPolicy password_policy() const;

    PasswordPolicy m_policy;
    const admin::RuntimeSettings* m_runtime = nullptr;
};

}  // namespace janua::identity
