#pragma once
// Auth0's CSV user export (POST /api/v2/jobs/users-exports with format "csv") read row by row:
// RFC 4180 quoting (fields in double quotes, inner quotes doubled, newlines allowed inside
// quotes), the OWASP CSV-injection escaping Auth0 applies (every string prefixed with "'"), a
// header row naming the fields (or their export_as names). Each row becomes the JSON object the
// NDJSON export would have held, so both shapes share one mapping.

#include "core/migration/json_stream.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace janua::migration::csv {

enum class RowStatus { ok, end, bad };

// One row into `fields`. At most `limit` bytes are kept; a longer row, a stray quote or an
// unclosed quoted field is `bad` with `why` (the rest of the row is consumed, so reading can go
// on at the next row, except after an unclosed quote, which runs to the end of the file).
RowStatus read_row(JsonScanner& scanner, std::vector<std::string>& fields, std::size_t limit, std::string& why);

// The header's problem (no user_id or email column, an empty or repeated name), empty when fine.
std::string check_header(const std::vector<std::string>& header);

// A row as an export record: the "'" escape undone, empty cells left out, booleans and counts
// typed, "app_metadata.x"/"user_metadata.x" columns nested, JSON-looking metadata and identities
// cells parsed. Fails (with `why`) when the row has more cells than the header.
bool to_record(const std::vector<std::string>& header, const std::vector<std::string>& fields, nlohmann::json& out, std::string& why);

}  // namespace janua::migration::csv
