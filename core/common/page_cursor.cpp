#include "core/common/page_cursor.hpp"

#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"

namespace janua::paging {

Result<After> decode_cursor(const std::optional<std::string>& cursor) {
    After after;
    if (!cursor) return after;
    auto raw = cursor->size() <= 200 ? crypto::base64url_decode(*cursor) : std::nullopt;
    const auto bar = raw ? raw->find('|') : std::string::npos;
    if (bar == std::string::npos || bar < 20 || bar > 40 || !is_uuid(raw->substr(bar + 1)) ||
        raw->substr(0, bar).find_first_not_of("0123456789-:.TZ") != std::string::npos)
        return make_error(ErrorCode::validation, "invalid cursor; pass the next_cursor of the previous page");
    after.created_at = raw->substr(0, bar);
    after.id = raw->substr(bar + 1);
    return after;
}

std::string encode_cursor(const std::string& created_at, const std::string& id) {
    return crypto::base64url_encode(created_at + "|" + id);
}

}  // namespace janua::paging
