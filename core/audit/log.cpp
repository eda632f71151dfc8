#include "core/audit/log.hpp"

#include "core/common/ids.hpp"
#include "core/common/time.hpp"
#include "core/crypto/encoding.hpp"

#include <algorithm>
#include <regex>

namespace janua::audit {
namespace {

#define JANUA_AUDIT_COLUMNS                                                                                  \
    "seq, id::text, occurred_at, actor_type, actor_id, organization_id::text, action, outcome, target_type, " \
    "target_id, ip_address, user_agent, request_id, details::text, encode(hash, 'hex')"

#define JANUA_AUDIT_FILTER                                                                                      \
    " FROM audit_events WHERE seq IS NOT NULL"                                                                  \
    " AND ($1::timestamptz IS NULL OR occurred_at >= $1::timestamptz)"                                         \
    " AND ($2::timestamptz IS NULL OR occurred_at < $2::timestamptz)"                                          \
    " AND ($3::text IS NULL OR actor_id = $3)"                                                                  \
    " AND ($4::text IS NULL OR action = $4 OR (right($4, 2) = '.*' AND starts_with(action, left($4, -1))))"   \
    " AND ($5::uuid IS NULL OR organization_id = $5::uuid)"                                                     \
    " AND ($6::text IS NULL OR outcome = $6)"                                                                   \
    " AND ($7::text IS NULL OR target_id = $7)"

constexpr db::Statement k_page_desc{"audit_log_desc",
                                    "SELECT " JANUA_AUDIT_COLUMNS JANUA_AUDIT_FILTER
                                    " AND ($8::bigint IS NULL OR seq < $8) ORDER BY seq DESC LIMIT $9"};
constexpr db::Statement k_page_asc{"audit_log_asc",
                                   "SELECT " JANUA_AUDIT_COLUMNS JANUA_AUDIT_FILTER
                                   " AND ($8::bigint IS NULL OR seq > $8) ORDER BY seq ASC LIMIT $9"};
constexpr db::Statement k_find{"audit_log_find", "SELECT " JANUA_AUDIT_COLUMNS " FROM audit_events WHERE id = $1::uuid"};

LogEntry from_row(const pqxx::row& r) {
    LogEntry e;
    e.seq = db::optional_field<long long>(r[0]).value_or(0);
    e.id = r[1].as<std::string>();
    e.occurred_at = db::timestamp(r[2]);
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
    e.details = nlohmann::json::parse(r[13].as<std::string>(), nullptr, false);
    e.hash = db::optional_field<std::string>(r[14]).value_or("");
    return e;
}

Error invalid(const std::string& parameter, const std::string& message) {
    Error e = make_error(ErrorCode::validation, parameter + " " + message);
    e.details = nlohmann::json::array({{{"field", parameter}, {"message", message}}});
    return e;
}

std::string encode_cursor(long long seq) { return crypto::base64url_encode("seq:" + std::to_string(seq)); }

std::optional<long long> decode_cursor(const std::string& cursor) {
    auto raw = crypto::base64url_decode(cursor);
    if (!raw || raw->size() < 5 || raw->size() > 24 || raw->rfind("seq:", 0) != 0) return std::nullopt;
    const std::string digits = raw->substr(4);
    if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    try {
        return std::stoll(digits);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

nlohmann::json opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string csv_cell(const std::string& value) {
    std::string text = value;
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                          text[0] == '\r'))
        text = "'" + text;
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

pqxx::result page_query(db::Transaction& tx, const LogFilter& f, std::optional<long long> after, int limit) {
    return tx.exec(f.ascending ? k_page_asc : k_page_desc, f.since, f.until, f.actor, f.action, f.organization_id,
                   f.outcome, f.target, after, limit);
}

}  // namespace

nlohmann::json to_json(const LogEntry& e) {
    return {{"id", e.id},
            {"seq", e.seq},
            {"occurred_at", e.occurred_at},
            {"actor_type", e.actor_type},
            {"actor_id", opt(e.actor_id)},
            {"organization_id", opt(e.organization_id)},
            {"action", e.action},
            {"outcome", e.outcome},
            {"target_type", opt(e.target_type)},
            {"target_id", opt(e.target_id)},
            {"ip_address", opt(e.ip_address)},
            {"user_agent", opt(e.user_agent)},
            {"request_id", opt(e.request_id)},
            {"details", e.details},
            {"hash", e.hash}};
}

std::string csv_header() {
    return "seq,id,occurred_at,actor_type,actor_id,organization_id,action,outcome,target_type,target_id,ip_address,"
           "user_agent,request_id,details,hash";
}

std::string csv_row(const LogEntry& e) {
    auto o = [](const std::optional<std::string>& v) { return csv_cell(v.value_or("")); };
    return std::to_string(e.seq) + "," + csv_cell(e.id) + "," + csv_cell(e.occurred_at) + "," + csv_cell(e.actor_type) +
           "," + o(e.actor_id) + "," + o(e.organization_id) + "," + csv_cell(e.action) + "," + csv_cell(e.outcome) +
           "," + o(e.target_type) + "," + o(e.target_id) + "," + o(e.ip_address) + "," + o(e.user_agent) + "," +
           o(e.request_id) + "," + csv_cell(e.details.dump()) + "," + csv_cell(e.hash);
}

Status validate(const LogFilter& f) {
    for (const auto& [name, value] : {std::pair{"since", f.since}, std::pair{"until", f.until}})
        if (value && !parse_rfc3339(*value))
            return invalid(name, "must be an RFC 3339 timestamp, e.g. 2026-11-22T10:00:00Z");
    if (f.outcome && *f.outcome != "success" && *f.outcome != "failure")
        return invalid("outcome", "must be success or failure");
    if (f.organization_id && !is_uuid(*f.organization_id)) return invalid("organization_id", "must be a UUID");
    static const std::regex action_pattern(R"(^(\*|[A-Za-z0-9_.:-]{1,128}(\.\*)?)$)");
    if (f.action && !std::regex_match(*f.action, action_pattern))
        return invalid("action", "must be an action name such as user.signin, or a prefix such as user.*");
    for (const auto& [name, value] : {std::pair{"actor", f.actor}, std::pair{"target", f.target}})
        if (value && (value->empty() || value->size() > 256)) return invalid(name, "must be 1 to 256 characters");
    if (f.limit < 1 || f.limit > 200) return invalid("limit", "must be between 1 and 200");
    if (f.cursor && !decode_cursor(*f.cursor)) return invalid("cursor", "is not a cursor this API returned");
    return Ok{};
}

Result<LogPage> list(db::Pool& pool, const LogFilter& filter) {
    if (auto valid = validate(filter); !valid) return valid.error();
    LogFilter f = filter;
    if (f.action && *f.action == "*") f.action.reset();
    const auto after = f.cursor ? decode_cursor(*f.cursor) : std::nullopt;
    return pool.transact([&](db::Transaction& tx) {
        auto rows = page_query(tx, f, after, f.limit + 1);
        LogPage page;
        for (const auto& row : rows) {
            if (static_cast<int>(page.entries.size()) == f.limit) {
                page.next_cursor = encode_cursor(page.entries.back().seq);
                break;
            }
            page.entries.push_back(from_row(row));
        }
        return page;
    });
}

Status for_each(db::Pool& pool, LogFilter filter, const std::function<bool(const LogEntry&)>& sink, int batch) {
    filter.limit = 1;
    filter.cursor.reset();
    if (auto valid = validate(filter); !valid) return valid.error();
    if (filter.action && *filter.action == "*") filter.action.reset();
    std::optional<long long> after;
    while (true) {
        auto entries = pool.transact([&](db::Transaction& tx) {
            std::vector<LogEntry> out;
            for (const auto& row : page_query(tx, filter, after, batch)) out.push_back(from_row(row));
            return out;
        });
        for (const auto& e : entries)
            if (!sink(e)) return Ok{};
        if (static_cast<int>(entries.size()) < batch) return Ok{};
        after = entries.back().seq;
    }
}

Result<std::vector<LogEntry>> after(db::Pool& pool, const LogFilter& filter, long long after_seq, int limit) {
    LogFilter f = filter;
    f.limit = 1;
    f.cursor.reset();
    f.ascending = true;
    if (auto valid = validate(f); !valid) return valid.error();
    if (f.action && *f.action == "*") f.action.reset();
    return pool.transact([&](db::Transaction& tx) {
        std::vector<LogEntry> out;
        for (const auto& row : page_query(tx, f, after_seq, limit)) out.push_back(from_row(row));
        return out;
    });
}

bool action_matches(const std::string& pattern, const std::string& action) {
    if (pattern == "*" || pattern == action) return true;
    return pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0 &&
           action.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
}

bool matches(const LogFilter& f, const LogEntry& e) {
    if (f.action && !action_matches(*f.action, e.action)) return false;
    if (f.actor && e.actor_id != f.actor) return false;
    if (f.target && e.target_id != f.target) return false;
    if (f.organization_id && e.organization_id != f.organization_id) return false;
    if (f.outcome && e.outcome != *f.outcome) return false;
    const auto at = parse_rfc3339(e.occurred_at);
    if (f.since && at && *at < parse_rfc3339(*f.since).value_or(*at)) return false;
    if (f.until && at && *at >= parse_rfc3339(*f.until).value_or(*at + 1)) return false;
    return true;
}

std::optional<LogEntry> find(db::Transaction& tx, const std::string& id) {
    if (!is_uuid(id)) return std::nullopt;
    auto rows = tx.exec(k_find, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

}  // namespace janua::audit
