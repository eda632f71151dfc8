#pragma once
// Shared pieces of the avatar tests: small real images, uploads as raw bodies and as browser
// forms, a scratch storage directory, and tests/e2e/s3-server.mjs (s3rver behind an independent
// SigV4 check) as a child process.
#include "tests/integration/orgs/org_support.hpp"
#include "tests/support/child_process.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace janua::test::avatars {

using namespace janua::test;
using namespace janua::test::orgs;

inline std::string from_hex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

// A real 2x3 RGBA PNG and a real 1x1 GIF.
inline const std::string k_png = from_hex(
    "89504e470d0a1a0a0000000d4948445200000002000000030806000000b9eade810000001449444154789c63f8cfc0f01f84410802a1"
    "02ff019b7f0bf555942c210000000049454e44ae426082");
inline const std::string k_gif = from_hex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b");

inline HttpResponse upload_raw(const Server& s, const std::string& path, const std::string& token, const std::string& bytes,
                               const std::string& content_type) {
    return http("POST", s.base(), path, bytes, bearer(token), content_type);
}

// What a browser's <form enctype="multipart/form-data"> with <input type="file" name=field> sends.
inline HttpResponse upload_form(const Server& s, const std::string& path, const std::string& token, const std::string& bytes,
                                const std::string& content_type, const std::string& field = "file") {
    const std::string boundary = "----janua-test-boundary-7MA4YWxkTrZu0gW";
    const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"me.img\"\r\nContent-Type: " +
                             content_type + "\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
    return http("POST", s.base(), path, body, bearer(token), "multipart/form-data; boundary=" + boundary);
}

// The path part of an avatar URL ("http://127.0.0.1:P/api/v1/avatars/ID" -> "/api/v1/avatars/ID").
inline std::string path_of(const std::string& url) { return url.substr(url.find("/api/v1/avatars/")); }

// A file holding a secret (for the *_FILE settings), removed with the object.
struct SecretFile {
    std::string path;
    explicit SecretFile(const std::string& text) {
        char pattern[] = "/tmp/janua-secret-XXXXXX";
        const int fd = ::mkstemp(pattern);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path = pattern;
    }
    ~SecretFile() { ::unlink(path.c_str()); }
    SecretFile(const SecretFile&) = delete;
    SecretFile& operator=(const SecretFile&) = delete;
};

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/janua-storage-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    // Regular files below the directory (stored objects; temporary files would show too).
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::recursive_directory_iterator(path))
            if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), path).string());
        std::sort(out.begin(), out.end());
        return out;
    }
};

class S3Server {
public:
    S3Server(const std::string& bucket, const std::string& key_id, const std::string& secret) {
        char dir[] = "/tmp/janua-s3-log-XXXXXX";
        REQUIRE(::mkdtemp(dir) != nullptr);
        m_dir = dir;
        m_process.emplace(std::vector<std::string>{"/usr/bin/env", "node",
                                                   std::string(JANUA_SOURCE_DIR) + "/tests/e2e/s3-server.mjs",
                                                   "--bucket", bucket, "--access-key-id", key_id,
                                                   "--secret-access-key", secret},
                          m_dir + "/s3.log");
        INFO(m_process->log());
        REQUIRE(m_process->wait_for_log("listening ", std::chrono::seconds(20)));
        m_port = std::atoi(m_process->log_after("listening ").c_str());
        REQUIRE(m_port > 0);
    }
    ~S3Server() {
        m_process.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    S3Server(const S3Server&) = delete;
    S3Server& operator=(const S3Server&) = delete;

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::string log() const { return m_process->log(); }
    json stats() const { return body_of(http("GET", endpoint(), "/__test/stats")); }
    void fail_puts(bool on) { REQUIRE(http("POST", endpoint(), "/__test/fail-puts", json{{"on", on}}.dump()).status == 200); }

private:
    std::string m_dir;
    std::optional<ChildProcess> m_process;
    int m_port = 0;
};

}  // namespace janua::test::avatars
