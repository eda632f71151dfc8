#pragma once
// Build the core services the routes use, from the configuration, and run the daemon's
// background work (the job worker that delivers email).

#include "daemon/context.hpp"

#include <memory>

namespace janua::daemon {

void build_services(DaemonContext& context, const db::PoolSettings& pool_settings);

class BackgroundWork {
public:
    BackgroundWork(DaemonContext& context, const db::PoolSettings& pool_settings);
    ~BackgroundWork();
    void start();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace janua::daemon
