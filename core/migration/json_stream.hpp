#pragma once
// Bounded, streaming readers for import files. A JSON array or NDJSON of users is read one
// record at a time (never the whole file), each record capped in size, with the line it starts
// on so errors can point at it. A top-level object (a Keycloak realm export) is walked member
// by member, and a large array member can be streamed element by element the same way.

#include "core/migration/byte_source.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace janua::migration {

struct RawRecord {
    std::uint64_t line = 0;   // 1-based line where the record starts
    std::uint64_t index = 0;  // 0-based position among the file's records
    std::string text;         // the record's JSON text (empty when `error` is set)
    std::string error;        // e.g. a record over the size limit
    std::string error_code;   // Auth0-style code for `error`
    bool csv = false;         // a row of a CSV export, turned into the JSON object it stands for
};

// Character-level access with line counting and one byte of look-ahead.
class JsonScanner {
public:
    explicit JsonScanner(ByteSource& source) : m_source(source) {}
    int peek();  // -1 at the end
    int get();
    void skip_ws();
    std::uint64_t line() const { return m_line; }
    std::uint64_t consumed() const { return m_source.consumed(); }
    // Read one complete JSON value (object, array, string, number, literal) into `out`,
    // at most `limit` bytes. Returns false (and an explanation) on broken structure or size.
    bool read_value(std::string& out, std::size_t limit, std::string& why);
    // Read a JSON string token's raw contents (escapes kept) into `out`.
    bool read_string(std::string& out, std::size_t limit);

private:
    bool refill();
    ByteSource& m_source;
    char m_buffer[1 << 16];
    std::size_t m_pos = 0, m_len = 0;
    std::uint64_t m_line = 1;
};

// NDJSON (one record per line, blank lines ignored), a JSON array or a CSV export with a header
// row (core/migration/csv_records.hpp), detected from the first character: '[' an array, '{'
// NDJSON, anything else CSV. A broken NDJSON line is reported and the next line read; a broken array ends the
// file with an error record, as there is no safe place to resume.
class RecordReader {
public:
    RecordReader(ByteSource& source, std::size_t max_record_bytes);
    bool next(RawRecord& out);
    std::uint64_t consumed() const { return m_scanner.consumed(); }

private:
    JsonScanner m_scanner;
    std::size_t m_limit;
    bool next_csv(RawRecord& out);
    enum class Mode { unknown, ndjson, array, csv, done } m_mode = Mode::unknown;
    std::vector<std::string> m_header;
    std::uint64_t m_index = 0;
};

// Walk a top-level object: `member(key, scanner)` must consume exactly the member's value,
// through read_value or stream_array. Returns an error message, empty on success.
std::string walk_object(JsonScanner& scanner, const std::function<std::string(const std::string&, JsonScanner&)>& member);

// Stream the array at the scanner's position: `element(record)` per element.
std::string stream_array(JsonScanner& scanner, std::size_t max_record_bytes, const std::function<void(RawRecord&)>& element);

}  // namespace janua::migration
