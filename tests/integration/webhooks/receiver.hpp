#pragma once
// A webhook receiver for the tests: a real HTTP server on 127.0.0.1 that checks each
// Janua-Signature the way the documentation tells receivers to, and can be made to fail
// (answer 503) or to answer slowly.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace janua::test::webhooks {

struct Received {
    std::string event_id;
    std::string type;
    std::string delivery;
    std::string body;
    bool signature_ok = false;
};

class Receiver {
public:
    Receiver();
    ~Receiver();
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    std::string url() const;  // http://127.0.0.1:<port>/hook
    void set_secret(const std::string& secret);
    void set_down(bool down) { m_down = down; }
    void set_delay(std::chrono::milliseconds delay) { m_delay_ms = delay.count(); }

    std::vector<Received> received() const;
    // Event ids that arrived with a valid signature.
    std::set<std::string> verified_event_ids() const;
    int bad_signatures() const;
    int refused() const { return m_refused; }
    // The most requests the receiver was handling at the same time.
    int max_in_flight() const { return m_max_in_flight; }
    bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::atomic<bool> m_down{false};
    std::atomic<long long> m_delay_ms{0};
    std::atomic<int> m_refused{0};
    std::atomic<int> m_in_flight{0};
    std::atomic<int> m_max_in_flight{0};
};

// Check a Janua-Signature header over `body` (what a receiver does): the v1 MAC in constant
// time, and a timestamp within `tolerance_seconds` of now.
bool signature_valid(const std::string& header, const std::string& body, const std::string& secret,
                     std::int64_t tolerance_seconds = 300);

}  // namespace janua::test::webhooks
