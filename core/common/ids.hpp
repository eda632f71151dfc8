#pragma once

#include <string_view>

namespace janua {

// A canonical textual UUID (8-4-4-4-12 hex). Check before using text as a uuid in SQL, so a
// malformed id is a 404/422 rather than a database error.
bool is_uuid(std::string_view text);

}  // namespace janua
