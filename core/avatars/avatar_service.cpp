#include "core/avatars/avatar_service.hpp"

#include "core/common/ids.hpp"
#include "core/common/log.hpp"
#include "core/db/atomically.hpp"
#include "core/identity/audit_events.hpp"
#include "core/identity/user_repository.hpp"

#include <cctype>

namespace janua::avatars {
namespace {

using db::Statement;

constexpr const char* k_prefix = "avatars";

constexpr Statement k_upsert{
    "avatars_upsert",
    "INSERT INTO user_avatars (user_id, object_key, content_type, size_bytes, width, height) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET object_key = EXCLUDED.object_key, "
    "content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width, "
    "height = EXCLUDED.height, created_at = now() RETURNING created_at"};
constexpr Statement k_delete{"avatars_delete", "DELETE FROM user_avatars WHERE user_id = $1 RETURNING object_key"};
constexpr Statement k_find_user{
    "avatars_find_user",
    "SELECT object_key, content_type, size_bytes, width, height, created_at FROM user_avatars WHERE user_id = $1"};
constexpr Statement k_find_key{"avatars_find_key", "SELECT content_type FROM user_avatars WHERE object_key = $1"};
// users.avatar_url is cleared only while it still points at the removed upload: a URL the user
// set by hand since then stays.
constexpr Statement k_clear_url{
    "avatars_clear_url", "UPDATE users SET avatar_url = NULL, updated_at = now() WHERE id = $1 AND avatar_url = $2"};
constexpr Statement k_queued{"storage_deletions_next",
                             "SELECT object_key FROM storage_deletions ORDER BY attempts, queued_at LIMIT $1"};
constexpr Statement k_done{"storage_deletions_done",
                           "DELETE FROM storage_deletions d WHERE object_key = $1 "
                           "AND NOT EXISTS (SELECT 1 FROM user_avatars a WHERE a.object_key = d.object_key)"};
constexpr Statement k_failed{"storage_deletions_failed",
                             "UPDATE storage_deletions SET attempts = attempts + 1 WHERE object_key = $1"};

std::string public_id(const std::string& key) { return key.substr(key.find('/') + 1); }

// The id in an avatar URL is a 256-bit random in base64url (43 characters).
bool plausible_id(const std::string& id) {
    if (id.size() != 43) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    return true;
}

audit::Event avatar_event(const std::string& action, const identity::Principal& caller, const identity::RequestMeta& meta,
                          const std::string& user_id) {
    auto e = identity::request_event(action, meta);
    if (caller.api_key_id) {
        e.actor_type = "api_key";
        e.actor_id = *caller.api_key_id;
    } else {
        e.actor_type = "user";
        e.actor_id = caller.user_id;
    }
    e.target_type = "user";
    e.target_id = user_id;
    return e;
}

Error too_large(int max_bytes) {
    Error e = make_error(ErrorCode::payload_too_large,
                         "the image is larger than " + std::to_string(max_bytes) + " bytes (AVATAR_MAX_BYTES)");
    e.details = {{"field", "file"}, {"max_bytes", max_bytes}};
    return e;
}

}  // namespace

nlohmann::json to_json(const Avatar& a) {
    return {{"id", a.id},         {"url", a.url},        {"content_type", a.content_type}, {"size_bytes", a.size_bytes},
            {"width", a.width},   {"height", a.height},  {"created_at", a.created_at}};
}

AvatarService::AvatarService(AvatarSettings settings, db::Pool& pool, storage::ObjectStore& store)
    : m_settings(std::move(settings)), m_pool(pool), m_store(store) {
    while (!m_settings.base_url.empty() && m_settings.base_url.back() == '/') m_settings.base_url.pop_back();
}

std::string AvatarService::url_of(const std::string& id) const { return m_settings.base_url + "/api/v1/avatars/" + id; }

Result<ImageInfo> AvatarService::check(const std::string& declared_type, const std::string& bytes) const {
    if (bytes.empty()) return make_error(ErrorCode::validation, "the image is empty");
    if (bytes.size() > static_cast<std::size_t>(m_settings.max_bytes)) return too_large(m_settings.max_bytes);
    std::string declared = media_type(declared_type);
    if (declared == "image/jpg") declared = "image/jpeg";
    auto info = inspect_image(bytes);
    if (!info) return info.error();
    if (declared != info->content_type) {
        Error e = make_error(ErrorCode::validation, "the file is " + info->content_type + " but was sent as '" +
                                                        declared.substr(0, 100) + "'; send it with its own Content-Type");
        e.details = {{"field", "file"}, {"declared", declared.substr(0, 100)}, {"detected", info->content_type}};
        return e;
    }
    if (info->width <= 0 || info->height <= 0 || info->width > m_settings.max_dimension ||
        info->height > m_settings.max_dimension) {
        Error e = make_error(ErrorCode::validation, "the image is " + std::to_string(info->width) + "x" +
                                                        std::to_string(info->height) + " pixels; at most " +
                                                        std::to_string(m_settings.max_dimension) +
                                                        " on each side (AVATAR_MAX_DIMENSION)");
        e.details = {{"field", "file"}, {"max_dimension", m_settings.max_dimension}};
        return e;
    }
    return info;
}

Result<Avatar> AvatarService::upload(const std::string& user_id, const std::string& declared_type,
                                     const std::string& bytes, const identity::Principal& caller,
                                     const identity::RequestMeta& meta) {
    auto info = check(declared_type, bytes);
    if (!info) return info.error();
    auto not_found = [] { return make_error(ErrorCode::not_found, "user not found"); };
    if (!is_uuid(user_id)) return not_found();
    if (!m_pool.read([&](db::Transaction& tx) { return identity::users::find_by_id(tx, user_id).has_value(); }))
        return not_found();

    // The object first: until the transaction below commits, nothing points at it.
    const std::string key = storage::new_key(k_prefix);
    if (auto stored = m_store.put(key, bytes, info->content_type); !stored) {
        log::error("cannot store an avatar", {{"storage", m_store.kind()}, {"detail", stored.error().detail}});
        return stored.error();
    }
    Avatar avatar;
    avatar.id = public_id(key);
    avatar.url = url_of(avatar.id);
    avatar.content_type = info->content_type;
    avatar.size_bytes = static_cast<int>(bytes.size());
    avatar.width = info->width;
    avatar.height = info->height;
    Result<Avatar> saved = make_error(ErrorCode::internal, "not saved");
    try {
        saved = db::atomically<Avatar>(m_pool, [&](db::Transaction& tx) -> Result<Avatar> {
            if (!identity::users::lock_by_id(tx, user_id)) return not_found();
            auto row = tx.exec(k_upsert, user_id, key, avatar.content_type, avatar.size_bytes, avatar.width, avatar.height);
            Avatar out = avatar;
            out.created_at = db::timestamp(row[0][0]);
            auto updated = identity::users::update(tx, user_id, {{"avatar_url", out.url}});
            if (!updated) return updated.error();
            auto e = avatar_event("user.avatar_updated", caller, meta, user_id);
            e.details = {{"content_type", out.content_type}, {"size_bytes", out.size_bytes}, {"width", out.width},
                         {"height", out.height}, {"storage", m_store.kind()}};
            audit::record(tx, e);
            return out;
        });
    } catch (...) {
        (void)m_store.remove(key);
        throw;
    }
    if (!saved) {
        (void)m_store.remove(key);  // never referenced: nothing else can point at it
        return saved.error();
    }
    sweep();
    return saved;
}

Status AvatarService::remove(const std::string& user_id, const identity::Principal& caller,
                             const identity::RequestMeta& meta) {
    if (!is_uuid(user_id)) return make_error(ErrorCode::not_found, "user not found");
    auto removed = db::atomically<Ok>(m_pool, [&](db::Transaction& tx) -> Result<Ok> {
        auto row = tx.exec(k_delete, user_id);
        if (row.empty()) return make_error(ErrorCode::not_found, "there is no uploaded avatar");
        const std::string key = row[0][0].as<std::string>();
        tx.exec(k_clear_url, user_id, url_of(public_id(key)));
        audit::record(tx, avatar_event("user.avatar_removed", caller, meta, user_id));
        return Ok{};
    });
    if (removed) sweep();
    return removed;
}

std::optional<Avatar> AvatarService::current(const std::string& user_id) {
    if (!is_uuid(user_id)) return std::nullopt;
    return m_pool.read([&](db::Transaction& tx) -> std::optional<Avatar> {
        auto r = tx.exec(k_find_user, user_id);
        if (r.empty()) return std::nullopt;
        Avatar a;
        a.id = public_id(r[0][0].as<std::string>());
        a.url = url_of(a.id);
        a.content_type = r[0][1].as<std::string>();
        a.size_bytes = r[0][2].as<int>();
        a.width = r[0][3].as<int>();
        a.height = r[0][4].as<int>();
        a.created_at = db::timestamp(r[0][5]);
        return a;
    });
}

Result<StoredImage> AvatarService::fetch(const std::string& id) {
    auto missing = [] { return make_error(ErrorCode::not_found, "avatar not found"); };
    if (!plausible_id(id)) return missing();
    const std::string key = std::string(k_prefix) + "/" + id;
    auto type = m_pool.read([&](db::Transaction& tx) -> std::optional<std::string> {
        auto r = tx.exec(k_find_key, key);
        if (r.empty()) return std::nullopt;
        return r[0][0].as<std::string>();
    });
    if (!type) return missing();
    auto bytes = m_store.get(key);
    if (!bytes) {
        if (bytes.error().code == ErrorCode::not_found) return missing();
        log::error("cannot read an avatar", {{"storage", m_store.kind()}, {"detail", bytes.error().detail}});
        return bytes.error();
    }
    return StoredImage{*type, std::move(*bytes)};
}

int AvatarService::sweep(int limit) {
    int failed = 0;
    try {
        auto keys = m_pool.read([&](db::Transaction& tx) {
            std::vector<std::string> out;
            for (const auto& row : tx.exec(k_queued, limit)) out.push_back(row[0].as<std::string>());
            return out;
        });
        for (const auto& key : keys) {
            auto gone = m_store.remove(key);
            m_pool.read([&](db::Transaction& tx) { tx.exec(gone ? k_done : k_failed, key); });
            if (gone) continue;
            ++failed;
            log::warn("cannot delete a replaced file; it stays queued",
                      {{"storage", m_store.kind()}, {"detail", gone.error().detail}});
        }
    } catch (const std::exception& e) {
        log::warn("cannot sweep replaced files; the sweep job retries", {{"error", e.what()}});
        return 1;
    }
    return failed;
}

}  // namespace janua::avatars
