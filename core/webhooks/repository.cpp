#include "core/webhooks/repository.hpp"

namespace janua::webhooks::repo {
namespace {

using db::Statement;

#define JANUA_WEBHOOK_COLUMNS                                                                                 \
    "id::text, organization_id::text, url, description, array_to_json(event_types)::text, enabled, failing, " \
    "failing_since, last_success_at, last_failure_at, created_at, updated_at"
#define JANUA_TEXT_ARRAY(n) \
    "ARRAY(SELECT v FROM jsonb_array_elements_text(" n "::jsonb) WITH ORDINALITY AS t(v, i) ORDER BY i)"
#define JANUA_DELIVERY_COLUMNS                                                                               \
    "id::text, endpoint_id::text, event_id::text, event_type, job_id::text, attempt, outcome, http_status, " \
    "latency_ms, response_excerpt, error, created_at"

constexpr Statement k_lock_org{"webhooks_lock_org", "SELECT 1 FROM organizations WHERE id = $1::uuid FOR UPDATE"};
constexpr Statement k_count{"webhooks_count", "SELECT count(*) FROM webhook_endpoints WHERE organization_id = $1::uuid"};
constexpr Statement k_insert{
    "webhooks_insert",
    "INSERT INTO webhook_endpoints (organization_id, url, description, event_types, enabled, secret_encrypted, "
    "created_by) VALUES ($1::uuid, $2, $3, " JANUA_TEXT_ARRAY("$4") ", $5, $6, $7::uuid) RETURNING " JANUA_WEBHOOK_COLUMNS};
constexpr Statement k_list{"webhooks_list", "SELECT " JANUA_WEBHOOK_COLUMNS
                                            " FROM webhook_endpoints WHERE organization_id = $1::uuid ORDER BY created_at, id"};
constexpr Statement k_find{"webhooks_find", "SELECT " JANUA_WEBHOOK_COLUMNS
                                            " FROM webhook_endpoints WHERE organization_id = $1::uuid AND id = $2::uuid"};
constexpr Statement k_update{
    "webhooks_update",
    "UPDATE webhook_endpoints SET url = $3, description = $4, event_types = " JANUA_TEXT_ARRAY("$5") ", enabled = $6, "
    "failing = CASE WHEN $6 THEN failing ELSE false END, updated_at = now() "
    "WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING " JANUA_WEBHOOK_COLUMNS};
constexpr Statement k_replace_secret{
    "webhooks_replace_secret",
    "UPDATE webhook_endpoints SET secret_encrypted = $3, updated_at = now() "
    "WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING " JANUA_WEBHOOK_COLUMNS};
constexpr Statement k_delete{"webhooks_delete",
                             "DELETE FROM webhook_endpoints WHERE organization_id = $1::uuid AND id = $2::uuid"};
constexpr Statement k_find_target{"webhooks_find_target", "SELECT " JANUA_WEBHOOK_COLUMNS
                                                          ", secret_encrypted FROM webhook_endpoints WHERE id = $1::uuid"};
constexpr Statement k_record_delivery{
    "webhooks_record_delivery",
    "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, job_id, attempt, outcome, http_status, "
    "latency_ms, response_excerpt, error) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6, $7, $8, $9, $10)"};
constexpr Statement k_mark_success{
    "webhooks_mark_success",
    "UPDATE webhook_endpoints SET last_success_at = now(), failing = false, failing_since = NULL WHERE id = $1::uuid"};
constexpr Statement k_mark_failure{
    "webhooks_mark_failure",
    "UPDATE webhook_endpoints SET last_failure_at = now(), failing = failing OR $2, "
    "failing_since = CASE WHEN $2 THEN coalesce(failing_since, now()) ELSE failing_since END WHERE id = $1::uuid"};
constexpr Statement k_find_delivery{"webhooks_find_delivery",
                                    "SELECT " JANUA_DELIVERY_COLUMNS
                                    " FROM webhook_deliveries WHERE endpoint_id = $1::uuid AND id = $2::uuid"};
constexpr Statement k_deliveries{
    "webhooks_deliveries",
    "SELECT " JANUA_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE endpoint_id = $1::uuid "
    "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $4"};

Endpoint endpoint_from_row(const pqxx::row& r) {
    Endpoint e;
    e.id = r[0].as<std::string>();
    e.organization_id = r[1].as<std::string>();
    e.url = r[2].as<std::string>();
    e.description = db::optional_field<std::string>(r[3]);
    e.event_types = nlohmann::json::parse(r[4].as<std::string>()).get<std::vector<std::string>>();
    e.enabled = r[5].as<bool>();
    e.failing = r[6].as<bool>();
    e.failing_since = db::timestamp(r[7]);
    e.last_success_at = db::timestamp(r[8]);
    e.last_failure_at = db::timestamp(r[9]);
    e.created_at = db::timestamp(r[10]);
    e.updated_at = db::timestamp(r[11]);
    return e;
}

Delivery delivery_from_row(const pqxx::row& r) {
    Delivery d;
    d.id = r[0].as<std::string>();
    d.endpoint_id = r[1].as<std::string>();
    d.event_id = r[2].as<std::string>();
    d.event_type = r[3].as<std::string>();
    d.job_id = db::optional_field<std::string>(r[4]);
    d.attempt = r[5].as<int>();
    d.outcome = r[6].as<std::string>();
    d.http_status = db::optional_field<int>(r[7]);
    d.latency_ms = r[8].as<long long>();
    d.response_excerpt = db::optional_field<std::string>(r[9]);
    d.error = db::optional_field<std::string>(r[10]);
    d.created_at = db::timestamp(r[11]);
    return d;
}

std::optional<Endpoint> first(const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    return endpoint_from_row(rows[0]);
}

}  // namespace

bool lock_organization(db::Transaction& tx, const std::string& organization_id) {
    return !tx.exec(k_lock_org, organization_id).empty();
}

int count(db::Transaction& tx, const std::string& organization_id) {
    return tx.exec(k_count, organization_id)[0][0].as<int>();
}

Endpoint insert(db::Transaction& tx, const std::string& organization_id, const std::string& url,
                const std::optional<std::string>& description, const std::vector<std::string>& event_types,
                bool enabled, const std::string& secret_encrypted, const std::optional<std::string>& created_by) {
    return endpoint_from_row(tx.exec(k_insert, organization_id, url, description, nlohmann::json(event_types).dump(),
                                     enabled, secret_encrypted, created_by)[0]);
}

std::vector<Endpoint> list(db::Transaction& tx, const std::string& organization_id) {
    std::vector<Endpoint> out;
    for (const auto& row : tx.exec(k_list, organization_id)) out.push_back(endpoint_from_row(row));
    return out;
}

std::optional<Endpoint> find(db::Transaction& tx, const std::string& organization_id, const std::string& id) {
    return first(tx.exec(k_find, organization_id, id));
}

std::optional<Endpoint> update(db::Transaction& tx, const Endpoint& e) {
    return first(tx.exec(k_update, e.organization_id, e.id, e.url, e.description, nlohmann::json(e.event_types).dump(),
                         e.enabled));
}

std::optional<Endpoint> replace_secret(db::Transaction& tx, const std::string& organization_id, const std::string& id,
                                       const std::string& secret_encrypted) {
    return first(tx.exec(k_replace_secret, organization_id, id, secret_encrypted));
}

bool remove(db::Transaction& tx, const std::string& organization_id, const std::string& id) {
    return tx.exec(k_delete, organization_id, id).affected_rows() > 0;
}

std::optional<Target> find_target(db::Transaction& tx, const std::string& id) {
    auto rows = tx.exec(k_find_target, id);
    if (rows.empty()) return std::nullopt;
    return Target{endpoint_from_row(rows[0]), rows[0][12].as<std::string>()};
}

void record_delivery(db::Transaction& tx, const Delivery& d) {
    tx.exec(k_record_delivery, d.endpoint_id, d.event_id, d.event_type, d.job_id, d.attempt, d.outcome, d.http_status,
            d.latency_ms, d.response_excerpt, d.error);
}

void mark_success(db::Transaction& tx, const std::string& endpoint_id) { tx.exec(k_mark_success, endpoint_id); }

void mark_failure(db::Transaction& tx, const std::string& endpoint_id, bool give_up) {
    tx.exec(k_mark_failure, endpoint_id, give_up);
}

std::optional<Delivery> find_delivery(db::Transaction& tx, const std::string& endpoint_id, const std::string& id) {
    auto rows = tx.exec(k_find_delivery, endpoint_id, id);
    if (rows.empty()) return std::nullopt;
    return delivery_from_row(rows[0]);
}

std::vector<Delivery> deliveries(db::Transaction& tx, const std::string& endpoint_id,
                                 const std::optional<std::string>& before_time,
                                 const std::optional<std::string>& before_id, int limit) {
    std::vector<Delivery> out;
    for (const auto& row : tx.exec(k_deliveries, endpoint_id, before_time, before_id, limit))
        out.push_back(delivery_from_row(row));
    return out;
}

}  // namespace janua::webhooks::repo
