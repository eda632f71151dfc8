// Billing plans, subscriptions and the signed billing webhook.
#include "core/storage/object_store.hpp"
#include "daemon/services.hpp"

namespace janua::daemon {

Status build_billing_services(DaemonContext& context) {
    const auto& cfg = context.config;
    billing::BillingSettings settings;
    settings.webhook_secret = cfg.billing_webhook_secret;
    settings.tolerance_seconds = cfg.billing_webhook_tolerance_seconds;
    if (!cfg.billing_webhook_secret_file.empty()) {
        auto secret = storage::read_secret_file(cfg.billing_webhook_secret_file, "BILLING_WEBHOOK_SECRET_FILE");
        if (!secret) return secret.error();
        settings.webhook_secret = *secret;
    }
    context.billing = std::make_unique<billing::BillingService>(*context.pool, settings);
    return Ok{};
}

}  // namespace janua::daemon
