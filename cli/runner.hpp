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

}  // namespace janua::cli
