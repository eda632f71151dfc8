#pragma once
// Is the database reachable, and is its schema the one this binary expects?

#include "core/db/pool.hpp"

#include <string>

namespace janua::db {

struct DatabaseHealth {
    bool reachable = false;
    bool schema_current = false;
    std::string problem;  // empty when healthy; safe to show to operators
    int applied = 0;
    int pending = 0;
    double latency_ms = 0;
};

DatabaseHealth check_database(Pool& pool);

}  // namespace janua::db
