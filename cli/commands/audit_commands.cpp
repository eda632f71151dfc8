// janua audit ...: read, export and verify the tamper-evident audit log, directly or through
// the daemon (/api/v1/audit-logs).
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "core/audit/chain.hpp"
#include "core/audit/log.hpp"

#include <memory>

namespace janua::cli {
namespace {

struct AuditArgs {
    std::string since, until, actor, action, org, outcome, target, cursor, order = "desc", format = "ndjson";
    int limit = 50;
};

void filter_options(CommandSpec& cmd, AuditArgs& a) {
    cmd.option("--since", &a.since, "entries at or after this RFC 3339 time (2026-11-22T10:00:00Z)")
        .option("--until", &a.until, "entries before this RFC 3339 time")
        .option("--actor", &a.actor, "actor id (a user id, API key id or client id)")
        .option("--action", &a.action, "an action (user.signin) or a prefix (user.*)")
        .option("--org", &a.org, "organization id")
        .choice("--outcome", &a.outcome, {"success", "failure"}, "only successes or only failures")
        .option("--target", &a.target, "target id (a user id, session id, client id ...)");
}

audit::LogFilter filter_of(const AuditArgs& a) {
    audit::LogFilter f;
    auto set = [](std::optional<std::string>& field, const std::string& value) {
        if (!value.empty()) field = value;
    };
    set(f.since, a.since);
    set(f.until, a.until);
    set(f.actor, a.actor);
    set(f.action, a.action);
    set(f.organization_id, a.org);
    set(f.outcome, a.outcome);
    set(f.target, a.target);
    set(f.cursor, a.cursor);
    f.ascending = a.order == "asc";
    f.limit = a.limit;
    return f;
}

std::string query_of(const audit::LogFilter& f) {
    std::string q = "?order=" + std::string(f.ascending ? "asc" : "desc") + "&limit=" + std::to_string(f.limit);
    auto add = [&](const char* name, const std::optional<std::string>& value) {
        if (value) q += std::string("&") + name + "=" + url_encode(*value);
    };
    add("since", f.since);
    add("until", f.until);
    add("actor", f.actor);
    add("action", f.action);
    add("organization_id", f.organization_id);
    add("outcome", f.outcome);
    add("target", f.target);
    add("cursor", f.cursor);
    return q;
}

const std::vector<Column> k_columns = {{"seq", "SEQ"},         {"occurred_at", "TIME"}, {"action", "ACTION"},
                                       {"outcome", "OUTCOME"}, {"actor_id", "ACTOR"},  {"target_id", "TARGET"},
                                       {"ip_address", "IP"}};

int with_pool(CliContext& ctx, const std::function<int(db::Pool&)>& work) {
    const auto* cfg = ctx.config();
    if (!cfg) return exit_usage;
    try {
        DirectServices services(*cfg);
        return work(services.pool());
    } catch (const db::DatabaseUnavailable& e) {
        return ctx.fail(make_error(ErrorCode::unavailable, e.what()));
    }
}

// One exported line per entry, written as it arrives.
void write_entry(CliContext& ctx, const std::string& format, const nlohmann::json& entry) {
    if (format == "ndjson") {
        ctx.out() << entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return;
    }
    audit::LogEntry e;
    e.seq = entry.value("seq", 0LL);
    e.id = entry.value("id", "");
    e.occurred_at = entry.value("occurred_at", "");
    e.actor_type = entry.value("actor_type", "");
    auto opt = [&](const char* key) -> std::optional<std::string> {
        if (!entry.contains(key) || !entry[key].is_string()) return std::nullopt;
        return entry[key].get<std::string>();
    };
    e.actor_id = opt("actor_id");
    e.organization_id = opt("organization_id");
    e.action = entry.value("action", "");
    e.outcome = entry.value("outcome", "");
    e.target_type = opt("target_type");
    e.target_id = opt("target_id");
    e.ip_address = opt("ip_address");
    e.user_agent = opt("user_agent");
    e.request_id = opt("request_id");
    e.details = entry.value("details", nlohmann::json::object());
    e.hash = entry.value("hash", "");
    ctx.out() << audit::csv_row(e) << "\n";
}

}  // namespace

void add_audit_commands(CommandTable& table) {
    table.noun("audit", "The tamper-evident audit log: list, export, verify");
    auto a = std::make_shared<AuditArgs>();

    auto& list = table.add("audit", "list", "List audit entries, newest first, a page at a time");
    filter_options(list, *a);
    list.option("--limit", &a->limit, "page size (1-200, default 50)")
        .option("--cursor", &a->cursor, "next_cursor of the previous page")
        .choice("--order", &a->order, {"asc", "desc"}, "oldest first (asc) or newest first (desc, the default)");
    list.example = "janua audit list --action 'user.signin' --outcome failure --since 2026-11-22T00:00:00Z";
    list.run = [a](CliContext& ctx) {
        Result<nlohmann::json> result = nlohmann::json(nullptr);
        const auto filter = filter_of(*a);
        if (ctx.remote()) {
            result = ctx.call("GET", "/api/v1/audit-logs" + query_of(filter));
        } else {
            const int code = with_pool(ctx, [&](db::Pool& pool) {
                auto page = audit::list(pool, filter);
                if (!page) {
                    result = page.error();
                    return 0;
                }
                nlohmann::json data = nlohmann::json::array();
                for (const auto& e : page->entries) data.push_back(audit::to_json(e));
                result = nlohmann::json{{"data", data},
                                        {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor)
                                                                          : nlohmann::json(nullptr)}};
                return 0;
            });
            if (code != 0) return code;
        }
        if (!result) return ctx.fail(result.error());
        if (ctx.format() == OutputFormat::table) return ctx.print((*result)["data"], k_columns);
        return ctx.print(*result);
    };

