#include "core/common/page_cursor.hpp"

#include "core/common/ids.hpp"
#include "core/crypto/encoding.hpp"

#include <chrono>
#include <regex>

namespace janua::paging {
namespace {

// Exactly the shape db::timestamp writes ("2026-11-22T16:20:00.123456Z") and a real calendar
// date, so that a forged cursor is a validation error here rather than a cast failure in SQL.
bool is_cursor_time(const std::string& text) {
    static const std::regex shape(R"((\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z)");
    std::smatch m;
    if (!std::regex_match(text, m, shape)) return false;
    using namespace std::chrono;
    const year_month_day date{year{std::stoi(m[1])}, month{static_cast<unsigned>(std::stoi(m[2]))},
                              day{static_cast<unsigned>(std::stoi(m[3]))}};
    return date.ok();
}

}  // namespace

Result<After> decode_cursor(const std::optional<std::string>& cursor) {
    After after;
    if (!cursor) return after;
    auto raw = cursor->size() <= 200 ? crypto::base64url_decode(*cursor) : std::nullopt;
    const auto bar = raw ? raw->find('|') : std::string::npos;
    if (bar == std::string::npos || !is_uuid(raw->substr(bar + 1)) || !is_cursor_time(raw->substr(0, bar)))
        return make_error(ErrorCode::validation, "invalid cursor; pass the next_cursor of the previous page");
    after.created_at = raw->substr(0, bar);
    after.id = raw->substr(bar + 1);
    return after;
}

std::string encode_cursor(const std::string& created_at, const std::string& id) {
    return crypto::base64url_encode(created_at + "|" + id);
}

}  // namespace janua::paging
