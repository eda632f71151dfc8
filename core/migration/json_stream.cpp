#include "core/migration/json_stream.hpp"

#include "core/migration/csv_records.hpp"

namespace janua::migration {

bool JsonScanner::refill() {
    m_len = m_source.read(m_buffer, sizeof m_buffer);
    m_pos = 0;
    return m_len > 0;
}

int JsonScanner::peek() {
    if (m_pos >= m_len && !refill()) return -1;
    return static_cast<unsigned char>(m_buffer[m_pos]);
}

int JsonScanner::get() {
    const int c = peek();
    if (c >= 0) {
        ++m_pos;
        if (c == '\n') ++m_line;
    }
    return c;
}

void JsonScanner::skip_ws() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek()) get();
}

bool JsonScanner::read_string(std::string& out, std::size_t limit) {
    if (get() != '"') return false;
    for (;;) {
        const int c = get();
        if (c < 0 || c == '\n' || out.size() > limit) return false;
        if (c == '"') return true;
        out.push_back(static_cast<char>(c));
        if (c == '\\') {
            const int escaped = get();
            if (escaped < 0) return false;
            out.push_back(static_cast<char>(escaped));
        }
    }
}

bool JsonScanner::read_value(std::string& out, std::size_t limit, std::string& why) {
    skip_ws();
    int depth = 0;
    bool in_string = false;
    for (;;) {
        const int c = peek();
        if (c < 0) {
            why = "the input ends inside a value";
            return false;
        }
        if (!in_string && depth == 0 && !out.empty() && (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t'))
            return true;  // end of a scalar
        get();
        if (out.size() >= limit) {
            why = "the record is larger than " + std::to_string(limit) + " bytes";
            return false;
        }
        out.push_back(static_cast<char>(c));
        if (in_string) {
            if (c == '\\') {
                const int escaped = get();
                if (escaped < 0) {
                    why = "the input ends inside a string";
                    return false;
                }
                out.push_back(static_cast<char>(escaped));
            } else if (c == '"') {
                in_string = false;
                if (depth == 0) return true;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth < 0) {
                why = "unbalanced brackets";
                return false;
            }
            if (depth == 0) return true;
        }
    }
}

RecordReader::RecordReader(ByteSource& source, std::size_t max_record_bytes)
    : m_scanner(source), m_limit(max_record_bytes) {}

bool RecordReader::next_csv(RawRecord& out) {
    std::vector<std::string> fields;
    for (;;) {
        out = RawRecord{};
        out.csv = true;
        out.line = m_scanner.line();
        std::string why;
        const auto status = csv::read_row(m_scanner, fields, m_limit, why);
        if (status == csv::RowStatus::end) return false;
        if (status == csv::RowStatus::ok && fields.size() == 1 && fields[0].empty()) continue;  // a blank line
        if (m_header.empty()) {
            // A broken header leaves nothing to read the rows by: the file stops here.
            if (status == csv::RowStatus::ok) why = csv::check_header(fields);
            if (why.empty()) {
                m_header = std::move(fields);
                continue;
            }
            out.index = m_index++;
            out.error = "CSV header: " + why;
            out.error_code = "FORMAT";
            m_mode = Mode::done;
            return true;
        }
        out.index = m_index++;
        nlohmann::json record;
        if (status == csv::RowStatus::bad || !csv::to_record(m_header, fields, record, why)) {
            out.error = why;
            out.error_code = why.find("larger") != std::string::npos ? "MAX_LENGTH" : "FORMAT";
            return true;
        }
        try {
            out.text = record.dump();
        } catch (const nlohmann::json::type_error&) {
            // Found by fuzz_auth0_import: a row (or header) that is not UTF-8 cannot become JSON;
            // it is that row's problem, not the whole import's.
            out.error = "the row is not valid UTF-8";
            out.error_code = "FORMAT";
        }
        return true;
    }
}

bool RecordReader::next(RawRecord& out) {
    out = RawRecord{};
    if (m_mode == Mode::unknown) {
        // A UTF-8 byte order mark is tolerated.
        if (m_scanner.peek() == 0xEF) {
            m_scanner.get();
            m_scanner.get();
            m_scanner.get();
        }
        m_scanner.skip_ws();
        const int first = m_scanner.peek();
        if (first < 0) return false;
        if (first == '[') {
            m_scanner.get();
            m_mode = Mode::array;
        } else {
            m_mode = first == '{' ? Mode::ndjson : Mode::csv;
        }
    }
    if (m_mode == Mode::done) return false;
    if (m_mode == Mode::csv) return next_csv(out);
    if (m_mode == Mode::ndjson) {
        for (;;) {
            while (m_scanner.peek() == '\n' || m_scanner.peek() == '\r' || m_scanner.peek() == ' ' || m_scanner.peek() == '\t')
                m_scanner.get();
            if (m_scanner.peek() < 0) return false;
            out.line = m_scanner.line();
            out.index = m_index++;
            bool too_long = false;
            for (int c = m_scanner.get(); c >= 0 && c != '\n'; c = m_scanner.get()) {
                if (out.text.size() >= m_limit) too_long = true;
                else out.text.push_back(static_cast<char>(c));
            }
            if (too_long) {
                out.text.clear();
                out.error = "the record is larger than " + std::to_string(m_limit) + " bytes";
                out.error_code = "MAX_LENGTH";
            }
            return true;
        }
    }
    // Array mode.
    m_scanner.skip_ws();
    if (m_scanner.peek() == ']') {
        m_mode = Mode::done;
        return false;
    }
    out.line = m_scanner.line();
    out.index = m_index++;
    std::string why;
    if (!m_scanner.read_value(out.text, m_limit, why)) {
        out.text.clear();
        out.error = why;
        out.error_code = why.find("larger") != std::string::npos ? "MAX_LENGTH" : "INVALID_TYPE";
        m_mode = Mode::done;
        return true;
    }
    m_scanner.skip_ws();
    const int sep = m_scanner.get();
    if (sep == ']') {
        m_mode = Mode::done;
    } else if (sep != ',') {
        m_mode = Mode::done;  // reported with the next call's absence: the file ends here
        out.error = "expected ',' or ']' after the record";
        out.error_code = "INVALID_TYPE";
    }
    return true;
}

std::string walk_object(JsonScanner& scanner, const std::function<std::string(const std::string&, JsonScanner&)>& member) {
    scanner.skip_ws();
    if (scanner.peek() == 0xEF) {
        scanner.get();
        scanner.get();
        scanner.get();
        scanner.skip_ws();
    }
    if (scanner.get() != '{') return "the file is not a JSON object";
    scanner.skip_ws();
    if (scanner.peek() == '}') return "";
    for (;;) {
        scanner.skip_ws();
        std::string key;
        if (!scanner.read_string(key, 1024)) return "broken member name near line " + std::to_string(scanner.line());
        scanner.skip_ws();
        if (scanner.get() != ':') return "expected ':' near line " + std::to_string(scanner.line());
        scanner.skip_ws();
        if (auto why = member(key, scanner); !why.empty()) return why;
        scanner.skip_ws();
        const int sep = scanner.get();
        if (sep == '}') return "";
        if (sep != ',') return "expected ',' or '}' near line " + std::to_string(scanner.line());
    }
}

std::string stream_array(JsonScanner& scanner, std::size_t max_record_bytes, const std::function<void(RawRecord&)>& element) {
    scanner.skip_ws();
    if (scanner.get() != '[') return "expected an array near line " + std::to_string(scanner.line());
    std::uint64_t index = 0;
    for (;;) {
        scanner.skip_ws();
        if (scanner.peek() == ']') {
            scanner.get();
            return "";
        }
        RawRecord record;
        record.line = scanner.line();
        record.index = index++;
        std::string why;
        if (!scanner.read_value(record.text, max_record_bytes, why)) return why + " (line " + std::to_string(record.line) + ")";
        element(record);
        scanner.skip_ws();
        const int sep = scanner.get();
        if (sep == ']') return "";
        if (sep != ',') return "expected ',' or ']' near line " + std::to_string(scanner.line());
    }
}

}  // namespace janua::migration
