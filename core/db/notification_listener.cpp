#include "core/db/notification_listener.hpp"

#include "core/common/log.hpp"

#include <pqxx/notification>

namespace janua::db {
namespace {

class Receiver final : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base& connection, const std::string& channel, std::function<void()> on_notify)
        : pqxx::notification_receiver(connection, channel), m_on_notify(std::move(on_notify)) {}
    void operator()(const std::string&, int) override { m_on_notify(); }

private:
    std::function<void()> m_on_notify;
};

// await_notification's own timeout: how long stop() may wait for the thread to notice.
constexpr long k_await_microseconds = 250000;

}  // namespace

NotificationListener::NotificationListener(PoolSettings settings, std::string channel, std::function<void()> on_signal,
                                           std::chrono::milliseconds period, std::chrono::milliseconds reconnect_delay)
    : m_settings(std::move(settings)), m_channel(std::move(channel)), m_on_signal(std::move(on_signal)),
      m_period(period), m_reconnect_delay(reconnect_delay) {
    m_settings.application_name += "-listen";
}

NotificationListener::~NotificationListener() { stop(); }

void NotificationListener::start() {
    if (m_thread.joinable()) return;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void NotificationListener::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_stop_requested.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void NotificationListener::signal() {
    m_last_signal = std::chrono::steady_clock::now();
    try {
        m_on_signal();
    } catch (const std::exception& e) {
        log::warn("notification handler failed", {{"channel", m_channel}, {"error", e.what()}});
    }
}

void NotificationListener::run() {
    while (!m_stopping) {
        try {
            listen_once();
        } catch (const std::exception& e) {
            log::warn("notification listener lost its connection", {{"channel", m_channel}, {"error", e.what()}});
        }
        if (!m_stopping) pause(m_reconnect_delay);
    }
}

void NotificationListener::listen_once() {
    auto connection = connect(m_settings);
    Receiver receiver(*connection, m_channel, [this] { signal(); });  // destroyed first: it unregisters
    signal();
    while (!m_stopping && connection->is_open()) {
        connection->await_notification(0, k_await_microseconds);
        if (std::chrono::steady_clock::now() - m_last_signal >= m_period) signal();
    }
}

void NotificationListener::pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(m_mutex);
    m_stop_requested.wait_for(lock, delay, [this] { return m_stopping.load(); });
}

}  // namespace janua::db
