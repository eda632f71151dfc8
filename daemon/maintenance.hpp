#pragma once
// Maintenance mode (system setting maintenance_mode): writes are refused with 503, the message and
// Retry-After, except by platform admins; reads, health, and signing in and out keep working.

#include "core/admin/runtime_settings.hpp"
#include "daemon/http.hpp"

#include <optional>

namespace janua::daemon {

inline constexpr int k_maintenance_retry_after_seconds = 300;

// The refusal for this (already authenticated) request, or nothing when it may proceed.
std::optional<Error> maintenance_refusal(const Request& request, const admin::Snapshot& settings);

}  // namespace janua::daemon
