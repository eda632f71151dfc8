#include "core/iot/device_service.hpp"

#include "core/audit/audit.hpp"
#include "core/common/ids.hpp"
#include "core/common/page_cursor.hpp"
#include "core/common/text.hpp"
#include "core/crypto/random.hpp"
#include "core/oidc/client_repository.hpp"

#include <cstdio>

namespace janua::iot {
namespace {

const char* const k_client_prefix = "iot-";
const char* const k_scope_prefix = "iot:";

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = nlohmann::json::array({{{"field", field}, {"message", message}}});
    return e;
}

Error not_found(const std::string& id) { return make_error(ErrorCode::not_found, "cannot find device '" + id + "'"); }

// A random (version 4) UUID: the device id is part of its client_id, so it exists before the row.
std::string new_uuid() {
    auto bytes = crypto::random_bytes(16);
    bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    std::string out;
    char hex[3];
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(bytes[i]));
        out += hex;
    }
    return out;
}

std::optional<std::string> creator_of(const Actor& actor) {
    if (actor.type == "user" && actor.id && is_uuid(*actor.id)) return actor.id;
    return std::nullopt;
}

void record(db::Transaction& tx, const Actor& actor, const std::string& action, const std::string& organization_id,
            const std::string& device_id, nlohmann::json details) {
    audit::Event e;
    e.action = action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.organization_id = organization_id;
    e.target_type = "iot_device";
    e.target_id = device_id;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = std::move(details);
    audit::record(tx, e);
}

bool valid_ids(const std::string& organization_id, const std::string& id) { return is_uuid(organization_id) && is_uuid(id); }

}  // namespace

Result<DeviceSpec> spec_from_json(const nlohmann::json& body) {
    for (const auto& [key, value] : body.items())
        if (key != "name" && key != "scopes" && key != "access_token_ttl_seconds")
            return invalid(key, "is not a member of a device registration");
    DeviceSpec spec;
    if (!body.contains("name") || !body["name"].is_string()) return invalid("name", "is required (a string)");
    spec.name = body["name"].get<std::string>();
    if (spec.name.empty() || spec.name.size() > 200) return invalid("name", "must be 1-200 characters");
    if (has_control_characters(spec.name)) return invalid("name", "must not contain control characters");
    if (body.contains("scopes")) {
        if (!body["scopes"].is_array()) return invalid("scopes", "must be an array of scope strings");
        for (const auto& s : body["scopes"]) {
            if (!s.is_string()) return invalid("scopes", "must be an array of scope strings");
            // Organizations register devices themselves: their tokens must not carry a scope the
            // operator's own APIs check, so device scopes live under iot: (iot:telemetry:write).
            const auto scope = s.get<std::string>();
            if (scope.rfind(k_scope_prefix, 0) != 0 || scope.size() == std::string(k_scope_prefix).size())
                return invalid("scopes[" + std::to_string(spec.scopes.size()) + "]",
                               "must begin with iot: (for example iot:telemetry:write)");
            spec.scopes.push_back(scope);
        }
    }
    if (body.contains("access_token_ttl_seconds")) {
        const auto& ttl = body["access_token_ttl_seconds"];
        if (!ttl.is_number_integer() || ttl.get<long long>() < 60 || ttl.get<long long>() > 86400)
            return invalid("access_token_ttl_seconds", "must be an integer from 60 to 86400");
        spec.access_token_ttl_seconds = ttl.get<int>();
    }
    return spec;
}

nlohmann::json to_json(const Device& d) {
    return {{"id", d.id},
            {"organization_id", d.organization_id},
            {"name", d.name},
            {"client_id", d.client_id},
            {"scopes", d.scopes},
            {"access_token_ttl_seconds", d.access_token_ttl_seconds ? nlohmann::json(*d.access_token_ttl_seconds)
                                                                    : nlohmann::json(nullptr)},
            {"enabled", d.enabled},
            {"created_by", d.created_by ? nlohmann::json(*d.created_by) : nlohmann::json(nullptr)},
            {"created_at", d.created_at}};
}

