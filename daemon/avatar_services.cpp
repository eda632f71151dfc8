// File storage (STORAGE_BACKEND) and the avatars kept in it.
#include "daemon/services.hpp"

namespace janua::daemon {

Status build_avatar_services(DaemonContext& context) {
    const auto& cfg = context.config;
    auto store = storage::make_store(cfg);
    if (!store) return store.error();
    context.storage = std::move(*store);
    avatars::AvatarSettings settings;
    settings.max_bytes = cfg.avatar_max_bytes;
    settings.max_dimension = cfg.avatar_max_dimension;
    settings.base_url = cfg.base_url;
    context.avatars = std::make_unique<avatars::AvatarService>(settings, *context.pool, *context.storage);
    return Ok{};
}

}  // namespace janua::daemon
