#pragma once
// Build the core services the routes use, from the configuration, and run the daemon's
// background work (the job worker that delivers email).

#include "daemon/context.hpp"

#include <memory>

namespace janua::daemon {

void build_services(DaemonContext& context, const db::PoolSettings& pool_settings);
// Known devices and risk-based sign-in (daemon/device_services.cpp); fails on a bad RISK_GEOIP_FILE.
Status build_device_services(DaemonContext& context);
// File storage and avatars (daemon/avatar_services.cpp); fails on an unreadable S3 secret file.
Status build_avatar_services(DaemonContext& context);
// Billing plans and the billing webhook (daemon/billing_services.cpp); fails on an unreadable
// BILLING_WEBHOOK_SECRET_FILE.
Status build_billing_services(DaemonContext& context);

// Re-read the runtime system settings and apply those held outside the snapshot (rate limits).
// Logs and keeps the previous values when the database cannot be read.
void refresh_runtime_settings(DaemonContext& context);

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
