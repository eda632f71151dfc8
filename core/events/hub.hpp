#pragma once
// The live side of the audit event stream (GET /api/v1/events). One hub per daemon reads the
// entries committed since it last looked (woken by NOTIFY janua_audit, see
// migrations/0024_events_alerts.sql) and hands each to the subscribers whose filter it passes.
// A subscriber's queue is bounded: a burst it cannot hold marks it overflowed instead of
// growing, and its stream then ends with an "overflow" event so the client resumes from the
// database with Last-Event-ID. Nothing here knows HTTP.

#include "core/audit/log.hpp"
#include "core/db/pool.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace janua::events {

// The channel a trigger NOTIFYs when a transaction that wrote audit entries commits.
inline constexpr const char* k_audit_channel = "janua_audit";

struct HubSettings {
    int max_subscribers = 4;         // EVENT_STREAM_MAX_CONNECTIONS
    std::size_t queue_size = 1000;   // EVENT_STREAM_QUEUE_SIZE
};

class Subscriber {
public:
    Subscriber(audit::LogFilter filter, std::string principal, std::size_t capacity)
        : m_filter(std::move(filter)), m_principal(std::move(principal)), m_capacity(capacity) {}

    enum class Wake { events, overflow, closed, timeout };

    // Wait up to `timeout` for queued entries (moved into `out`), an overflow or the hub closing.
    Wake wait(std::vector<audit::LogEntry>& out, std::chrono::milliseconds timeout);

    // Hub side: queue the entries of one fetch that pass the filter, all or, when they do not
    // fit, none (the subscriber is then overflowed and gets nothing more).
    void offer(const std::vector<audit::LogEntry>& entries);
    void close();

    const audit::LogFilter& filter() const { return m_filter; }
    const std::string& principal() const { return m_principal; }

private:
    audit::LogFilter m_filter;
    std::string m_principal;
    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<audit::LogEntry> m_queue;
    bool m_overflowed = false;
    bool m_closed = false;
};

class EventHub {
public:
    EventHub(db::Pool& pool, HubSettings settings);

    // A new subscriber for `principal` (who opens the stream: a user or API key id), and the seq
    // the hub had handed out when it joined (every later entry that passes its filter reaches it).
    // Refused (nullptr, and why) when max_subscribers streams are open, or when it would break the
    // sharing rule: one principal, and one organization, hold at most half the slots (at least
    // one), and organizations' streams together leave one slot for platform-wide streams.
    struct Joined {
        std::shared_ptr<Subscriber> subscriber;
        long long position = 0;
        std::string refused;
    };
    Joined subscribe(const audit::LogFilter& filter, const std::string& principal);

    // Fetch what was committed since the last call and hand it out; called on every NOTIFY.
    // The first call only learns the current head.
    void poll();

    // Close every subscriber and refuse new ones (daemon shutdown).
    void shutdown();

    int open_streams();

private:
    std::vector<std::shared_ptr<Subscriber>> live_subscribers();  // with m_mutex held
    std::string refusal(const audit::LogFilter& filter, const std::string& principal);  // with m_mutex held

    db::Pool& m_pool;
    HubSettings m_settings;
    std::mutex m_poll_mutex;  // one fetch at a time
    std::mutex m_mutex;
    std::vector<std::weak_ptr<Subscriber>> m_subscribers;
    long long m_position = -1;  // -1: not read yet
    bool m_shut = false;
};

}  // namespace janua::events
