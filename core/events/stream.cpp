#include "core/events/stream.hpp"

#include "core/common/log.hpp"

namespace janua::events {

Result<long long> parse_last_event_id(const std::string& text) {
    auto invalid = [] {
        Error e = make_error(ErrorCode::validation, "Last-Event-ID must be the id of an event this stream sent");
        e.details = nlohmann::json::array({{{"field", "last_event_id"}, {"message", "must be a non-negative integer"}}});
        return e;
    };
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return invalid();
    return std::stoll(text);
}

std::string sse_event(const std::string& event, const std::string& data, std::optional<long long> id) {
    std::string out;
    if (id) out += "id: " + std::to_string(*id) + "\n";
    out += "event: " + event + "\n";
    // JSON from dump() has no raw newlines; one data line is enough.
    out += "data: " + data + "\n\n";
    return out;
}

namespace {

std::string audit_message(const audit::LogEntry& e) {
    return sse_event("audit", audit::to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), e.seq);
}

}  // namespace

bool run_stream(db::Pool& pool, const EventHub::Joined& joined, const audit::LogFilter& filter,
                std::optional<long long> last_event_id, const StreamSettings& settings, const Writer& write,
                const StillAllowed& still_allowed) {
    long long sent = last_event_id.value_or(joined.position);
    if (!write("retry: 3000\n" + sse_event("ready", nlohmann::json{{"position", sent}}.dump(), sent))) return false;

    if (last_event_id) {
        // Replay what the database holds after the client's last event. Live entries queue
        // meanwhile (the subscription came first), so nothing falls between the two.
        while (true) {
            auto page = audit::after(pool, filter, sent, settings.replay_batch);
            if (!page) {
                log::warn("event stream replay failed", {{"error", page.error().message}});
                return write(sse_event("error", nlohmann::json{{"message", "cannot read the audit log"}}.dump(), std::nullopt));
            }
            for (const auto& e : *page) {
                if (!write(audit_message(e))) return false;
                sent = e.seq;
            }
            if (static_cast<int>(page->size()) < settings.replay_batch) break;
        }
    }

    const auto deadline = std::chrono::steady_clock::now() + settings.max_duration;
    std::vector<audit::LogEntry> batch;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return true;
        const auto wait = std::min(settings.heartbeat,
                                   std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
        batch.clear();
        switch (joined.subscriber->wait(batch, wait)) {
            case Subscriber::Wake::events:
                for (const auto& e : batch) {
                    if (e.seq <= sent) continue;  // already replayed
                    if (!write(audit_message(e))) return false;
                    sent = e.seq;
                }
                break;
            case Subscriber::Wake::overflow:
                return write(sse_event("overflow",
                                       nlohmann::json{{"message", "the client fell behind; reconnect with Last-Event-ID"},
                                                      {"last_event_id", sent}}
                                           .dump(),
                                       std::nullopt));
            case Subscriber::Wake::closed: return true;
            case Subscriber::Wake::timeout:
                // A removed admin, a revoked key or an ended session stops reading within a heartbeat.
                if (still_allowed && !still_allowed())
                    return write(sse_event("reauthenticate",
                                           nlohmann::json{{"message", "your access to this stream ended; reconnect with "
                                                                      "a current token and Last-Event-ID"},
                                                          {"last_event_id", sent}}
                                               .dump(),
                                           std::nullopt));
                if (!write(": heartbeat\n\n")) return false;
                break;
        }
    }
}

}  // namespace janua::events
