#include "core/audit/audit.hpp"

#include "core/jobs/wake.hpp"

namespace janua::audit {
namespace {

// The insert and the webhook fan-out in one round trip. An endpoint subscribes to exact
// actions, to "<prefix>.*" or to "*"; it is never sent events about itself (its own creation,
// update or deletion). NOTIFY is transactional: workers hear of the jobs at commit.
constexpr db::Statement k_insert{
    "audit_insert",
    "WITH ev AS ("
    "  INSERT INTO audit_events (actor_type, actor_id, organization_id, action, outcome, target_type, target_id,"
    "    ip_address, user_agent, request_id, details)"
    "  VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, nullif($8, ''), nullif($9, ''), nullif($10, ''), $11::jsonb)"
    "  RETURNING id, organization_id, action, target_type, target_id),"
    " hooks AS ("
    "  INSERT INTO jobs (kind, payload, max_attempts)"
    "  SELECT $12, jsonb_build_object('endpoint_id', w.id, 'event_id', ev.id, 'reason', 'event'), $13"
    "  FROM ev JOIN webhook_endpoints w ON w.organization_id = ev.organization_id AND w.enabled"
    "  WHERE ev.action <> $14 AND (ev.target_type IS DISTINCT FROM 'webhook' OR ev.target_id IS DISTINCT FROM w.id::text)"
    "  AND EXISTS (SELECT 1 FROM unnest(w.event_types) t"
    "    WHERE t = '*' OR t = ev.action OR (right(t, 2) = '.*' AND starts_with(ev.action, left(t, -1))))"
    "  RETURNING id)"
    " SELECT ev.id::text, (SELECT count(*) FROM hooks),"
    "   (SELECT pg_notify('janua_jobs', $12) FROM (SELECT 1 FROM hooks LIMIT 1) any_hook)"
    " FROM ev"};

constexpr db::Statement k_pseudonymize{"audit_pseudonymize", "SELECT audit_pseudonymize($1, $2)"};

}  // namespace

std::string append(db::Transaction& tx, const Event& e) {
    auto rows = tx.exec(k_insert, e.actor_type, e.actor_id, e.organization_id, e.action, e.outcome, e.target_type,
                        e.target_id, e.ip_address, e.user_agent.substr(0, 512), e.request_id,
                        e.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                        std::string(k_webhook_job_kind), k_webhook_max_attempts, std::string(k_webhook_test_action));
    if (rows[0][1].as<long long>() > 0) jobs::wake::ring();
    return rows[0][0].as<std::string>();
}

void record(db::Transaction& tx, const Event& event) { (void)append(tx, event); }

long long pseudonymize(db::Transaction& tx, const std::string& subject, const std::string& replacement) {
    return tx.exec(k_pseudonymize, subject, replacement)[0][0].as<long long>();
}

}  // namespace janua::audit
