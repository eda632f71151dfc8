#pragma once
// LISTEN on the jobs channel through a dedicated connection and ring the worker doorbell when
// another process enqueues (the NOTIFY arrives at that process's commit). Reconnects on loss;
// polling stays the safety net while it is down.

#include "core/db/pool.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace janua::jobs {

class NotificationListener {
  public:
    NotificationListener(db::PoolSettings settings, std::string channel,
                         std::chrono::milliseconds reconnect_delay = std::chrono::seconds(2));
    ~NotificationListener();
    NotificationListener(const NotificationListener&) = delete;
    NotificationListener& operator=(const NotificationListener&) = delete;

    void start();
    // Return within about a quarter second, or a connect timeout while reconnecting.
    void stop();

  private:
    void run();
    void listen_once();
    void pause(std::chrono::milliseconds delay);

    db::PoolSettings m_settings;
    std::string m_channel;
    std::chrono::milliseconds m_reconnect_delay;
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex;
    std::condition_variable m_stop_requested;
    std::thread m_thread;
};

}  // namespace janua::jobs
