#pragma once
// Known devices and risk-based sign-in. Each password sign-in passes through assess() once the
// password matched: the device it came from is recognised (or recorded), the risk is scored, and
// the sign-in is allowed, or — above the threshold, on an untrusted device, for a user without
// MFA — refused until the user confirms the device from an emailed link. Users with MFA always
// owe their second factor, which is the step-up. Users list, trust and remove their devices.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/devices/geoip.hpp"
#include "core/devices/risk.hpp"
#include "core/identity/auth_service.hpp"
#include "core/identity/user.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace janua::devices {

struct DeviceSettings {
    int step_up_threshold = 70;  // 0: never step up
    bool notify_new_device = true;
    int confirm_minutes = 60;
    std::string frontend_url;  // the new-sign-in mail links to its /forgot-password page
    std::string base_url;      // the confirmation link is an API URL of this daemon
};

struct Device {
    std::string id;
    std::string user_agent;
    std::string first_ip;
    std::string last_ip;
    std::string first_seen_at;
    std::string last_seen_at;
    std::string last_signin_at;  // "" while the device waits for its confirmation
    std::string trusted_at;      // "" when not trusted
};
nlohmann::json to_json(const Device& device);

struct Decision {
    bool confirm_by_email = false;  // refuse the sign-in until the device is confirmed
    std::string device_id;
    std::string device_token;  // the token the client keeps: the one it sent, or a new one
    bool new_device = false;   // the user had devices, and this is not one of them
    bool trusted = false;
    Assessment risk;
    int threshold = 0;
    // For the audit details of the sign-in: the score, its reasons and what was decided.
    nlohmann::json audit(const std::string& decision) const;
};

class DeviceService {
public:
    DeviceService(DeviceSettings settings, db::Pool& pool, std::shared_ptr<const GeoIp> geo, identity::Mailer mailer);

    // In the sign-in's transaction, after the password matched. `device_token` is what the client
    // presented (may be empty or unknown). `step_up_by_mfa`: the user owes a second factor anyway.
    Decision assess(db::Transaction& tx, const identity::User& user, const identity::RequestMeta& meta,
                    const std::string& device_token, bool step_up_by_mfa);
    // The sign-in goes on (tokens now, or after the second factor): remember the device as seen
    // here and mail the user when it is new to them.
    void accept(db::Transaction& tx, const identity::User& user, const Decision& decision,
                const identity::RequestMeta& meta);
    // The sign-in is refused: mail a confirmation link and audit why. The returned error carries the
    // device token in its details; the caller's transaction must commit.
    Error refuse(db::Transaction& tx, const identity::User& user, const Decision& decision,
                 const identity::RequestMeta& meta);

    std::vector<Device> list(const std::string& user_id);
    Result<Device> trust(const identity::Principal& caller, const std::string& device_id, const identity::RequestMeta& meta);
    Status remove(const identity::Principal& caller, const std::string& device_id, const identity::RequestMeta& meta);
    // The link of the confirmation mail: the device becomes trusted.
    Result<Device> confirm(const std::string& token, const identity::RequestMeta& meta);

    const DeviceSettings& settings() const { return m_settings; }

private:
    DeviceSettings m_settings;
    db::Pool& m_pool;
    std::shared_ptr<const GeoIp> m_geo;
    identity::Mailer m_mailer;
};

// The cookie of the hosted login page and the longest a device token may be.
inline constexpr const char* k_device_cookie = "janua_device";
inline constexpr int k_device_cookie_days = 400;
inline constexpr std::size_t k_max_device_token = 128;
// Devices kept per user; the least recently seen untrusted ones go first.
inline constexpr int k_max_devices_per_user = 50;

}  // namespace janua::devices
