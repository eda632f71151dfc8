#pragma once
// The HTTP listener. The only file that includes cpp-httplib; it turns wire requests into
// daemon::Request and hands them to the Pipeline.

#include "daemon/pipeline.hpp"

#include <memory>
#include <string>

namespace janua::daemon {

struct ServerSettings {
    std::string host = "127.0.0.1";
    int port = 4100;
    int threads = 16;
    size_t max_body_bytes = 1 << 20;
    int listen_backlog = 1024;
    int keep_alive_max_count = 1000;
    int keep_alive_timeout_seconds = 5;
    // Both set: serve HTTPS (TLS 1.2 and 1.3 only, no compression, forward-secret AEAD ciphers).
    std::string tls_cert_file;
    std::string tls_key_file;
};

class HttpServer {
public:
    HttpServer(ServerSettings settings, Pipeline& pipeline);
    ~HttpServer();

    // Bind the socket (and load the TLS certificate and key); returns an error message, empty on success.
    std::string bind();
    int port() const { return m_port; }
    // Serve until stop(); returns after in-flight requests finished.
    void serve();
    // Stop accepting; safe from any thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    ServerSettings m_settings;
    int m_port = 0;
};

// Split "host:port" (IPv6 as "[::1]:4100").
bool parse_listen_address(const std::string& text, std::string& host, int& port);

}  // namespace janua::daemon
