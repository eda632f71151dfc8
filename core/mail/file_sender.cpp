#include "core/mail/file_sender.hpp"

#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace janua::mail {
namespace {

Error io_error(const std::string& what, const std::string& path) {
    return make_error(ErrorCode::unavailable, "cannot write email file",
                      what + " '" + path + "': " + std::strerror(errno));
}

// Sortable by time, unique across threads and processes sharing the directory.
std::string file_stem() {
    static std::atomic<unsigned> counter{0};
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    unsigned char random[4] = {};
    RAND_bytes(random, sizeof random);
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "-%d-%u-%02x%02x%02x%02x", static_cast<int>(::getpid()),
                  counter++, random[0], random[1], random[2], random[3]);
    return std::string(stamp) + suffix;
}

}  // namespace

FileSender::FileSender(std::string directory, Mailbox from)
    : m_directory(std::move(directory)), m_from(std::move(from)) {}

Status FileSender::send(const EmailMessage& message) {
    auto rendered = render_message(message, render_options_now(m_from, message));
    if (!rendered) return rendered.error();
    std::error_code ec;
    std::filesystem::create_directories(m_directory, ec);
    if (ec)
        return make_error(ErrorCode::unavailable, "cannot write email file",
                          "create '" + m_directory + "': " + ec.message());

    const std::string stem = m_directory + "/" + file_stem();
    const std::string temporary = stem + ".tmp", final_path = stem + ".eml";
    // 0600: the message holds a live sign-in or reset link.
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("open", temporary);
    const std::string& text = rendered.value();
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            auto error = io_error("write", temporary);
            ::close(fd);
            ::unlink(temporary.c_str());
            return error;
        }
        written += static_cast<std::size_t>(n);
    }
    // The job is marked done after this returns: the file must survive a crash by then.
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        auto error = io_error("sync", temporary);
        ::unlink(temporary.c_str());
        return error;
    }
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
        auto error = io_error("rename", temporary);
        ::unlink(temporary.c_str());
        return error;
    }
    return Ok{};
}

}  // namespace janua::mail