    auto& exporter = table.add("audit", "export",
                               "Write every matching entry, oldest first, as NDJSON or CSV on standard output");
    filter_options(exporter, *a);
    exporter.choice("--format", &a->format, {"ndjson", "csv"}, "one JSON object per line (default) or CSV");
    exporter.example = "janua audit export --since 2026-11-01T00:00:00Z --format csv > audit.csv";
    exporter.run = [a](CliContext& ctx) {
        auto filter = filter_of(*a);
        filter.ascending = true;
        filter.cursor.reset();
        filter.limit = 200;
        if (auto valid = audit::validate(filter); !valid) return ctx.fail(valid.error());
        if (a->format == "csv") ctx.out() << audit::csv_header() << "\n";
        if (ctx.remote()) {
            while (true) {
                auto page = ctx.call("GET", "/api/v1/audit-logs" + query_of(filter));
                if (!page) return ctx.fail(page.error());
                for (const auto& entry : (*page)["data"]) write_entry(ctx, a->format, entry);
                if (!(*page)["next_cursor"].is_string()) break;
                filter.cursor = (*page)["next_cursor"].get<std::string>();
            }
            ctx.out().flush();
            return static_cast<int>(exit_ok);
        }
        return with_pool(ctx, [&](db::Pool& pool) {
            auto done = audit::for_each(pool, filter, [&](const audit::LogEntry& e) {
                if (a->format == "csv") ctx.out() << audit::csv_row(e) << "\n";
                else write_entry(ctx, a->format, audit::to_json(e));
                return static_cast<bool>(ctx.out());
            });
            ctx.out().flush();
            if (!done) return ctx.fail(done.error());
            return static_cast<int>(exit_ok);
        });
    };

    auto& verify = table.add("audit", "verify",
                             "Check the hash chain; names the first entry that was changed, removed or reordered "
                             "(exit 1 when the chain is broken)");
    verify.example = "janua audit verify --output json";
    verify.run = [](CliContext& ctx) {
        Result<nlohmann::json> report = nlohmann::json(nullptr);
        if (ctx.remote()) {
            report = ctx.call("GET", "/api/v1/audit-logs/verify");
        } else {
            const int code = with_pool(ctx, [&](db::Pool& pool) {
                report = audit::to_json(audit::verify_chain(pool));
                return 0;
            });
            if (code != 0) return code;
        }
        if (!report) return ctx.fail(report.error());
        const bool valid = (*report)["valid"].get<bool>();
        if (ctx.format() == OutputFormat::table) {
            const auto& head = (*report)["head"];
            if (valid) {
                ctx.out() << "audit chain intact: " << (*report)["entries_checked"].get<long long>()
                          << " entries, head seq " << head["seq"].get<long long>() << " hash "
                          << head["hash"].get<std::string>() << "\n";
            } else {
                const auto& b = (*report)["first_broken"];
                ctx.out() << "audit chain BROKEN at seq " << b["seq"].get<long long>()
                          << (b["id"].is_string() ? " (id " + b["id"].get<std::string>() + ")" : std::string())
                          << ": " << b["reason"].get<std::string>() << "\n";
            }
        } else {
            ctx.print(*report);
        }
        return valid ? static_cast<int>(exit_ok) : static_cast<int>(exit_error);
    };
}

}  // namespace janua::cli
