#pragma once
// LISTEN on one channel through a dedicated connection and call `on_signal` for every
// notification, after every (re)connect (changes may have been missed meanwhile), and every
// `period` as the safety net. Reconnects by itself when the database goes away.

#include "core/db/pool.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace janua::db {

class NotificationListener {
public:
    NotificationListener(PoolSettings settings, std::string channel, std::function<void()> on_signal,
                         std::chrono::milliseconds period = std::chrono::seconds(60),
                         std::chrono::milliseconds reconnect_delay = std::chrono::seconds(1));
    ~NotificationListener();
    NotificationListener(const NotificationListener&) = delete;
    NotificationListener& operator=(const NotificationListener&) = delete;

    void start();
    // Returns within about a quarter second (or a connect timeout while reconnecting).
    void stop();

private:
    void run();
    void listen_once();
    void signal();
    void pause(std::chrono::milliseconds delay);

    PoolSettings m_settings;
    std::string m_channel;
    std::function<void()> m_on_signal;
    std::chrono::milliseconds m_period;
    std::chrono::milliseconds m_reconnect_delay;
    std::chrono::steady_clock::time_point m_last_signal{};
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex;
    std::condition_variable m_stop_requested;
    std::thread m_thread;
};

}  // namespace janua::db
