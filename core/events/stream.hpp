#pragma once
// One Server-Sent Events stream of audit entries (text/event-stream, WHATWG HTML §9.2):
//   retry + a "ready" event whose id is the position the stream starts from,
//   then the entries after Last-Event-ID from the database (when given),
//   then live entries from the hub, each as  id: <seq> / event: audit / data: <audit-logs JSON>,
//   ": heartbeat" comments while idle, and a final "overflow" event when the client fell behind.
// The stream ends on overflow, on the hub's shutdown, after max_duration (the client reconnects
// and is authenticated again), or when a write fails (the client went away).

#include "core/audit/log.hpp"
#include "core/db/pool.hpp"
#include "core/events/hub.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace janua::events {

struct StreamSettings {
    std::chrono::milliseconds heartbeat{std::chrono::seconds(15)};     // EVENT_STREAM_HEARTBEAT_SECONDS
    std::chrono::milliseconds max_duration{std::chrono::hours(1)};     // EVENT_STREAM_MAX_SECONDS
    int replay_batch = 200;
};

using Writer = std::function<bool(const std::string&)>;

// Parse a Last-Event-ID value: a non-negative seq; a validation error otherwise.
Result<long long> parse_last_event_id(const std::string& text);

// One SSE message.
std::string sse_event(const std::string& event, const std::string& data, std::optional<long long> id);

// Whether whoever opened the stream may still read it (their token, session or API key still
// valid, and the right still held); asked at every heartbeat.
using StillAllowed = std::function<bool()>;

// Run the stream for `joined` (already subscribed with `filter`) until it ends; false when a
// write failed. When `still_allowed` says no, the stream ends with a "reauthenticate" event.
bool run_stream(db::Pool& pool, const EventHub::Joined& joined, const audit::LogFilter& filter,
                std::optional<long long> last_event_id, const StreamSettings& settings, const Writer& write,
                const StillAllowed& still_allowed);

}  // namespace janua::events
