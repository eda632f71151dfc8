#pragma once
// Verification of the audit hash chain. Each sealed entry stores
//   pii_digest = SHA-256(F(actor_id) F(target_id) F(ip_address) F(user_agent) F(details))
//   hash       = SHA-256(prev_hash || "janua-audit-v1" F(seq) F(id) F(occurred_at in µs) F(actor_type)
//                        F(organization_id) F(action) F(outcome) F(target_type) F(request_id)
//                        F(hex(pii_digest)))
// where F(v) is "~" for NULL and "<octet length>:<v>" otherwise, and prev_hash is the previous
// entry's hash (32 zero bytes before seq 1). The database seals entries at commit
// (migrations/0004); this file rebuilds the same bytes on its own, so a changed trigger
// function cannot vouch for a changed row.

#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace janua::audit {

// The stored fields of one entry, as text (NULL: nullopt).
struct ChainEntry {
    long long seq = 0;
    std::string id;
    std::string occurred_us;  // microseconds since the epoch, decimal
    std::string actor_type;
    std::optional<std::string> actor_id;
    std::optional<std::string> organization_id;
    std::string action;
    std::string outcome;
    std::optional<std::string> target_type;
    std::optional<std::string> target_id;
    std::optional<std::string> ip_address;
    std::optional<std::string> user_agent;
    std::optional<std::string> request_id;
    std::string details;  // jsonb as PostgreSQL prints it
    std::string pii_digest;  // raw bytes
    std::string prev_hash;   // raw bytes
    std::string hash;        // raw bytes
    bool pseudonymized = false;
};

// Return the canonical encoding of one field (see above).
std::string canonical_field(const std::optional<std::string>& value);
// Return SHA-256 of the entry's personal fields.
std::string pii_digest_of(const ChainEntry& entry);
// Return the hash the entry must carry after `prev_hash`.
std::string entry_hash(const std::string& prev_hash, const ChainEntry& entry);

struct BrokenEntry {
    long long seq = 0;
    std::string id;  // empty when the entry is missing
    std::string reason;
};

struct VerifyReport {
    bool valid = true;
    long long entries_checked = 0;
    long long head_seq = 0;
    std::string head_hash;  // hex
    std::optional<BrokenEntry> first_broken;
};

nlohmann::json to_json(const VerifyReport& report);

// Walk the whole chain in seq order, in batches, inside one repeatable-read snapshot, and stop
// at the first entry that does not verify.
VerifyReport verify_chain(db::Pool& pool, int batch_size = 5000);

}  // namespace janua::audit
