#include "core/common/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace janua::log {
namespace {

std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;

std::shared_ptr<spdlog::logger> logger() {
    std::lock_guard lock(g_mutex);
    if (!g_logger) {
        g_logger = spdlog::stderr_logger_mt("janua");
        g_logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n",%v})",
                              spdlog::pattern_time_type::utc);
    }
    return g_logger;
}

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
        case Level::trace: return spdlog::level::trace;
        case Level::debug: return spdlog::level::debug;
        case Level::info: return spdlog::level::info;
        case Level::warn: return spdlog::level::warn;
        case Level::error: return spdlog::level::err;
        case Level::critical: return spdlog::level::critical;
        case Level::off: return spdlog::level::off;
    }
    return spdlog::level::info;
}

}  // namespace

void init(const std::string& level, const std::string& logger_name) {
    std::lock_guard lock(g_mutex);
    if (g_logger) spdlog::drop(g_logger->name());
    g_logger = spdlog::stderr_logger_mt(logger_name);
    g_logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n",%v})",
                          spdlog::pattern_time_type::utc);
    g_logger->set_level(spdlog::level::from_str(level));
    g_logger->flush_on(spdlog::level::info);
}

void set_level(const std::string& level) { logger()->set_level(spdlog::level::from_str(level)); }

bool enabled(Level level) { return logger()->should_log(to_spdlog(level)); }

void write(Level level, const std::string& message, const nlohmann::json& fields) {
    auto lg = logger();
    const auto spd_level = to_spdlog(level);
    if (!lg->should_log(spd_level)) return;
    nlohmann::json body = nlohmann::json::object();
    body["msg"] = message;
    if (fields.is_object()) body.update(fields);
    // The pattern supplies the braces; %v must be the inner members, JSON-escaped by dump().
    std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lg->log(spd_level, "{}", std::string_view(text).substr(1, text.size() - 2));
}

}  // namespace janua::log
