#include "core/identity/user_admin.hpp"

#include "core/admin/runtime_settings.hpp"
#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/profile.hpp"
#include "core/tokens/refresh_tokens.hpp"

namespace janua::identity {
namespace {

void record(db::Transaction& tx, const Actor& actor, const std::string& action, const std::string& user_id,
            nlohmann::json details = nlohmann::json::object()) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target_type = "user";
    e.target_id = user_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

Error user_not_found(const std::string& key) { return make_error(ErrorCode::not_found, "cannot find user '" + key + "'"); }

}  // namespace

Result<std::string> UserAdmin::resolve(db::Transaction& tx, const std::string& key) {
    std::optional<User> user;
    if (key.find('@') != std::string::npos) user = users::find_by_email(tx, key);
    else if (is_uuid(key)) user = users::find_by_id(tx, key);
    if (!user) return user_not_found(key);
    return user->id;
}

PasswordPolicy UserAdmin::password_policy() const {
    PasswordPolicy policy = m_policy;
    if (m_runtime) policy.min_length = m_runtime->snapshot()->password_min_length;
    return policy;
}

Result<User> UserAdmin::create(const CreateUserRequest& request, const Actor& actor) {
    const auto email = normalize_email(request.email);
    nlohmann::json details = nlohmann::json::array();
    if (!email) details.push_back({{"field", "email"}, {"message", "must be a valid email address"}});
    if (request.username && !is_valid_username(*request.username))
        details.push_back({{"field", "username"}, {"message", "must be 1-64 letters, digits, '.', '_' or '-'"}});
    if (!is_valid_status(request.status))
        details.push_back({{"field", "status"}, {"message", "must be ACTIVE, INACTIVE, SUSPENDED, PENDING or DELETED"}});
    if (!details.empty()) {
        Error e = make_error(ErrorCode::validation, details[0]["field"].get<std::string>() + " " +
                                                        details[0]["message"].get<std::string>());
        e.details = details;
        return e;
    }
    std::optional<std::string> hash;
    if (request.password) {
        if (auto policy = check_password(password_policy(), *request.password); !policy) return policy.error();
        auto hashed = m_hasher.hash(*request.password);
        if (!hashed) return hashed.error();
        hash = hashed.value();
    }
    return m_pool.transact([&](db::Transaction& tx) -> Result<User> {
        users::NewUser spec;
        spec.email = *email;
        spec.username = request.username;
        spec.first_name = request.first_name;
        spec.last_name = request.last_name;
        spec.password_hash = hash;
        spec.status = request.status;
        spec.email_verified = request.email_verified;
        spec.is_platform_admin = request.is_platform_admin;
        spec.metadata = request.metadata;
        auto user = users::insert(tx, spec);
        if (!user) return user.error();
        record(tx, actor, "user.created", user->id, {{"platform_admin", request.is_platform_admin}});
        return user;
    });
}

Result<User> UserAdmin::get(const std::string& key) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<User> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        return *users::find_by_id(tx, id.value());
    });
}

Result<users::UserPage> UserAdmin::list(const users::ListFilter& filter) {
    if (filter.status && !is_valid_status(*filter.status))
        return make_error(ErrorCode::validation, "status must be ACTIVE, INACTIVE, SUSPENDED, PENDING or DELETED");
    return m_pool.transact([&](db::Transaction& tx) { return users::list(tx, filter); });
}

Result<User> UserAdmin::update(const std::string& key, const nlohmann::json& patch, const Actor& actor) {
    auto clean = validate_profile_patch(patch, PatchScope::admin);
    if (!clean) return clean.error();
    return m_pool.transact([&](db::Transaction& tx) -> Result<User> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        auto user = users::update(tx, id.value(), clean.value());
        if (!user) return user.error();
        nlohmann::json changed = nlohmann::json::array();
        for (const auto& [k, v] : clean->items()) changed.push_back(k);
        record(tx, actor, "user.updated", user->id, {{"fields", changed}});
        // A suspended or deleted user is signed out everywhere at once.
        if (clean->contains("status") && (*clean)["status"] != "ACTIVE") sessions::revoke_all(tx, user->id, "", "status_changed");
        return user;
    });
}

Result<User> UserAdmin::set_status(const std::string& key, const std::string& status, const Actor& actor) {
    return update(key, {{"status", status}}, actor);
}

Status UserAdmin::remove(const std::string& key, const Actor& actor) {
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        record(tx, actor, "user.deleted", id.value());
        users::remove(tx, id.value());
        return Ok{};
    });
}

Status UserAdmin::set_password(const std::string& key, const std::string& password, const Actor& actor) {
    if (auto policy = check_password(password_policy(), password); !policy) return policy.error();
    auto hash = m_hasher.hash(password);
    if (!hash) return hash.error();
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        users::set_password(tx, id.value(), hash.value(), "bcrypt");
        const int revoked = sessions::revoke_all(tx, id.value(), "", "password_set_by_admin");
        record(tx, actor, "user.password_set", id.value(), {{"sessions_revoked", revoked}});
        return Ok{};
    });
}

Result<std::vector<sessions::Session>> UserAdmin::sessions_of(const std::string& key) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<std::vector<sessions::Session>> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        return sessions::list_active(tx, id.value());
    });
}

Result<int> UserAdmin::revoke_sessions(const std::string& key, const Actor& actor) {
    return m_pool.transact([&](db::Transaction& tx) -> Result<int> {
        auto id = resolve(tx, key);
        if (!id) return id.error();
        const int count = sessions::revoke_all(tx, id.value(), "", "revoked_by_admin");
        record(tx, actor, "user.sessions_revoked", id.value(), {{"count", count}});
        return count;
    });
}

}  // namespace janua::identity
