#pragma once
// Every SQL statement of the job queue. Durations travel as milliseconds ($n::bigint).

#include "core/db/pool.hpp"

namespace janua::jobs::sql {

// NOTIFY is transactional: listeners hear of the job only when the caller's transaction commits.
inline constexpr db::Statement k_insert{
    "jobs_insert",
    "WITH inserted AS ("
    "  INSERT INTO jobs (kind, payload, max_attempts, run_at)"
    "  VALUES ($1, $2::jsonb, $3, now() + $4::bigint * interval '1 millisecond')"
    "  RETURNING id)"
    " SELECT id::text, pg_notify('janua_jobs', $1) FROM inserted"};

// Claiming is split in two so each half walks its own partial index (jobs_running_idx,
// jobs_due_idx) even when the table holds millions of finished rows.
inline constexpr db::Statement k_claim_expired{
    "jobs_claim_expired",
    "WITH next AS ("
    "  SELECT id FROM jobs"
    "  WHERE status = 'running' AND locked_until < now() AND attempts < max_attempts"
    "    AND kind IN (SELECT jsonb_array_elements_text($2::jsonb))"
    "  ORDER BY locked_until LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $1,"
    "   locked_until = now() + $3::bigint * interval '1 millisecond',"
    "   last_error = 'lease expired on worker ' || coalesce(j.locked_by, '?')"
    " FROM next WHERE j.id = next.id"
    " RETURNING j.id::text, j.kind, j.payload::text, j.attempts, j.max_attempts"};

inline constexpr db::Statement k_claim_due{
    "jobs_claim_due",
    "WITH next AS ("
    "  SELECT id FROM jobs"
    "  WHERE status = 'pending' AND run_at <= now()"
    "    AND kind IN (SELECT jsonb_array_elements_text($2::jsonb))"
    "  ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $1,"
    "   locked_until = now() + $3::bigint * interval '1 millisecond'"
    " FROM next WHERE j.id = next.id"
    " RETURNING j.id::text, j.kind, j.payload::text, j.attempts, j.max_attempts"};

// A job whose worker vanished on its last allowed attempt would otherwise stay running forever.
inline constexpr db::Statement k_bury_expired{
    "jobs_bury_expired",
    "UPDATE jobs SET status = 'dead', finished_at = now(), locked_until = NULL,"
    "  last_error = 'lease expired on worker ' || coalesce(locked_by, '?') || ' on the last "
    "attempt'"
    " WHERE status = 'running' AND locked_until < now() AND attempts >= max_attempts"};

inline constexpr db::Statement k_complete{
    "jobs_complete",
    "UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL"
    " WHERE id = $1::uuid AND status = 'running' AND attempts = $2 AND locked_by = $3"};

inline constexpr db::Statement k_complete_redacted{
    "jobs_complete_redacted",
    "UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL,"
    "  payload = '{\"redacted\": true}'::jsonb"
    " WHERE id = $1::uuid AND status = 'running' AND attempts = $2 AND locked_by = $3"};

// $4: give up now (permanent error); $5: delay before the retry.
inline constexpr db::Statement k_fail{
    "jobs_fail",
    "UPDATE jobs SET"
    "  status = CASE WHEN $4::boolean OR attempts >= max_attempts THEN 'dead' ELSE 'pending' END,"
    "  run_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN run_at"
    "           ELSE now() + $5::bigint * interval '1 millisecond' END,"
    "  finished_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN now() END,"
    "  last_error = $6, locked_until = NULL"
    " WHERE id = $1::uuid AND status = 'running' AND attempts = $2 AND locked_by = $3"
    " RETURNING status"};

inline constexpr db::Statement k_find{
    "jobs_find",
    "SELECT id::text, kind, payload::text, status, attempts, max_attempts, last_error, locked_by,"
    "  (extract(epoch FROM (run_at - now())) * 1000)::bigint, finished_at IS NOT NULL"
    " FROM jobs WHERE id = $1::uuid"};

}  // namespace janua::jobs::sql
