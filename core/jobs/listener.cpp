#include "core/jobs/listener.hpp"

#include "core/common/log.hpp"
#include "core/jobs/wake.hpp"

#include <pqxx/notification>

namespace janua::jobs {
namespace {

class Doorbell final : public pqxx::notification_receiver {
  public:
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string&, int) override { wake::ring(); }
};

// await_notification's own timeout: how long stop() may wait for the thread to notice.
constexpr long k_await_microseconds = 250000;

}  // namespace

NotificationListener::NotificationListener(db::PoolSettings settings, std::string channel,
                                           std::chrono::milliseconds reconnect_delay)
    : m_settings(std::move(settings)),
      m_channel(std::move(channel)),
      m_reconnect_delay(reconnect_delay) {
    m_settings.application_name += "-listen";
}

NotificationListener::~NotificationListener() {
    stop();
}

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

void NotificationListener::run() {
    while (!m_stopping) {
        try {
            listen_once();
        } catch (const std::exception& e) {
            log::warn("job notification listener lost its connection",
                      {{"channel", m_channel}, {"error", e.what()}});
        }
        if (!m_stopping) pause(m_reconnect_delay);
    }
}

void NotificationListener::listen_once() {
    auto connection = db::connect(m_settings);
    Doorbell doorbell(*connection,
                      m_channel);  // destroyed first: it unregisters from the connection
    // Jobs may have been enqueued while we were not listening.
    wake::ring();
    while (!m_stopping && connection->is_open())
        connection->await_notification(0, k_await_microseconds);
}

void NotificationListener::pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(m_mutex);
    m_stop_requested.wait_for(lock, delay, [this] { return m_stopping.load(); });
}

}  // namespace janua::jobs
