#pragma once
// Keyset pagination over (created_at, id): the opaque `cursor` of list endpoints is the
// base64url of "<created_at>|<id>" of the last row of the previous page.

#include "core/common/result.hpp"

#include <optional>
#include <string>

namespace janua::paging {

struct After {
    std::optional<std::string> created_at;  // none: the first page
    std::optional<std::string> id;
};

// The position a cursor names; a validation error ("invalid cursor") when it is not one of ours.
Result<After> decode_cursor(const std::optional<std::string>& cursor);
std::string encode_cursor(const std::string& created_at, const std::string& id);

}  // namespace janua::paging
