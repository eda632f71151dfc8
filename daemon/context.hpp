#pragma once
// What every route handler may use: configuration, the database pool and the core services.

#include "core/config/config.hpp"
#include "core/db/pool.hpp"
#include "daemon/metrics.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace janua::daemon {

struct DaemonContext {
    config::Config config;
    std::unique_ptr<db::Pool> pool;
    Metrics metrics;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> shutting_down{false};
};

}  // namespace janua::daemon
