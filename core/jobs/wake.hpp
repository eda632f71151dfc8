#pragma once
// A process-wide doorbell for workers: enqueue() and the LISTEN thread ring it so idle workers
// poll at once instead of at their next interval.

#include <chrono>
#include <cstdint>
#include <functional>

namespace janua::jobs::wake {

// The number of rings so far.
std::uint64_t generation();

// Ring: every waiter returns.
void ring();

// Wait until the doorbell rang after `seen`, `stop()` is true, or `timeout` passed; return the
// current generation. Whoever makes `stop()` true must ring() afterwards.
std::uint64_t wait(std::uint64_t seen, std::chrono::milliseconds timeout,
                   const std::function<bool()>& stop);

}  // namespace janua::jobs::wake
