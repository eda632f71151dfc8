#pragma once
// Where an import reads its bytes from: a file, or an upload stored in the database in chunks,
// optionally gzip-compressed (detected from the magic bytes). Reads are bounded by the caller's
// buffer, so memory stays flat however large the input.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace janua::migration {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Up to `size` bytes into `out`; 0 at the end. Throws std::runtime_error on a read or
    // decompression failure.
    virtual std::size_t read(char* out, std::size_t size) = 0;
    // Compressed bytes consumed so far (for progress against the input's size).
    virtual std::uint64_t consumed() const = 0;
};

// Open `path`; throws std::runtime_error naming the file when it cannot be read.
std::unique_ptr<ByteSource> open_file(const std::string& path);

// Chunks fetched one at a time: `fetch(seq)` returns the chunk or nullopt past the end.
std::unique_ptr<ByteSource> chunked(std::function<std::optional<std::string>(int)> fetch);

// Wrap `inner` so gzip input is inflated transparently; other input passes through.
std::unique_ptr<ByteSource> decompressing(std::unique_ptr<ByteSource> inner);

}  // namespace janua::migration
