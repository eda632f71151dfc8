#pragma once
// What the SCIM resource services (Users, Groups) share: ASCII case folding (SCIM names are
// case-insensitive, RFC 7643 §2.1), the preamble of every write (the resource exists in the
// token's organization and matches If-Match), the audit record of a change, and the
// all-or-nothing transaction with a raced unique violation answered as 409 uniqueness.

#include "core/common/result.hpp"
#include "core/db/atomically.hpp"
#include "core/db/pool.hpp"
#include "core/scim/filter.hpp"
#include "core/scim/tokens.hpp"
#include "core/scim/users.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace janua::scim {

std::string lower(std::string s);

// The items of a comma-separated header or parameter (If-Match, attributes=), trimmed; empty
// items dropped.
std::vector<std::string> split_list(const std::string& text);

// The SQL of a list query: the filter as a condition (its values appended to `params`) and the
// ORDER BY for sortBy/sortOrder. `context` resolves the filter's attributes; `sort_column`
// resolves sortBy (none: 400 invalidValue); `tiebreak` (the id column) makes the order total.
struct ListSql {
    std::string where = "TRUE";
    std::string order;
};
Result<ListSql> list_sql(const ListQuery& query, SqlContext context, nlohmann::json& params, const std::string& default_order,
                         const std::function<std::optional<Column>(const AttrPath&)>& sort_column, const std::string& tiebreak);

// 404 when `current` is none (another organization's resource is none too), 412 when the
// precondition fails. `type`: "User" or "Group", for the messages.
std::optional<Error> refuse_write(const Resource* current, const Precondition& condition, const std::string& type);

// The audit event of a SCIM change, actor the token, in the change's transaction.
void record_change(db::Transaction& tx, const TokenPrincipal& who, const std::string& action, const std::string& target_type,
                   const std::string& target_id, nlohmann::json details);

// db::atomically, with a unique violation that raced past the pre-checks answered as the
// client's conflict (409 uniqueness, `taken` naming what) instead of a server error.
template <class T, class F>
Result<T> scim_atomically(db::Pool& pool, const std::string& taken, F&& work) {
    try {
        return db::atomically<T>(pool, std::forward<F>(work));
    } catch (const pqxx::sql_error& e) {
        if (db::is_unique_violation(e)) return scim_error(409, "uniqueness", taken + " is already taken");
        throw;
    }
}

}  // namespace janua::scim
