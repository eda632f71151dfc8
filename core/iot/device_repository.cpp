#include "core/iot/device_repository.hpp"

namespace janua::iot::repo {
namespace {

using db::Statement;

#define JANUA_IOT_COLUMNS                                                                                  \
    "d.id::text, d.organization_id::text, d.name, c.client_id, array_to_json(c.scopes)::text, "          \
    "c.access_token_ttl_seconds, c.enabled, d.created_by::text, d.created_at"

constexpr Statement k_insert{"iot_devices_insert",
                             "INSERT INTO iot_devices (id, organization_id, client_pk, name, created_by) "
                             "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::uuid)"};
constexpr Statement k_find{"iot_devices_find", "SELECT " JANUA_IOT_COLUMNS " FROM iot_devices d "
                                               "JOIN oauth_clients c ON c.id = d.client_pk "
                                               "WHERE d.organization_id = $1::uuid AND d.id = $2::uuid"};
constexpr Statement k_list{"iot_devices_list",
                           "SELECT " JANUA_IOT_COLUMNS " FROM iot_devices d JOIN oauth_clients c ON c.id = d.client_pk "
                           "WHERE d.organization_id = $1::uuid "
                           "AND ($2::timestamptz IS NULL OR (d.created_at, d.id) > ($2::timestamptz, $3::uuid)) "
                           "ORDER BY d.created_at, d.id LIMIT $4"};
constexpr Statement k_org{"iot_devices_org", "SELECT 1 FROM organizations WHERE id = $1::uuid"};

DeviceRow from_row(const pqxx::row& r) {
    DeviceRow d;
    d.id = r[0].as<std::string>();
    d.organization_id = r[1].as<std::string>();
    d.name = r[2].as<std::string>();
    d.client_id = r[3].as<std::string>();
    d.scopes = nlohmann::json::parse(r[4].as<std::string>()).get<std::vector<std::string>>();
    d.access_token_ttl_seconds = db::optional_field<int>(r[5]);
    d.enabled = r[6].as<bool>();
    d.created_by = db::optional_field<std::string>(r[7]);
    d.created_at = db::timestamp(r[8]);
    return d;
}

}  // namespace

void insert(db::Transaction& tx, const std::string& id, const std::string& organization_id, const std::string& client_pk,
            const std::string& name, const std::optional<std::string>& created_by) {
    tx.exec(k_insert, id, organization_id, client_pk, name, created_by);
}

std::optional<DeviceRow> find(db::Transaction& tx, const std::string& organization_id, const std::string& id) {
    auto rows = tx.exec(k_find, organization_id, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

std::vector<DeviceRow> list(db::Transaction& tx, const std::string& organization_id,
                            const std::optional<std::string>& after_time, const std::optional<std::string>& after_id,
                            int limit) {
    std::vector<DeviceRow> out;
    for (const auto& row : tx.exec(k_list, organization_id, after_time, after_id, limit)) out.push_back(from_row(row));
    return out;
}

bool organization_exists(db::Transaction& tx, const std::string& organization_id) {
    return !tx.exec(k_org, organization_id).empty();
}

}  // namespace janua::iot::repo
