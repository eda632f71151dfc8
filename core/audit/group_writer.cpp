#include "core/audit/group_writer.hpp"

#include <algorithm>

namespace janua::audit {

GroupWriter::GroupWriter(db::Pool& pool, std::size_t max_batch) : m_pool(pool), m_max_batch(std::max<std::size_t>(1, max_batch)) {}

void GroupWriter::record(const Event& event) {
    Pending mine;
    mine.event = &event;
    std::unique_lock lock(m_mutex);
    m_queue.push_back(&mine);
    while (!mine.done) {
        if (m_writing) {
            m_written.wait(lock);
            continue;
        }
        m_writing = true;
        const auto take = std::min(m_queue.size(), m_max_batch);
        std::vector<Pending*> batch(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(take));
        m_queue.erase(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(take));
        lock.unlock();
        auto errors = write(batch);
        lock.lock();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i]->error = errors[i];
            batch[i]->done = true;
        }
        m_writing = false;
        m_written.notify_all();
    }
    if (mine.error) std::rethrow_exception(mine.error);
}

std::vector<std::exception_ptr> GroupWriter::write(const std::vector<Pending*>& batch) {
    std::vector<std::exception_ptr> errors(batch.size());
    std::vector<Event> events;
    events.reserve(batch.size());
    for (const auto* pending : batch) events.push_back(*pending->event);
    try {
        m_pool.transact([&](db::Transaction& tx) { append_all(tx, events); });
        return errors;
    } catch (...) {
        if (batch.size() == 1) {
            errors[0] = std::current_exception();
            return errors;
        }
    }
    // One event the database refuses must not fail its neighbours: write them one by one.
    for (std::size_t i = 0; i < events.size(); ++i) {
        try {
            m_pool.transact([&](db::Transaction& tx) { append(tx, events[i]); });
        } catch (...) {
            errors[i] = std::current_exception();
        }
    }
    return errors;
}

}  // namespace janua::audit
