// libFuzzer target: an Auth0 import file through the real streaming readers and mapping
// (core/migration) — shape detection (JSON array, NDJSON, CSV), gzip, the bounded record scanner
// with line numbers, and each record's validation and mapping to an ImportUser (password hash
// formats, identities, metadata). Any file must come back as records or per-record problems.
#include "core/migration/auth0_records.hpp"
#include "core/migration/byte_source.hpp"
#include "core/migration/json_stream.hpp"

#include <cstdint>
#include <optional>
#include <string>

using namespace janua::migration;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string file(reinterpret_cast<const char*>(data), size);
    // Served in small chunks, so records and tokens straddle buffer boundaries.
    auto source = decompressing(chunked([&](int seq) -> std::optional<std::string> {
        const std::size_t at = static_cast<std::size_t>(seq) * 97;
        if (at >= file.size()) return std::nullopt;
        return file.substr(at, 97);
    }));
    try {
        RecordReader reader(*source, 4096);
        RawRecord raw;
        for (int records = 0; records < 10000 && reader.next(raw); ++records) {
            if (!raw.error.empty()) continue;
            auto parsed = nlohmann::json::parse(raw.text, nullptr, false);
            if (parsed.is_discarded() || !parsed.is_object()) continue;
            try {
                (void)(raw.csv ? auth0::map_export_record(parsed) : auth0::map_record(parsed));
            } catch (const nlohmann::json::exception&) {
                // The importer reports these as INVALID_TYPE (core/migration/auth0_import.cpp).
            }
        }
    } catch (const std::runtime_error&) {
        // A broken gzip stream is reported this way (ByteSource's contract).
    }
    return 0;
}
