#include "core/audit/audit.hpp"

namespace janua::audit {
namespace {

constexpr db::Statement k_insert{
    "audit_insert",
    "INSERT INTO audit_events (actor_type, actor_id, organization_id, action, outcome, target_type, target_id, "
    "ip_address, user_agent, request_id, details) "
    "VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, nullif($8, ''), nullif($9, ''), nullif($10, ''), $11::jsonb)"};

}  // namespace

void record(db::Transaction& tx, const Event& e) {
    tx.exec(k_insert, e.actor_type, e.actor_id, e.organization_id, e.action, e.outcome, e.target_type, e.target_id,
            e.ip_address, e.user_agent.substr(0, 512), e.request_id, e.details.dump());
}

}  // namespace janua::audit
