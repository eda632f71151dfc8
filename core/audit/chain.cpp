#include "core/audit/chain.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace janua::audit {
namespace {

constexpr db::Statement k_head{"audit_chain_head", "SELECT last_seq, encode(last_hash, 'hex') FROM audit_chain_head"};

// Rows written with the sealing trigger disabled (or beyond the head) are tampering too.
constexpr db::Statement k_unsealed{
    "audit_chain_unsealed",
    "SELECT id::text, seq FROM audit_events WHERE seq IS NULL OR hash IS NULL OR seq > $1 ORDER BY seq NULLS FIRST "
    "LIMIT 1"};

constexpr db::Statement k_batch{
    "audit_chain_batch",
    "SELECT seq, id::text, ((extract(epoch FROM occurred_at) * 1000000)::bigint)::text, actor_type, actor_id, "
    "organization_id::text, action, outcome, target_type, target_id, ip_address, user_agent, request_id, "
    "details::text, encode(pii_digest, 'hex'), encode(prev_hash, 'hex'), encode(hash, 'hex'), "
    "pseudonymized_at IS NOT NULL "
    "FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"};

std::string unhex(const pqxx::field& field) {
    if (field.is_null()) return {};
    return crypto::hex_decode(field.as<std::string>()).value_or("");
}

ChainEntry entry_from_row(const pqxx::row& r) {
    ChainEntry e;
    e.seq = r[0].as<long long>();
    e.id = r[1].as<std::string>();
    e.occurred_us = r[2].as<std::string>();
    e.actor_type = r[3].as<std::string>();
    e.actor_id = db::optional_field<std::string>(r[4]);
    e.organization_id = db::optional_field<std::string>(r[5]);
    e.action = r[6].as<std::string>();
    e.outcome = r[7].as<std::string>();
    e.target_type = db::optional_field<std::string>(r[8]);
    e.target_id = db::optional_field<std::string>(r[9]);
    e.ip_address = db::optional_field<std::string>(r[10]);
    e.user_agent = db::optional_field<std::string>(r[11]);
    e.request_id = db::optional_field<std::string>(r[12]);
    e.details = r[13].as<std::string>();
    e.pii_digest = unhex(r[14]);
    e.prev_hash = unhex(r[15]);
    e.hash = unhex(r[16]);
    e.pseudonymized = r[17].as<bool>();
    return e;
}

// The first problem with `e` given the previous entry's hash, or nullopt.
std::optional<std::string> check(const ChainEntry& e, long long expected_seq, const std::string& prev_hash) {
    if (e.seq != expected_seq)
        return "entries before it are missing: expected seq " + std::to_string(expected_seq) + " (deleted?)";
    if (e.hash.size() != crypto::sha256_bytes) return "the entry has no valid hash (not sealed)";
    if (!e.pseudonymized && pii_digest_of(e) != e.pii_digest)
        return "the actor, target, address, user agent or details were changed after the entry was written";
    if (entry_hash(e.prev_hash, e) != e.hash)
        return "the entry's content does not match its hash: it was changed after it was written";
    if (e.prev_hash != prev_hash)
        return "the entry does not link to seq " + std::to_string(expected_seq - 1) +
               ": that entry was changed or replaced, or entries were reordered";
    return std::nullopt;
}

}  // namespace

std::string canonical_field(const std::optional<std::string>& value) {
    if (!value) return "~";
    return std::to_string(value->size()) + ":" + *value;
}

std::string pii_digest_of(const ChainEntry& e) {
    return crypto::sha256(canonical_field(e.actor_id) + canonical_field(e.target_id) + canonical_field(e.ip_address) +
                          canonical_field(e.user_agent) + canonical_field(e.details));
}

std::string entry_hash(const std::string& prev_hash, const ChainEntry& e) {
    std::string input = prev_hash + "janua-audit-v1";
    input += canonical_field(std::to_string(e.seq));
    input += canonical_field(e.id);
    input += canonical_field(e.occurred_us);
    input += canonical_field(e.actor_type);
    input += canonical_field(e.organization_id);
    input += canonical_field(e.action);
    input += canonical_field(e.outcome);
    input += canonical_field(e.target_type);
    input += canonical_field(e.request_id);
    input += canonical_field(crypto::hex_encode(e.pii_digest));
    return crypto::sha256(input);
}

nlohmann::json to_json(const VerifyReport& report) {
    nlohmann::json out = {{"valid", report.valid},
                          {"entries_checked", report.entries_checked},
                          {"head", {{"seq", report.head_seq}, {"hash", report.head_hash}}},
                          {"first_broken", nullptr}};
    if (report.first_broken) {
        const auto& b = *report.first_broken;
        out["first_broken"] = {{"seq", b.seq}, {"id", b.id.empty() ? nlohmann::json(nullptr) : nlohmann::json(b.id)},
                               {"reason", b.reason}};
    }
    return out;
}

VerifyReport verify_chain(db::Pool& pool, int batch_size) {
    return pool.transact([&](db::Transaction& tx) {
        // One snapshot for the head and every batch: entries committed meanwhile are not seen.
        tx.exec_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        VerifyReport report;
        auto head = tx.exec(k_head);
        report.head_seq = head[0][0].as<long long>();
        report.head_hash = head[0][1].as<std::string>();
        auto broken = [&](long long seq, std::string id, std::string reason) {
            report.valid = false;
            report.first_broken = BrokenEntry{seq, std::move(id), std::move(reason)};
            return report;
        };

        std::string prev(crypto::sha256_bytes, '\0');
        long long expected = 1;
        while (true) {
            auto rows = tx.exec(k_batch, expected - 1, report.head_seq, batch_size);
            for (const auto& row : rows) {
                const ChainEntry e = entry_from_row(row);
                if (auto problem = check(e, expected, prev)) return broken(e.seq, e.id, *problem);
                prev = e.hash;
                ++expected;
                ++report.entries_checked;
            }
            if (static_cast<int>(rows.size()) < batch_size) break;
        }
        if (expected - 1 != report.head_seq)
            return broken(expected, "",
                          "the chain head records seq " + std::to_string(report.head_seq) + " but the log ends at seq " +
                              std::to_string(expected - 1) + ": the newest entries were deleted");
        if (crypto::hex_encode(prev) != report.head_hash)
            return broken(report.head_seq, "", "the newest entry does not match the hash kept in the chain head");
        auto stray = tx.exec(k_unsealed, report.head_seq);
        if (!stray.empty()) {
            const auto seq = db::optional_field<long long>(stray[0][1]);
            return broken(seq.value_or(0), stray[0][0].as<std::string>(),
                          seq ? "the entry lies beyond the chain head: it was inserted outside the chain"
                              : "the entry was never sealed into the chain (written with its trigger disabled)");
        }
        return report;
    });
}

}  // namespace janua::audit
