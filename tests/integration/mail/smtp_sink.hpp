#pragma once
// tests/e2e/smtp-sink.js as a child process: a real SMTP server on loopback that stores each
// message it receives as a file.

#include "tests/support/child_process.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace janua::test {

struct SinkOptions {
    int port = 0;           // 0: a free port
    std::string cert_file;  // with key_file: offer STARTTLS
    std::string key_file;
    std::string username;  // non-empty: require AUTH
    std::string password;
};

struct ReceivedMail {
    std::string raw;       // the message as received (CRLF lines)
    std::string envelope;  // JSON: mailFrom, rcptTo, secure, user
};

class SmtpSink {
  public:
    explicit SmtpSink(SinkOptions options);
    ~SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return m_port; }
    // Wait until the sink accepts connections; false if it exited or timed out.
    bool wait_listening(std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // Every stored message so far, oldest first.
    std::vector<ReceivedMail> messages() const;
    std::optional<ReceivedMail> wait_message(
        std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
    std::string log() const;

  private:
    int m_port = 0;
    std::string m_dir;
    std::optional<ChildProcess> m_process;
};

// A self-signed certificate for 127.0.0.1 made with openssl; removed with the object.
class TestCertificate {
  public:
    TestCertificate();
    ~TestCertificate();
    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;
    std::string cert_file() const { return m_dir + "/cert.pem"; }
    std::string key_file() const { return m_dir + "/key.pem"; }

  private:
    std::string m_dir;
};

// Unfold and return the value of header `name` in a raw message, or "".
std::string header_value(const std::string& raw, const std::string& name);

}  // namespace janua::test
