#pragma once
// System settings changeable at run time, without a restart. A typed allow-list: each setting has
// a type, a range and the configuration key whose value it overrides. Values set in the database
// (table system_settings) win over YAML/environment; every daemon keeps a snapshot and refreshes
// it on NOTIFY janua_settings (a trigger sends it on every change) and every 60 s.

#include "core/common/result.hpp"
#include "core/config/config.hpp"
#include "core/db/pool.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace janua::admin {

inline constexpr const char* k_settings_channel = "janua_settings";

struct SettingSpec {
    const char* key;
    enum class Type { boolean, integer, text } type;
    long long min;  // integer: the range; text: the length
    long long max;
    const char* overrides;  // the configuration key it overrides ("" when none)
    const char* description;
};

// Every runtime-changeable setting, in documentation order.
const std::vector<SettingSpec>& setting_specs();
const SettingSpec* find_spec(const std::string& key);

// Check a value against its spec; a VALIDATION_ERROR naming the field otherwise.
Status validate_setting(const std::string& key, const nlohmann::json& value);

struct Snapshot {
    bool signup_enabled = true;
    bool magic_links_enabled = true;
    int password_min_length = 12;
    int rate_limit_per_minute = 0;
    int rate_limit_per_hour = 0;
    bool maintenance_mode = false;
    std::string maintenance_message;
    std::string maintenance_since;  // when it was last turned on
    nlohmann::json stored = nlohmann::json::object();   // key -> {value, updated_at, updated_by}
};

class RuntimeSettings {
public:
    explicit RuntimeSettings(const config::Config& base);

    std::shared_ptr<const Snapshot> snapshot() const;
    // Re-read system_settings; throws on database errors (callers log and keep the old snapshot).
    void reload(db::Pool& pool);
    // Build a snapshot from the base configuration plus stored values (used by reload and tests).
    Snapshot compose(const nlohmann::json& stored) const;
    // Every setting: {key, type, value, default (the configuration's), source: database|configuration, ...}.
    nlohmann::json describe(const Snapshot& snapshot) const;

private:
    nlohmann::json m_defaults;  // key -> the configuration's value
    mutable std::mutex m_mutex;
    std::shared_ptr<const Snapshot> m_snapshot;
};

// system_settings rows as {key: {value, updated_at, updated_by}}.
nlohmann::json read_stored(db::Transaction& tx);

// Store (or with a null value, remove) runtime settings in one transaction, each validated,
// with one audit event for the whole change (`audit_action`, details {changes: {key: {previous, value}}}).
struct ActorInfo {
    std::string type = "user";  // user | system
    std::optional<std::string> id;
    std::string ip;
    std::string request_id;
};
Status write_settings(db::Transaction& tx, const nlohmann::json& changes, const ActorInfo& actor,
                      const std::string& audit_action = "admin.setting_changed");

}  // namespace janua::admin
