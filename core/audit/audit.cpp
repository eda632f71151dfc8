#include "core/audit/audit.hpp"

#include "core/common/text.hpp"
#include "core/jobs/wake.hpp"

namespace janua::audit {
namespace {

// The events of a JSON array inserted in the array's order (the chain seals them in that order),
// and their webhook fan-out, in one round trip. An endpoint subscribes to exact actions, to
// "<prefix>.*" or to "*"; it is never sent events about itself (its own creation, update or
// deletion). NOTIFY is transactional: workers hear of the jobs at commit.
constexpr db::Statement k_insert{
    "audit_insert",
    "WITH ev AS ("
    "  INSERT INTO audit_events (actor_type, actor_id, organization_id, action, outcome, target_type, target_id,"
    "    ip_address, user_agent, request_id, details)"
    "  SELECT e->>'actor_type', e->>'actor_id', (e->>'organization_id')::uuid, e->>'action', e->>'outcome',"
    "    e->>'target_type', e->>'target_id', nullif(e->>'ip_address', ''), nullif(e->>'user_agent', ''),"
    "    nullif(e->>'request_id', ''), e->'details'"
    "  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)"
    "  ORDER BY x.n"
    "  RETURNING id, organization_id, action, target_type, target_id),"
    " hooks AS ("
    "  INSERT INTO jobs (kind, payload, max_attempts)"
    "  SELECT $2, jsonb_build_object('endpoint_id', w.id, 'event_id', ev.id, 'reason', 'event'), $3"
    "  FROM ev JOIN webhook_endpoints w ON w.organization_id = ev.organization_id AND w.enabled"
    "  WHERE ev.action <> $4 AND (ev.target_type IS DISTINCT FROM 'webhook' OR ev.target_id IS DISTINCT FROM w.id::text)"
    "  AND EXISTS (SELECT 1 FROM unnest(w.event_types) t"
    "    WHERE t = '*' OR t = ev.action OR (right(t, 2) = '.*' AND starts_with(ev.action, left(t, -1))))"
    "  RETURNING id)"
    " SELECT ev.id::text, (SELECT count(*) FROM hooks),"
    "   (SELECT pg_notify('janua_jobs', $2) FROM (SELECT 1 FROM hooks LIMIT 1) any_hook)"
    " FROM ev"};

constexpr db::Statement k_pseudonymize{"audit_pseudonymize", "SELECT audit_pseudonymize($1, $2)"};

nlohmann::json optional_text(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json as_row(const Event& e) {
    return {{"actor_type", e.actor_type},
            {"actor_id", optional_text(e.actor_id)},
            {"organization_id", optional_text(e.organization_id)},
            {"action", e.action},
            {"outcome", e.outcome},
            {"target_type", optional_text(e.target_type)},
            {"target_id", optional_text(e.target_id)},
            {"ip_address", e.ip_address},
            {"user_agent", printable_ascii(e.user_agent, 512)},
            {"request_id", e.request_id},
            {"details", e.details}};
}

pqxx::result insert(db::Transaction& tx, const nlohmann::json& rows) {
    auto result = tx.exec(k_insert, rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                          std::string(k_webhook_job_kind), k_webhook_max_attempts, std::string(k_webhook_test_action));
    if (!result.empty() && result[0][1].as<long long>() > 0) jobs::wake::ring();
    return result;
}

}  // namespace

std::string append(db::Transaction& tx, const Event& e) {
    return insert(tx, nlohmann::json::array({as_row(e)}))[0][0].as<std::string>();
}

void append_all(db::Transaction& tx, const std::vector<Event>& events) {
    if (events.empty()) return;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& e : events) rows.push_back(as_row(e));
    insert(tx, rows);
}

void record(db::Transaction& tx, const Event& event) { (void)append(tx, event); }

long long pseudonymize(db::Transaction& tx, const std::string& subject, const std::string& replacement) {
    return tx.exec(k_pseudonymize, subject, replacement)[0][0].as<long long>();
}

}  // namespace janua::audit
