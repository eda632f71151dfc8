#include "core/storage/local_store.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace janua::storage {
namespace {

Error io_error(const std::string& what, const std::string& path) {
    return make_error(ErrorCode::unavailable, "file storage is not available; try again later",
                      what + " '" + path + "': " + std::strerror(errno));
}

bool write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

Status LocalStore::put(const std::string& key, const std::string& bytes, const std::string&) {
    if (!valid_key(key)) return make_error(ErrorCode::internal, "invalid object key", key);
    const std::filesystem::path path = std::filesystem::path(m_directory) / key;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return make_error(ErrorCode::unavailable, "file storage is not available; try again later",
                              "cannot create '" + path.parent_path().string() + "': " + ec.message());
    std::string temp = path.string() + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return io_error("cannot create", temp);
    ::fchmod(fd, 0640);
    const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!written) {
        ::unlink(temp.c_str());
        errno = saved;
        return io_error("cannot write", temp);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const Error e = io_error("cannot rename to", path.string());
        ::unlink(temp.c_str());
        return e;
    }
    // The rename itself is durable once the directory is flushed.
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return Ok{};
}

Result<std::string> LocalStore::get(const std::string& key) {
    if (!valid_key(key)) return make_error(ErrorCode::not_found, "file not found");
    const std::string path = (std::filesystem::path(m_directory) / key).string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return make_error(ErrorCode::not_found, "file not found");
        return io_error("cannot open", path);
    }
    std::string bytes;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const Error e = io_error("cannot read", path);
            ::close(fd);
            return e;
        }
        if (n == 0) break;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return bytes;
}

Status LocalStore::remove(const std::string& key) {
    if (!valid_key(key)) return Ok{};
    const std::string path = (std::filesystem::path(m_directory) / key).string();
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot delete", path);
    return Ok{};
}

}  // namespace janua::storage
