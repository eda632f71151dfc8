#pragma once
// Reading the audit log: filtered, cursor-paginated pages for the API and `janua audit list`,
// and a batched walk for `janua audit export` that never holds the whole log in memory.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::audit {

struct LogFilter {
    std::optional<std::string> since;  // RFC 3339, inclusive
    std::optional<std::string> until;  // RFC 3339, exclusive
    std::optional<std::string> actor;  // actor_id
    std::optional<std::string> action;  // exact, or "<prefix>.*"
    std::optional<std::string> organization_id;
    std::optional<std::string> outcome;  // success | failure
    std::optional<std::string> target;   // target_id
    bool ascending = false;              // default: newest first
    int limit = 50;                      // 1..200 for pages
    std::optional<std::string> cursor;
};

struct LogEntry {
    long long seq = 0;
    std::string id;
    std::string occurred_at;
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
    nlohmann::json details;
    std::string hash;  // hex
};

struct LogPage {
    std::vector<LogEntry> entries;
    std::optional<std::string> next_cursor;
};

nlohmann::json to_json(const LogEntry& entry);

// The CSV header and one row (RFC 4180 quoting; a cell that a spreadsheet would run as a
// formula gets a leading apostrophe).
std::string csv_header();
std::string csv_row(const LogEntry& entry);

// Check the filter's values (timestamps, outcome, uuid, action pattern, cursor); a validation
// error names the parameter.
Status validate(const LogFilter& filter);

Result<LogPage> list(db::Pool& pool, const LogFilter& filter);

// Call `sink` for every matching entry in the filter's order (limit and cursor are ignored),
// fetching `batch` rows per query; stop early when `sink` returns false.
Status for_each(db::Pool& pool, LogFilter filter, const std::function<bool(const LogEntry&)>& sink, int batch = 1000);

// Up to `limit` matching entries with seq > `after_seq`, oldest first (the event stream's
// replay and its live fetch). The filter is validated; its order, limit and cursor are ignored.
Result<std::vector<LogEntry>> after(db::Pool& pool, const LogFilter& filter, long long after_seq, int limit);

// Whether `entry` passes `filter`'s action, actor, target, organization, outcome and time
// bounds: the same test as the SQL of list(), for entries already in memory.
bool matches(const LogFilter& filter, const LogEntry& entry);

// Whether `action` is `pattern`: the same action, "*", or a "<prefix>.*" it starts with.
bool action_matches(const std::string& pattern, const std::string& action);

// The one entry with this id (for webhook payloads), or nullopt.
std::optional<LogEntry> find(db::Transaction& tx, const std::string& id);

}  // namespace janua::audit
