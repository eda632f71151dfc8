#pragma once
// SCIM /Bulk (RFC 7644 §3.7): operations on Users and Groups, each in its own transaction (a
// failed operation leaves nothing behind; the others stay). A POST's bulkId names the created
// resource for other operations ("bulkId:<id>" in a path or in any string of the data, e.g. a
// Group's members), before or after it in the request (§3.7.2): operations run in request order
// except that one waits for the POSTs it refers to. References that wait on each other
// (circular), to a bulkId no POST defines, or to a POST that failed fail that operation with
// 409 invalidValue. failOnErrors stops after that many failures. Answers come in request order.

#include "core/common/result.hpp"
#include "core/scim/groups.hpp"
#include "core/scim/users.hpp"

#include <nlohmann/json.hpp>

namespace janua::scim {

inline constexpr const char* k_bulk_request_schema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr const char* k_bulk_response_schema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
inline constexpr int k_bulk_max_operations = 1000;

// The HTTP status a SCIM error answers with.
int scim_status(const Error& error);
// SCIM's error body for an error.
nlohmann::json scim_error_body(const Error& error);

// The BulkResponse; an error only for a request that is not a BulkRequest at all (or too long).
Result<nlohmann::json> run_bulk(UserService& users, GroupService& groups, const TokenPrincipal& who,
                                const nlohmann::json& body);

}  // namespace janua::scim
