#include "core/jobs/dispatch.hpp"

#include <exception>

namespace janua::jobs {

HandlerOutcome run_handler(const HandlerMap& handlers, const Job& job) noexcept {
    try {
        const auto found = handlers.find(job.kind);
        if (found == handlers.end() || !found->second)
            return {false, "no handler registered for job kind '" + job.kind + "'",
                    FailureKind::transient};
        const Status status = found->second(job);
        if (status.ok()) return {true, {}, FailureKind::transient};
        const Error& error = status.error();
        std::string text = error.message;
        if (!error.detail.empty()) text += ": " + error.detail;
        const bool permanent =
            error.code == ErrorCode::validation || error.code == ErrorCode::bad_request;
        return {false, text, permanent ? FailureKind::permanent : FailureKind::transient};
    } catch (const std::exception& e) {
        return {false, std::string("handler threw: ") + e.what(), FailureKind::transient};
    } catch (...) {
        return {false, "handler threw a non-standard exception", FailureKind::transient};
    }
}

}  // namespace janua::jobs
