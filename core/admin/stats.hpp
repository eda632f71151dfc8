#pragma once
// Platform numbers for the admin dashboard: users, organizations, sessions and sign-ins per day.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

namespace janua::admin {

inline constexpr int k_max_stats_days = 366;

// `days` (1..k_max_stats_days) of daily sign-ins, oldest first, today (UTC) last, zero-filled.
nlohmann::json platform_stats(db::Transaction& tx, int days);

}  // namespace janua::admin
