#include "core/events/hub.hpp"

#include "core/common/log.hpp"

#include <algorithm>

namespace janua::events {
namespace {

constexpr db::Statement k_head{"events_head", "SELECT last_seq FROM audit_chain_head WHERE singleton"};
constexpr int k_batch = 500;

}  // namespace

Subscriber::Wake Subscriber::wait(std::vector<audit::LogEntry>& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [this] { return !m_queue.empty() || m_overflowed || m_closed; });
    if (m_closed) return Wake::closed;
    if (!m_queue.empty()) {
        // Entries queued before an overflow are still sent: they are in order and complete.
        out.assign(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
        m_queue.clear();
        return Wake::events;
    }
    return m_overflowed ? Wake::overflow : Wake::timeout;
}

void Subscriber::offer(const std::vector<audit::LogEntry>& entries) {
    std::vector<const audit::LogEntry*> passing;
    for (const auto& e : entries)
        if (audit::matches(m_filter, e)) passing.push_back(&e);
    if (passing.empty()) return;
    {
        std::lock_guard lock(m_mutex);
        if (m_overflowed || m_closed) return;
        if (m_queue.size() + passing.size() > m_capacity) {
            m_overflowed = true;
        } else {
            for (const auto* e : passing) m_queue.push_back(*e);
        }
    }
    m_changed.notify_all();
}

void Subscriber::close() {
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_changed.notify_all();
}

EventHub::EventHub(db::Pool& pool, HubSettings settings) : m_pool(pool), m_settings(settings) {}

std::vector<std::shared_ptr<Subscriber>> EventHub::live_subscribers() {
    std::vector<std::shared_ptr<Subscriber>> out;
    std::erase_if(m_subscribers, [&out](const std::weak_ptr<Subscriber>& w) {
        auto s = w.lock();
        if (!s) return true;  // its stream ended
        out.push_back(std::move(s));
        return false;
    });
    return out;
}

EventHub::Joined EventHub::subscribe(const audit::LogFilter& filter, const std::string& principal) {
    std::lock_guard poll_lock(m_poll_mutex);  // the position and the list change together
    if (m_position < 0) {
        m_position = m_pool.transact([](db::Transaction& tx) { return tx.exec(k_head)[0][0].as<long long>(); });
    }
    std::lock_guard lock(m_mutex);
    if (auto why = refusal(filter, principal); !why.empty()) return {nullptr, 0, why};
    auto subscriber = std::make_shared<Subscriber>(filter, principal, m_settings.queue_size);
    m_subscribers.push_back(subscriber);
    return {subscriber, m_position, {}};
}

std::string EventHub::refusal(const audit::LogFilter& filter, const std::string& principal) {
    if (m_shut) return "the daemon is shutting down";
    const auto live = live_subscribers();
    const int max = m_settings.max_subscribers;
    if (static_cast<int>(live.size()) >= max) return "too many event streams are open (EVENT_STREAM_MAX_CONNECTIONS)";
    // Self-service organizations must not be able to take every slot from the others.
    const int share = std::max(1, max / 2);
    int mine = 0, this_organization = 0, organizations = 0;
    for (const auto& s : live) {
        if (s->principal() == principal) ++mine;
        if (s->filter().organization_id) {
            ++organizations;
            if (s->filter().organization_id == filter.organization_id) ++this_organization;
        }
    }
    if (mine >= share) return "you already have " + std::to_string(mine) + " event streams open; close one first";
    if (!filter.organization_id) return {};
    if (this_organization >= share)
        return "this organization already has " + std::to_string(this_organization) + " event streams open";
    if (max > 1 && organizations >= max - 1) return "the remaining event stream is kept for platform administrators";
    return {};
}

void EventHub::poll() {
    std::lock_guard poll_lock(m_poll_mutex);
    if (m_position < 0) {
        m_position = m_pool.transact([](db::Transaction& tx) { return tx.exec(k_head)[0][0].as<long long>(); });
        return;
    }
    while (true) {
        std::vector<std::shared_ptr<Subscriber>> subscribers;
        {
            std::lock_guard lock(m_mutex);
            subscribers = live_subscribers();
        }
        if (subscribers.empty()) {
            // Nobody listens: skip ahead without reading the entries.
            m_position = m_pool.transact([](db::Transaction& tx) { return tx.exec(k_head)[0][0].as<long long>(); });
            return;
        }
        auto fetched = audit::after(m_pool, audit::LogFilter{}, m_position, k_batch);
        if (!fetched) {
            log::warn("cannot read new audit entries for the event stream", {{"error", fetched.error().message}});
            return;
        }
        if (fetched->empty()) return;
        m_position = fetched->back().seq;
        for (auto& s : subscribers) s->offer(*fetched);
        if (static_cast<int>(fetched->size()) < k_batch) return;
    }
}

void EventHub::shutdown() {
    std::vector<std::shared_ptr<Subscriber>> subscribers;
    {
        std::lock_guard lock(m_mutex);
        m_shut = true;
        subscribers = live_subscribers();
    }
    for (auto& s : subscribers) s->close();
}

int EventHub::open_streams() {
    std::lock_guard lock(m_mutex);
    return static_cast<int>(live_subscribers().size());
}

}  // namespace janua::events
