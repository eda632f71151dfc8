#include "core/jobs/wake.hpp"

#include <condition_variable>
#include <mutex>

namespace janua::jobs::wake {
namespace {

struct Doorbell {
    std::mutex mutex;
    std::condition_variable rang;
    std::uint64_t generation = 0;
};

Doorbell& doorbell() {
    static Doorbell instance;
    return instance;
}

}  // namespace

std::uint64_t generation() {
    auto& bell = doorbell();
    std::lock_guard lock(bell.mutex);
    return bell.generation;
}

void ring() {
    auto& bell = doorbell();
    {
        std::lock_guard lock(bell.mutex);
        ++bell.generation;
    }
    bell.rang.notify_all();
}

std::uint64_t wait(std::uint64_t seen, std::chrono::milliseconds timeout,
                   const std::function<bool()>& stop) {
    auto& bell = doorbell();
    std::unique_lock lock(bell.mutex);
    bell.rang.wait_for(lock, timeout, [&] { return bell.generation != seen || stop(); });
    return bell.generation;
}

}  // namespace janua::jobs::wake
