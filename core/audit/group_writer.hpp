#pragma once
// Group commit for audit events that have no other change to commit with (an issued
// client_credentials token, say). Each entry's commit takes the audit chain's head lock
// (migrations/0004), so one transaction per event bounds such endpoints at a few thousand
// requests per second on a small machine. Here concurrent callers' events are written together:
// the first caller to find no write in progress becomes the leader, writes everything queued so
// far in one transaction with one statement, and wakes the others; meanwhile newcomers queue
// for the next batch. Every caller returns only after its own event has committed, and throws
// what the write threw, so a request still fails when its audit entry cannot be stored.

#include "core/audit/audit.hpp"

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <vector>

namespace janua::audit {

class GroupWriter {
public:
    explicit GroupWriter(db::Pool& pool, std::size_t max_batch = 256);

    // Store `event` (with its webhook jobs); blocks until committed.
    void record(const Event& event);

private:
    struct Pending {
        const Event* event = nullptr;
        bool done = false;
        std::exception_ptr error;
    };
    // Write the batch; the error of each event (null when stored), in the batch's order.
    std::vector<std::exception_ptr> write(const std::vector<Pending*>& batch);

    db::Pool& m_pool;
    std::size_t m_max_batch;
    std::mutex m_mutex;
    std::condition_variable m_written;
    std::vector<Pending*> m_queue;
    bool m_writing = false;
};

}  // namespace janua::audit
