#pragma once
// IoT devices: an organization registers a device, and the device signs in to januad as its own
// OAuth 2.0 confidential client with the client_credentials grant (RFC 6749 4.4). Each device is a
// client in the one client store (core/oidc/client_service.hpp) owned by the organization, so its
// tokens carry org_id, and its client_id, "iot-<device id>", is their sub. The secret is shown once,
// at registration or rotation. Deleting a device deletes its client: /oauth/token refuses it and
// /oauth/introspect reports its tokens inactive. Every change is audited.
//
// Devices with a user at a screen (a TV, a console) should use the device authorization grant
// (RFC 8628, /oauth/device_authorization) with an ordinary public client instead; that acts for
// the user, not for the organization.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"
#include "core/identity/user_admin.hpp"
#include "core/iot/device_repository.hpp"
#include "core/oidc/client_service.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace janua::iot {

using Actor = identity::Actor;

// Tokens of a device are short-lived unless the organization says otherwise: a JWT cannot be
// recalled before it expires.
inline constexpr int k_default_token_ttl_seconds = 900;

struct DeviceSpec {
    std::string name;
    std::vector<std::string> scopes;  // the API scopes the device may ask for
    int access_token_ttl_seconds = k_default_token_ttl_seconds;
};
// Read a registration body: {name, scopes?, access_token_ttl_seconds?}; unknown members are refused.
Result<DeviceSpec> spec_from_json(const nlohmann::json& body);

using Device = repo::DeviceRow;
nlohmann::json to_json(const Device& device);

// A device and its client secret, shown this once.
struct Credentials {
    Device device;
    std::string client_secret;
};
nlohmann::json to_json(const Credentials& credentials);

struct DevicePage {
    std::vector<Device> devices;
    std::optional<std::string> next_cursor;
};

class DeviceService {
public:
    DeviceService(db::Pool& pool, oidc::ClientService& clients) : m_pool(pool), m_clients(clients) {}

    Result<Credentials> register_device(const std::string& organization_id, const DeviceSpec& spec, const Actor& actor);
    Result<DevicePage> list(const std::string& organization_id, const std::optional<std::string>& cursor, int limit);
    Result<Device> get(const std::string& organization_id, const std::string& id);
    // Delete the device and its client.
    Status remove(const std::string& organization_id, const std::string& id, const Actor& actor);
    // A new secret; the old one stops working at once.
    Result<Credentials> rotate_secret(const std::string& organization_id, const std::string& id, const Actor& actor);

private:
    db::Pool& m_pool;
    oidc::ClientService& m_clients;
};

}  // namespace janua::iot
