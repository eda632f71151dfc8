// Known devices and risk-based sign-in: built after the other services, hooked into AuthService.
#include "core/identity/outbox_mailer.hpp"
#include "daemon/services.hpp"

namespace janua::daemon {

Status build_device_services(DaemonContext& context) {
    const auto& cfg = context.config;
    if (!cfg.devices_enabled) return Ok{};
    std::shared_ptr<const devices::GeoIp> geo;
    if (!cfg.risk_geoip_file.empty()) {
        auto loaded = devices::GeoIp::load(cfg.risk_geoip_file);
        if (!loaded) return make_error(ErrorCode::bad_request, "invalid setting RISK_GEOIP_FILE: " + loaded.error().message);
        geo = std::make_shared<const devices::GeoIp>(std::move(loaded.value()));
    }
    devices::DeviceSettings settings;
    settings.step_up_threshold = cfg.risk_step_up_threshold;
    settings.notify_new_device = cfg.new_device_emails_enabled;
    settings.confirm_minutes = cfg.email_token_expire_minutes;
    settings.frontend_url = cfg.frontend_url;
    settings.base_url = cfg.base_url;
    context.devices = std::make_unique<devices::DeviceService>(settings, *context.pool, geo, identity::outbox_mailer(cfg));
    context.auth->use_devices(context.devices.get());
    return Ok{};
}

}  // namespace janua::daemon
