#pragma once
// Structured JSON log lines on stderr: {"ts":..., "level":..., "msg":..., ...fields}.
// Never pass secrets (passwords, tokens, keys) as fields.

#include <nlohmann/json.hpp>

#include <string>

namespace janua::log {

enum class Level { trace, debug, info, warn, error, critical, off };

// Set up the process-wide logger; `level` is a LOG_LEVEL value. Safe to call again.
void init(const std::string& level, const std::string& logger_name);
void set_level(const std::string& level);

// Whether a line at `level` would be written: lets hot paths skip assembling its fields.
bool enabled(Level level);

void write(Level level, const std::string& message, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(const std::string& m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::debug, m, f); }
inline void info(const std::string& m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::info, m, f); }
inline void warn(const std::string& m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::warn, m, f); }
inline void error(const std::string& m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::error, m, f); }

}  // namespace janua::log
