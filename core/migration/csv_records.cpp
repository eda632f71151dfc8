#include "core/migration/csv_records.hpp"

#include <set>

namespace janua::migration::csv {
namespace {

using nlohmann::json;

bool row_end(int c) { return c < 0 || c == '\n' || c == '\r'; }

// Consume what is left of a broken row, up to and including its line break.
void skip_row(JsonScanner& s) {
    while (!row_end(s.peek())) s.get();
    if (s.peek() == '\r') s.get();
    if (s.peek() == '\n') s.get();
}

std::string unescaped(const std::string& cell) {
    // Auth0 prefixes each string with "'" so spreadsheets do not run it as a formula.
    return !cell.empty() && cell[0] == '\'' ? cell.substr(1) : cell;
}

json typed(const std::string& column, const std::string& value) {
    static const std::set<std::string> flags = {"email_verified", "phone_verified", "blocked"};
    static const std::set<std::string> structured = {"app_metadata", "user_metadata", "identities", "multifactor"};
    if (flags.count(column) && (value == "true" || value == "false")) return value == "true";
    if (column == "logins_count" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
        value.size() < 18)
        return std::stoll(value);
    if (structured.count(column) && (value.front() == '{' || value.front() == '[')) {
        auto parsed = json::parse(value, nullptr, false);
        if (!parsed.is_discarded()) return parsed;
    }
    return value;
}

}  // namespace

RowStatus read_row(JsonScanner& s, std::vector<std::string>& fields, std::size_t limit, std::string& why) {
    fields.clear();
    if (s.peek() < 0) return RowStatus::end;
    std::size_t size = 0;
    std::string field;
    auto keep = [&](int c) {
        if (++size <= limit) field.push_back(static_cast<char>(c));
    };
    const std::uint64_t first_line = s.line();
    for (;;) {
        if (s.peek() == '"') {
            s.get();
            for (;;) {
                const int c = s.get();
                if (c < 0) {
                    why = "the quoted field opened on line " + std::to_string(first_line) + " is never closed";
                    return RowStatus::bad;
                }
                if (c == '"') {
                    if (s.peek() != '"') break;
                    s.get();
                }
                keep(c);
            }
            if (s.peek() != ',' && !row_end(s.peek())) {
                why = "a closing quote must be followed by ',' or the end of the row (double a quote inside a field)";
                skip_row(s);
                return RowStatus::bad;
            }
        } else {
            while (s.peek() != ',' && !row_end(s.peek())) {
                if (s.peek() == '"') {
                    why = "a quote inside an unquoted field (quote the whole field and double the quote)";
                    skip_row(s);
                    return RowStatus::bad;
                }
                keep(s.get());
            }
        }
        fields.push_back(std::move(field));
        field.clear();
        const int c = s.get();
        if (c == ',') continue;
        if (c == '\r' && s.peek() == '\n') s.get();
        break;
    }
    if (size > limit) {
        why = "the row is larger than " + std::to_string(limit) + " bytes";
        return RowStatus::bad;
    }
    return RowStatus::ok;
}

std::string check_header(const std::vector<std::string>& header) {
    std::set<std::string> seen;
    for (const auto& raw : header) {
        const std::string name = unescaped(raw);
        if (name.empty()) return "the header has an empty column name";
        if (!seen.insert(name).second) return "the header names column '" + name + "' twice";
    }
    for (const char* needed : {"user_id", "email"})
        if (!seen.count(needed))
            return std::string("the header has no ") + needed + " column (is the first row the header? export user_id and email)";
    return "";
}

bool to_record(const std::vector<std::string>& header, const std::vector<std::string>& fields, json& out, std::string& why) {
    if (fields.size() > header.size()) {
        why = "the row has " + std::to_string(fields.size()) + " fields, the header " + std::to_string(header.size());
        return false;
    }
    out = json::object();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string value = unescaped(fields[i]);
        if (value.empty()) continue;
        const std::string column = unescaped(header[i]);
        const auto dot = column.find('.');
        const std::string parent = dot == std::string::npos ? "" : column.substr(0, dot);
        if (parent == "app_metadata" || parent == "user_metadata") {
            if (!out[parent].is_object()) out[parent] = json::object();
            out[parent][column.substr(dot + 1)] = value;
        } else {
            out[column] = typed(column, value);
        }
    }
    return true;
}

}  // namespace janua::migration::csv
