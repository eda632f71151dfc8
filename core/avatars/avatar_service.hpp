#pragma once
// Avatars users upload (POST /api/v1/users/me/avatar, and platform admins for any user). An
// upload is checked (size, real type from the bytes agreeing with the declared one, dimensions),
// written to the object store under a new random key, and only then made the user's avatar in
// one transaction (user_avatars row, users.avatar_url, audit entry). A failure at any step leaves
// the previous avatar as it was; the replaced object is deleted after the commit (storage_deletions,
// migrations/0025_avatars.sql). GET /api/v1/avatars/{id} serves the current objects.

#include "core/avatars/image_info.hpp"
#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/auth_service.hpp"
#include "core/storage/object_store.hpp"

#include <optional>
#include <string>

namespace janua::avatars {

// The job kind the deletion trigger enqueues (migrations/0025_avatars.sql).
inline constexpr const char* k_sweep_job_kind = "storage.sweep";

struct AvatarSettings {
    int max_bytes = 1000000;    // AVATAR_MAX_BYTES
    int max_dimension = 4096;   // AVATAR_MAX_DIMENSION
    std::string base_url;       // BASE_URL: avatar URLs are absolute (the OIDC picture claim)
};

struct Avatar {
    std::string id;  // the public part of the object key: GET /api/v1/avatars/{id}
    std::string url;
    std::string content_type;
    int size_bytes = 0;
    int width = 0;
    int height = 0;
    std::string created_at;
};
nlohmann::json to_json(const Avatar& avatar);

struct StoredImage {
    std::string content_type;
    std::string bytes;
};

class AvatarService {
public:
    AvatarService(AvatarSettings settings, db::Pool& pool, storage::ObjectStore& store);

    // Make `bytes` (declared as `declared_type`) the avatar of `user_id`; `caller` is the user
    // or a platform admin.
    Result<Avatar> upload(const std::string& user_id, const std::string& declared_type, const std::string& bytes,
                          const identity::Principal& caller, const identity::RequestMeta& meta);
    // Remove the uploaded avatar; not_found when there is none.
    Status remove(const std::string& user_id, const identity::Principal& caller, const identity::RequestMeta& meta);
    // The current uploaded avatar of a user, if any.
    std::optional<Avatar> current(const std::string& user_id);
    // The image behind an avatar URL; not_found for anything that is not a current avatar.
    Result<StoredImage> fetch(const std::string& id);
    // Delete queued objects of replaced and removed avatars (up to `limit`); returns how many of
    // those tried are still queued because the store refused or failed.
    int sweep(int limit = 20);

    const AvatarSettings& settings() const { return m_settings; }
    const char* storage_kind() const { return m_store.kind(); }

private:
    Result<ImageInfo> check(const std::string& declared_type, const std::string& bytes) const;
    std::string url_of(const std::string& id) const;

    AvatarSettings m_settings;
    db::Pool& m_pool;
    storage::ObjectStore& m_store;
};

}  // namespace janua::avatars
