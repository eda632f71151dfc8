#include "core/migration/byte_source.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace janua::migration {
namespace {

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path) : m_file(std::fopen(path.c_str(), "rb")) {
        if (!m_file) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
    }
    ~FileSource() override { std::fclose(m_file); }
    std::size_t read(char* out, std::size_t size) override {
        const std::size_t n = std::fread(out, 1, size, m_file);
        if (n == 0 && std::ferror(m_file)) throw std::runtime_error("read error");
        m_consumed += n;
        return n;
    }
    std::uint64_t consumed() const override { return m_consumed; }

private:
    std::FILE* m_file;
    std::uint64_t m_consumed = 0;
};

class ChunkSource : public ByteSource {
public:
    explicit ChunkSource(std::function<std::optional<std::string>(int)> fetch) : m_fetch(std::move(fetch)) {}
    std::size_t read(char* out, std::size_t size) override {
        while (m_offset >= m_chunk.size()) {
            if (m_done) return 0;
            auto next = m_fetch(m_seq++);
            if (!next) {
                m_done = true;
                return 0;
            }
            m_chunk = std::move(*next);
            m_offset = 0;
        }
        const std::size_t n = std::min(size, m_chunk.size() - m_offset);
        std::memcpy(out, m_chunk.data() + m_offset, n);
        m_offset += n;
        m_consumed += n;
        return n;
    }
    std::uint64_t consumed() const override { return m_consumed; }

private:
    std::function<std::optional<std::string>(int)> m_fetch;
    std::string m_chunk;
    std::size_t m_offset = 0;
    int m_seq = 0;
    bool m_done = false;
    std::uint64_t m_consumed = 0;
};

// Sniffs the first two bytes; gzip members (also concatenated ones) are inflated.
class MaybeGzip : public ByteSource {
public:
    explicit MaybeGzip(std::unique_ptr<ByteSource> inner) : m_inner(std::move(inner)), m_in(1 << 16) {
        m_have = fill(0);
        m_gzip = m_have >= 2 && static_cast<unsigned char>(m_in[0]) == 0x1f && static_cast<unsigned char>(m_in[1]) == 0x8b;
        if (m_gzip) {
            std::memset(&m_z, 0, sizeof m_z);
            if (inflateInit2(&m_z, 15 + 16) != Z_OK) throw std::runtime_error("cannot start gzip decompression");
            m_z.next_in = reinterpret_cast<Bytef*>(m_in.data());
            m_z.avail_in = static_cast<uInt>(m_have);
        }
    }
    ~MaybeGzip() override {
        if (m_gzip) inflateEnd(&m_z);
    }
    std::size_t read(char* out, std::size_t size) override {
        if (!m_gzip) {
            if (m_pos < m_have) {
                const std::size_t n = std::min(size, m_have - m_pos);
                std::memcpy(out, m_in.data() + m_pos, n);
                m_pos += n;
                return n;
            }
            return m_inner->read(out, size);
        }
        m_z.next_out = reinterpret_cast<Bytef*>(out);
        m_z.avail_out = static_cast<uInt>(size);
        while (m_z.avail_out == size) {
            if (m_z.avail_in == 0) {
                if (m_eof) break;
                const std::size_t n = fill(0);
                if (n == 0) {
                    m_eof = true;
                    if (!m_stream_end) throw std::runtime_error("the gzip input is truncated");
                    break;
                }
                m_z.next_in = reinterpret_cast<Bytef*>(m_in.data());
                m_z.avail_in = static_cast<uInt>(n);
            }
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                m_stream_end = true;
                if (m_z.avail_in > 0 || !m_eof) inflateReset(&m_z);  // a further member may follow
            } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
                m_stream_end = false;
                if (rc == Z_BUF_ERROR && m_z.avail_in > 0) throw std::runtime_error("the gzip input is corrupt");
            } else {
                throw std::runtime_error("the gzip input is corrupt");
            }
        }
        return size - m_z.avail_out;
    }
    std::uint64_t consumed() const override { return m_inner->consumed(); }

private:
    std::size_t fill(std::size_t at) {
        std::size_t total = 0;
        while (at + total < m_in.size()) {
            const std::size_t n = m_inner->read(m_in.data() + at + total, m_in.size() - at - total);
            if (n == 0) break;
            total += n;
            if (total >= 2) break;
        }
        return total;
    }

    std::unique_ptr<ByteSource> m_inner;
    std::vector<char> m_in;
    std::size_t m_have = 0, m_pos = 0;
    bool m_gzip = false, m_eof = false, m_stream_end = false;
    z_stream m_z{};
};

}  // namespace

std::unique_ptr<ByteSource> open_file(const std::string& path) { return std::make_unique<FileSource>(path); }

std::unique_ptr<ByteSource> chunked(std::function<std::optional<std::string>(int)> fetch) {
    return std::make_unique<ChunkSource>(std::move(fetch));
}

std::unique_ptr<ByteSource> decompressing(std::unique_ptr<ByteSource> inner) {
    return std::make_unique<MaybeGzip>(std::move(inner));
}

}  // namespace janua::migration