nlohmann::json to_json(const Credentials& c) {
    auto out = to_json(c.device);
    out["client_secret"] = c.client_secret;
    return out;
}

Result<Credentials> DeviceService::register_device(const std::string& organization_id, const DeviceSpec& spec,
                                                   const Actor& actor) {
    if (!is_uuid(organization_id)) return make_error(ErrorCode::not_found, "organization not found");
    const std::string id = new_uuid();
    oidc::ClientSpec client;
    client.client_id = k_client_prefix + id;
    client.name = spec.name;
    client.is_public = false;
    client.token_endpoint_auth_method = oidc::k_auth_client_secret_basic;
    client.grant_types = {oidc::k_grant_client_credentials};
    client.scopes = spec.scopes;
    client.access_token_ttl_seconds = spec.access_token_ttl_seconds;
    client.require_consent = false;  // no user is involved
    client.organization_id = organization_id;
    auto created = m_clients.create(std::move(client), actor, [&](db::Transaction& tx, const oidc::OAuthClient& c) {
        repo::insert(tx, id, organization_id, c.id, spec.name, creator_of(actor));
        record(tx, actor, "iot_device.created", organization_id, id, {{"name", spec.name}, {"client_id", c.client_id}, {"scopes", c.scopes}});
    });
    if (!created) return created.error();  // the client rules name the member (scopes[i], ...)
    auto device = m_pool.read([&](db::Transaction& tx) { return repo::find(tx, organization_id, id); });
    if (!device) return make_error(ErrorCode::internal, "the device vanished after its registration");
    return Credentials{*device, created->client_secret.value_or("")};
}

Result<DevicePage> DeviceService::list(const std::string& organization_id, const std::optional<std::string>& cursor,
                                       int limit) {
    if (!is_uuid(organization_id)) return make_error(ErrorCode::not_found, "organization not found");
    if (limit < 1 || limit > 200) return invalid("limit", "must be from 1 to 200");
    auto position = paging::decode_cursor(cursor);
    if (!position) return position.error();
    return m_pool.read([&](db::Transaction& tx) -> Result<DevicePage> {
        DevicePage page;
        page.devices = repo::list(tx, organization_id, position->created_at, position->id, limit + 1);
        if (static_cast<int>(page.devices.size()) > limit) {
            page.devices.resize(limit);
            page.next_cursor = paging::encode_cursor(page.devices.back().created_at, page.devices.back().id);
        }
        return page;
    });
}

Result<Device> DeviceService::get(const std::string& organization_id, const std::string& id) {
    if (!valid_ids(organization_id, id)) return not_found(id.substr(0, 64));
    auto device = m_pool.read([&](db::Transaction& tx) { return repo::find(tx, organization_id, id); });
    if (!device) return not_found(id);
    return *device;
}

Status DeviceService::remove(const std::string& organization_id, const std::string& id, const Actor& actor) {
    if (!valid_ids(organization_id, id)) return not_found(id.substr(0, 64));
    return m_pool.transact([&](db::Transaction& tx) -> Status {
        auto device = repo::find(tx, organization_id, id);
        if (!device) return not_found(id);
        // The client goes, and the device row with it (ON DELETE CASCADE).
        oidc::clients::remove(tx, device->client_id);
        record(tx, actor, "iot_device.deleted", organization_id, id, {{"name", device->name}, {"client_id", device->client_id}});
        return Ok{};
    });
}

Result<Credentials> DeviceService::rotate_secret(const std::string& organization_id, const std::string& id,
                                                 const Actor& actor) {
    auto device = get(organization_id, id);
    if (!device) return device.error();
    auto rotated = m_clients.rotate_secret(device->client_id, 0, actor);
    if (!rotated) return rotated.error();
    m_pool.transact([&](db::Transaction& tx) {
        record(tx, actor, "iot_device.secret_rotated", organization_id, id, {{"client_id", device->client_id}});
    });
    return Credentials{*device, rotated->client_secret.value_or("")};
}

}  // namespace janua::iot
