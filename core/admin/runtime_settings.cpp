#include "core/admin/runtime_settings.hpp"

#include "core/audit/audit.hpp"

namespace janua::admin {
namespace {

using json = nlohmann::json;
using Type = SettingSpec::Type;

const db::Statement k_read{"admin_settings_read",
                           "SELECT key, value::text, updated_at, updated_by FROM system_settings ORDER BY key"};
const db::Statement k_upsert{
    "admin_settings_upsert",
    "INSERT INTO system_settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3) "
    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by "
    "RETURNING (SELECT value::text FROM system_settings WHERE key = $1)"};
const db::Statement k_delete{"admin_settings_delete",
                             "DELETE FROM system_settings WHERE key = $1 RETURNING value::text"};

const char* type_name(Type type) {
    switch (type) {
        case Type::boolean: return "boolean";
        case Type::integer: return "integer";
        case Type::text: return "string";
    }
    return "string";
}

Error invalid(const std::string& field, const std::string& rule, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = json::array({{{"field", field}, {"rule", rule}, {"message", field + " " + message}}});
    return e;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
    static const std::vector<SettingSpec> specs = {
        {"signup_enabled", Type::boolean, 0, 0, "ENABLE_SIGNUPS", "allow self-service sign-up"},
        {"magic_links_enabled", Type::boolean, 0, 0, "ENABLE_MAGIC_LINKS", "allow passwordless magic links"},
        {"password_min_length", Type::integer, 8, 72, "PASSWORD_MIN_LENGTH",
         "minimum password length for new passwords (8-72)"},
        {"rate_limit_per_minute", Type::integer, 0, 1000000, "RATE_LIMIT_PER_MINUTE",
         "credential attempts per IP per minute (0: off)"},
        {"rate_limit_per_hour", Type::integer, 0, 100000000, "RATE_LIMIT_PER_HOUR",
         "credential attempts per IP per hour (0: off)"},
        {"maintenance_mode", Type::boolean, 0, 0, "",
         "refuse writes by anyone but platform admins with 503 (see janua admin maintenance)"},
        {"maintenance_message", Type::text, 0, 500, "", "the message sent with 503 during maintenance"},
    };
    return specs;
}

const SettingSpec* find_spec(const std::string& key) {
    for (const auto& spec : setting_specs())
        if (key == spec.key) return &spec;
    return nullptr;
}

Status validate_setting(const std::string& key, const json& value) {
    const auto* spec = find_spec(key);
    if (!spec) {
        std::string known;
        for (const auto& s : setting_specs()) known += (known.empty() ? "" : ", ") + std::string(s.key);
        return invalid(key, "unknown", "is not a runtime setting (one of: " + known + ")");
    }
    switch (spec->type) {
        case Type::boolean:
            if (!value.is_boolean()) return invalid(key, "type", "must be true or false");
            break;
        case Type::integer:
            if (!value.is_number_integer() || value.get<long long>() < spec->min || value.get<long long>() > spec->max)
                return invalid(key, "range",
                               "must be a whole number from " + std::to_string(spec->min) + " to " + std::to_string(spec->max));
            break;
        case Type::text:
            if (!value.is_string() || static_cast<long long>(value.get<std::string>().size()) > spec->max)
                return invalid(key, "type", "must be a string of at most " + std::to_string(spec->max) + " characters");
            break;
    }
    return Ok{};
}

RuntimeSettings::RuntimeSettings(const config::Config& base) {
    m_defaults = {{"signup_enabled", base.enable_signups},
                  {"magic_links_enabled", base.enable_magic_links},
                  {"password_min_length", base.password_min_length},
                  {"rate_limit_per_minute", base.rate_limit_per_minute},
                  {"rate_limit_per_hour", base.rate_limit_per_hour},
                  {"maintenance_mode", false},
                  {"maintenance_message", "Janua is down for maintenance; please try again later."}};
    m_snapshot = std::make_shared<const Snapshot>(compose(json::object()));
}

std::shared_ptr<const Snapshot> RuntimeSettings::snapshot() const {
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

Snapshot RuntimeSettings::compose(const json& stored) const {
    // A stored value that no longer validates (edited by hand) is ignored, not trusted.
    auto value = [&](const char* key) -> json {
        if (stored.contains(key) && validate_setting(key, stored[key]["value"])) return stored[key]["value"];
        return m_defaults[key];
    };
    Snapshot s;
    s.signup_enabled = value("signup_enabled").get<bool>();
    s.magic_links_enabled = value("magic_links_enabled").get<bool>();
    s.password_min_length = value("password_min_length").get<int>();
    s.rate_limit_per_minute = value("rate_limit_per_minute").get<int>();
    s.rate_limit_per_hour = value("rate_limit_per_hour").get<int>();
    s.maintenance_mode = value("maintenance_mode").get<bool>();
    s.maintenance_message = value("maintenance_message").get<std::string>();
    if (s.maintenance_mode && stored.contains("maintenance_mode"))
        s.maintenance_since = stored["maintenance_mode"].value("updated_at", "");
    s.stored = stored;
    return s;
}

void RuntimeSettings::reload(db::Pool& pool) {
    const json stored = pool.transact([](db::Transaction& tx) { return read_stored(tx); });
    auto next = std::make_shared<const Snapshot>(compose(stored));
    std::lock_guard lock(m_mutex);
    m_snapshot = std::move(next);
}

json RuntimeSettings::describe(const Snapshot& snapshot) const {
    json out = json::array();
    for (const auto& spec : setting_specs()) {
        const bool from_db = snapshot.stored.contains(spec.key) && validate_setting(spec.key, snapshot.stored[spec.key]["value"]);
        json entry = {{"key", spec.key},
                      {"type", type_name(spec.type)},
                      {"value", from_db ? snapshot.stored[spec.key]["value"] : m_defaults[spec.key]},
                      {"default", m_defaults[spec.key]},
                      {"source", from_db ? "database" : "configuration"},
                      {"overrides", spec.overrides[0] ? json(spec.overrides) : json(nullptr)},
                      {"description", spec.description},
                      {"updated_at", from_db ? snapshot.stored[spec.key]["updated_at"] : json(nullptr)},
                      {"updated_by", from_db ? snapshot.stored[spec.key]["updated_by"] : json(nullptr)}};
        if (spec.type == Type::integer) {
            entry["min"] = spec.min;
            entry["max"] = spec.max;
        }
        out.push_back(entry);
    }
    return out;
}

json read_stored(db::Transaction& tx) {
    json stored = json::object();
    for (const auto& row : tx.exec(k_read)) {
        auto value = json::parse(row[1].as<std::string>(), nullptr, false);
        if (value.is_discarded()) continue;
        stored[row[0].as<std::string>()] = {{"value", value},
                                            {"updated_at", db::timestamp(row[2])},
                                            {"updated_by", row[3].is_null() ? json(nullptr) : json(row[3].as<std::string>())}};
    }
    return stored;
}

Status write_settings(db::Transaction& tx, const json& changes, const ActorInfo& actor, const std::string& audit_action) {
    if (!changes.is_object() || changes.empty())
        return make_error(ErrorCode::validation, "give at least one setting to change, e.g. {\"signup_enabled\": false}");
    for (const auto& [key, value] : changes.items()) {
        if (value.is_null()) {
            if (!find_spec(key)) return validate_setting(key, value);
            continue;
        }
        if (auto ok = validate_setting(key, value); !ok) return ok;
    }
    const std::string by = actor.id ? actor.type + ":" + *actor.id : actor.type;
    json recorded = json::object();
    std::string keys;
    for (const auto& [key, value] : changes.items()) {
        json previous = nullptr;
        if (value.is_null()) {
            auto removed = tx.exec(k_delete, key);
            if (!removed.empty()) previous = json::parse(removed[0][0].as<std::string>(), nullptr, false);
        } else {
            auto row = tx.exec(k_upsert, key, value.dump(), by);
            // RETURNING's subquery sees the row as it was before this statement.
            if (!row.empty() && !row[0][0].is_null()) previous = json::parse(row[0][0].as<std::string>(), nullptr, false);
        }
        recorded[key] = {{"previous", previous}, {"value", value}};
        keys += (keys.empty() ? "" : ",") + key;
    }
    audit::Event e;
    e.action = audit_action;
    e.actor_type = actor.type;
    e.actor_id = actor.id;
    e.target_type = "system_setting";
    e.target_id = keys;
    e.ip_address = actor.ip;
    e.request_id = actor.request_id;
    e.details = {{"changes", recorded}};
    audit::record(tx, e);
    return Ok{};
}

}  // namespace janua::admin
