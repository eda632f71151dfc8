#include "tests/integration/webhooks/receiver.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <ctime>

namespace janua::test::webhooks {

bool signature_valid(const std::string& header, const std::string& body, const std::string& secret,
                     std::int64_t tolerance_seconds) {
    std::string t, v1;
    std::size_t start = 0;
    while (start <= header.size()) {
        auto comma = header.find(',', start);
        if (comma == std::string::npos) comma = header.size();
        const std::string part = header.substr(start, comma - start);
        if (part.rfind("t=", 0) == 0) t = part.substr(2);
        if (part.rfind("v1=", 0) == 0) v1 = part.substr(3);
        start = comma + 1;
    }
    if (t.empty() || v1.empty() || t.find_first_not_of("0123456789") != std::string::npos) return false;
    const long long stamp = std::stoll(t);
    if (std::llabs(static_cast<long long>(std::time(nullptr)) - stamp) > tolerance_seconds) return false;
    const std::string expected = janua::crypto::hex_encode(janua::crypto::hmac_sha256(secret, t + "." + body));
    return janua::crypto::constant_time_equals(expected, v1);
}

struct Receiver::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    std::string secret;
    std::vector<Received> received;
};

Receiver::Receiver() : m_impl(std::make_unique<Impl>()) {
    m_impl->server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
        const int now_in_flight = ++m_in_flight;
        for (int seen = m_max_in_flight; now_in_flight > seen && !m_max_in_flight.compare_exchange_weak(seen, now_in_flight);) {
        }
        if (const long long delay = m_delay_ms; delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        --m_in_flight;
        if (m_down) {
            ++m_refused;
            res.status = 503;
            res.set_content("down for maintenance", "text/plain");
            return;
        }
        Received r;
        r.body = req.body;
        r.delivery = req.get_header_value("Janua-Delivery");
        r.type = req.get_header_value("Janua-Event");
        auto parsed = nlohmann::json::parse(req.body, nullptr, false);
        if (!parsed.is_discarded() && parsed.contains("id") && parsed["id"].is_string())
            r.event_id = parsed["id"].get<std::string>();
        {
            std::lock_guard lock(m_impl->mutex);
            r.signature_ok = signature_valid(req.get_header_value("Janua-Signature"), req.body, m_impl->secret);
            m_impl->received.push_back(r);
        }
        res.status = r.signature_ok ? 200 : 401;
        res.set_content(r.signature_ok ? "ok" : "bad signature", "text/plain");
    });
    m_impl->port = m_impl->server.bind_to_any_port("127.0.0.1");
    m_impl->thread = std::thread([this] { m_impl->server.listen_after_bind(); });
}

Receiver::~Receiver() {
    m_impl->server.stop();
    if (m_impl->thread.joinable()) m_impl->thread.join();
}

std::string Receiver::url() const { return "http://127.0.0.1:" + std::to_string(m_impl->port) + "/hook"; }

void Receiver::set_secret(const std::string& secret) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->secret = secret;
}

std::vector<Received> Receiver::received() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->received;
}

std::set<std::string> Receiver::verified_event_ids() const {
    std::set<std::string> ids;
    for (const auto& r : received())
        if (r.signature_ok) ids.insert(r.event_id);
    return ids;
}

int Receiver::bad_signatures() const {
    int n = 0;
    for (const auto& r : received())
        if (!r.signature_ok) ++n;
    return n;
}

bool Receiver::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

}  // namespace janua::test::webhooks
