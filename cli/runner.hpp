#pragma once
// The one direct/remote runner every noun uses: `direct` runs the core services on the
// database (--database-url), `remote` calls januad (--server, --token); both return the same
// JSON, printed the same way, and errors map to the same exit codes.

#include "cli/context.hpp"
#include "cli/direct.hpp"

#include <vector>

namespace janua::cli {

template <class Direct, class Remote>
int run_either(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = {}) {
    Result<nlohmann::json> result = nlohmann::json(nullptr);
    if (ctx.remote()) {
        result = remote();
    } else {
        const auto* cfg = ctx.config();
        if (!cfg) return exit_usage;
        try {
            DirectServices services(*cfg);
            result = direct(services);
        } catch (const db::DatabaseUnavailable& e) {
            return ctx.fail(make_error(ErrorCode::unavailable, e.what()));
        }
    }
    if (!result) return ctx.fail(result.error());
    if (result->is_object() && result->contains("data") && ctx.format() == OutputFormat::table)
        return ctx.print((*result)["data"], columns);
    return ctx.print(*result);
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
