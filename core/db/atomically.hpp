#pragma once
// Pool::transact commits whatever its work returns, which suits work that must persist even
// when it reports a failure (a counted failed sign-in). A change that fails half-way must
// instead leave nothing behind: atomically() rolls the transaction back whenever the work
// returns an error, so an early `return error;` can never commit the writes made before it.

#include "core/common/result.hpp"
#include "core/db/pool.hpp"

#include <utility>

namespace janua::db {

namespace detail {
struct RollBack {
    Error error;
};
}  // namespace detail

template <class T, class F>
Result<T> atomically(Pool& pool, F&& work) {
    try {
        return pool.transact([&](Transaction& tx) -> Result<T> {
            Result<T> result = work(tx);
            if (!result) throw detail::RollBack{result.error()};
            return result;
        });
    } catch (const detail::RollBack& rolled_back) {
        return rolled_back.error;
    }
}

inline bool is_unique_violation(const pqxx::sql_error& e) { return e.sqlstate() == "23505"; }

}  // namespace janua::db
