#pragma once
// A client's key server for private_key_jwt with a jwks_uri: serves a JWK Set (which the test may
// replace, as a client rotating its key would) on 127.0.0.1 and counts the requests.
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace janua::test::oidc {

class JwksServer {
public:
    explicit JwksServer(std::string jwks) : m_jwks(std::move(jwks)) {
        m_server.Get("/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
            ++m_hits;
            std::lock_guard lock(m_mutex);
            res.set_content(m_jwks, "application/jwk-set+json");
        });
        m_server.Get("/huge.json", [this](const httplib::Request&, httplib::Response& res) {
            ++m_hits;
            res.set_content("{\"keys\":[\"" + std::string(200 * 1024, 'x') + "\"]}", "application/json");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
    }
    ~JwksServer() {
        m_server.stop();
        if (m_thread.joinable()) m_thread.join();
    }
    JwksServer(const JwksServer&) = delete;
    JwksServer& operator=(const JwksServer&) = delete;

    std::string url(const std::string& path = "/jwks.json") const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }
    int hits() const { return m_hits.load(); }
    void serve(std::string jwks) {
        std::lock_guard lock(m_mutex);
        m_jwks = std::move(jwks);
    }

private:
    httplib::Server m_server;
    std::mutex m_mutex;
    std::string m_jwks;
    std::atomic<int> m_hits{0};
    int m_port = 0;
    std::thread m_thread;
};

}  // namespace janua::test::oidc
