#pragma once
// The audit log's query-string filter, shared by the audit-logs pages and the event stream.

#include "core/audit/log.hpp"
#include "daemon/http.hpp"

namespace janua::daemon {

// A filter from the query string; a bad limit becomes 0 so validation names it.
inline audit::LogFilter audit_filter_of(const Request& r) {
    audit::LogFilter f;
    f.since = r.query_param("since");
    f.until = r.query_param("until");
    f.actor = r.query_param("actor");
    f.action = r.query_param("action");
    f.organization_id = r.query_param("organization_id");
    f.outcome = r.query_param("outcome");
    f.target = r.query_param("target");
    f.cursor = r.query_param("cursor");
    f.ascending = r.query_param("order").value_or("desc") == "asc";
    if (auto limit = r.query_param("limit")) {
        try {
            f.limit = std::stoi(*limit);
        } catch (const std::exception&) {
            f.limit = 0;
        }
    }
    return f;
}

}  // namespace janua::daemon
