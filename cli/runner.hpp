#pragma once
// The one direct/remote runner every noun uses: `direct` runs the core services on the
// database (--database-url), `remote` calls januad (--server, --token); both return the same
// JSON, printed the same way, and errors map to the same exit codes.

#include "cli/context.hpp"
#include "cli/direct.hpp"

#include <optional>
#include <vector>

namespace janua::cli {

// Run `direct` with the core services on the database, or `remote` through januad. None when
// the configuration cannot be loaded (CliContext::config has already said why).
template <class Direct, class Remote>
std::optional<Result<nlohmann::json>> call_either(CliContext& ctx, Direct direct, Remote remote) {
    if (ctx.remote()) return Result<nlohmann::json>(remote());
    const auto* cfg = ctx.config();
    if (!cfg) return std::nullopt;
    try {
        DirectServices services(*cfg);
        return Result<nlohmann::json>(direct(services));
    } catch (const db::DatabaseUnavailable& e) {
        return Result<nlohmann::json>(make_error(ErrorCode::unavailable, e.what()));
    }
}

// Print a result the same way in both modes: a list's `data` as a table, anything else as is;
// errors map to exit codes.
inline int print_result(CliContext& ctx, const Result<nlohmann::json>& result, const std::vector<Column>& columns = {}) {
    if (!result) return ctx.fail(result.error());
    if (result->is_object() && result->contains("data") && ctx.format() == OutputFormat::table)
        return ctx.print((*result)["data"], columns);
    return ctx.print(*result);
}

template <class Direct, class Remote>
int run_either(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = {}) {
    auto result = call_either(ctx, std::move(direct), std::move(remote));
    if (!result) return exit_usage;
    return print_result(ctx, *result, columns);
}

// A Result<T> as JSON through the to_json overload of T's namespace.
template <class T>
Result<nlohmann::json> json_of(const Result<T>& r) {
    if (!r) return r.error();
    return to_json(*r);
}

// A Status as `value` on success (for deletes: {"deleted": ...}).
inline Result<nlohmann::json> status_as(const Status& done, nlohmann::json value) {
    if (!done) return done.error();
    return value;
}

// A remote call whose 204 becomes `value`.
inline Result<nlohmann::json> remote_as(const Result<nlohmann::json>& called, nlohmann::json value) {
    if (!called) return called.error();
    return value;
}

// GET every page of a list endpoint (`path` may carry a query), following next_cursor: the
// whole list as {"data": [...], "next_cursor": null}. Bounded, in case a server never ends.
inline Result<nlohmann::json> remote_all_pages(const CliContext& ctx, const std::string& path) {
    nlohmann::json all = nlohmann::json::array();
    std::string cursor;
    const char joiner = path.find('?') == std::string::npos ? '?' : '&';
    for (int page = 0; page < 10000; ++page) {
        auto got = ctx.call("GET", path + joiner + "limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
        if (!got) return got.error();
        if (!got->is_object() || !got->contains("data") || !(*got)["data"].is_array())
            return make_error(ErrorCode::internal, "the server answered a list without data");
        for (auto& item : (*got)["data"]) all.push_back(std::move(item));
        const auto& next = got->value("next_cursor", nlohmann::json());
        if (!next.is_string() || next.get<std::string>().empty()) break;
        cursor = next.get<std::string>();  // base64url: safe in a query as it is
    }
    return nlohmann::json{{"data", all}, {"next_cursor", nullptr}};
}

}  // namespace janua::cli
