// janua admin ...: platform statistics, maintenance mode and runtime system settings. Direct mode
// works on the database (the daemons pick changes up through NOTIFY janua_settings), remote mode
// calls /api/v1/admin; both print the same JSON.
#include "cli/command_table.hpp"
#include "cli/direct.hpp"
#include "cli/runner.hpp"
#include "core/admin/runtime_settings.hpp"
#include "core/admin/stats.hpp"

#include <memory>

namespace janua::cli {
namespace {

using json = nlohmann::json;

admin::ActorInfo cli_actor() {
    admin::ActorInfo a;
    a.type = "system";
    a.id = "janua-cli";
    return a;
}

// Run `direct` against the database or `remote` against the daemon; print what comes back.
// The runner, with the loaded configuration for the settings commands.
template <class Direct, class Remote>
int run_admin(CliContext& ctx, Direct direct, Remote remote, const std::vector<Column>& columns = {}) {
    return run_either(
        ctx, [&](DirectServices& services) { return direct(services, *ctx.config()); }, std::move(remote), columns);
}

json maintenance_json(const admin::Snapshot& s) {
    return {{"enabled", s.maintenance_mode},
            {"message", s.maintenance_message},
            {"since", s.maintenance_mode && !s.maintenance_since.empty() ? json(s.maintenance_since) : json(nullptr)}};
}

// The text of `janua admin settings set KEY VALUE` as the setting's JSON type.
Result<json> typed_value(const std::string& key, const std::string& text) {
    const auto* spec = admin::find_spec(key);
    if (!spec) return admin::validate_setting(key, json(text)).error();
    switch (spec->type) {
        case admin::SettingSpec::Type::boolean:
            if (text == "true" || text == "on" || text == "yes") return json(true);
            if (text == "false" || text == "off" || text == "no") return json(false);
            return make_error(ErrorCode::validation, key + " must be true or false (got '" + text + "')");
        case admin::SettingSpec::Type::integer: {
            std::size_t used = 0;
            long long number = 0;
            try {
                number = std::stoll(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size())
                return make_error(ErrorCode::validation, key + " must be a whole number (got '" + text + "')");
            return json(number);
        }
        case admin::SettingSpec::Type::text: return json(text);
    }
    return json(text);
}

struct AdminArgs {
    std::string action, key, value, message;
    int days = 30;
};

const std::vector<Column> k_setting_columns = {
    {"key", "KEY"}, {"value", "VALUE"}, {"source", "SOURCE"}, {"default", "CONFIGURED"}, {"description", "DESCRIPTION"}};

}  // namespace

void add_admin_commands(CommandTable& table) {
    table.noun("admin", "Platform administration: stats, maintenance mode, runtime settings");
    auto a = std::make_shared<AdminArgs>();

    auto& stats = table.add("admin", "stats", "Users, organizations, active sessions and sign-ins per day");
    stats.option("--days", &a->days, "days of sign-in history, today last (1-366, default 30)");
    stats.example = "janua admin stats --days 7 --output json | jq '.signins.per_day'";
    stats.run = [a](CliContext& ctx) {
        if (a->days < 1 || a->days > admin::k_max_stats_days)
            return ctx.fail("--days must be from 1 to " + std::to_string(admin::k_max_stats_days), exit_usage);
        return run_admin(
            ctx,
            [&](DirectServices& services, const config::Config& cfg) -> Result<json> {
                json out = services.pool().transact([&](db::Transaction& tx) { return admin::platform_stats(tx, a->days); });
                admin::RuntimeSettings runtime(cfg);
                runtime.reload(services.pool());
                out["maintenance"] = maintenance_json(*runtime.snapshot());
                return out;
            },
            [&] { return ctx.call("GET", "/api/v1/admin/stats?days=" + std::to_string(a->days)); });
    };

    auto& maintenance = table.add("admin", "maintenance",
                                  "Turn maintenance mode on or off, or show it: while on, writes by anyone but "
                                  "platform admins get 503 with the message");
    maintenance.choice("action", &a->action, {"on", "off", "status"}, "on, off or status")
        .option("--message", &a->message, "what clients are told while it is on (on only)");
    maintenance.options.front().required = true;
    maintenance.example = "janua admin maintenance on --message 'Upgrading; back at 14:00 UTC'";
    maintenance.run = [a](CliContext& ctx) {
        if (!a->message.empty() && a->action != "on") return ctx.fail("--message goes with 'on'", exit_usage);
        json changes = json::object();
        if (a->action != "status") {
            changes["maintenance_mode"] = a->action == "on";
            if (!a->message.empty()) changes["maintenance_message"] = a->message;
        }
        const std::string audit_action = a->action == "on" ? "admin.maintenance_enabled" : "admin.maintenance_disabled";
        return run_admin(
            ctx,
            [&](DirectServices& services, const config::Config& cfg) -> Result<json> {
                if (!changes.empty()) {
                    auto done = services.pool().transact(
                        [&](db::Transaction& tx) { return admin::write_settings(tx, changes, cli_actor(), audit_action); });
                    if (!done) return done.error();
                }
                admin::RuntimeSettings runtime(cfg);
                runtime.reload(services.pool());
                return maintenance_json(*runtime.snapshot());
            },
            [&]() -> Result<json> {
                if (changes.empty()) return ctx.call("GET", "/api/v1/admin/maintenance");
                json body = {{"enabled", changes["maintenance_mode"]}};
                if (changes.contains("maintenance_message")) body["message"] = changes["maintenance_message"];
                return ctx.call("PUT", "/api/v1/admin/maintenance", body);
            });
    };

    auto& settings = table.add("admin", "settings",
                               "Show or change runtime system settings (they override the configuration at once, "
                               "without a restart)");
    settings.choice("action", &a->action, {"get", "set", "reset"}, "get [KEY], set KEY VALUE, reset KEY")
        .option("key", &a->key, "setting name, e.g. signup_enabled (see janua admin settings get)")
        .option("value", &a->value, "new value (set only): true/false, a number or text");
    settings.options.front().required = true;
    settings.example = "janua admin settings set password_min_length 14";
    settings.run = [a](CliContext& ctx) {
        if (a->action != "get" && a->key.empty()) return ctx.fail("give the setting's name: janua admin settings " + a->action + " KEY", exit_usage);
        if (a->action == "set" && a->value.empty()) return ctx.fail("give the new value: janua admin settings set KEY VALUE", exit_usage);
        if (a->action != "set" && !a->value.empty()) return ctx.fail("a VALUE goes with 'set' only", exit_usage);
        json value = nullptr;
        if (a->action == "set") {
            auto typed = typed_value(a->key, a->value);
            if (!typed) return ctx.fail(typed.error());
            value = *typed;
        }
        if (a->action != "get" && !admin::find_spec(a->key)) return ctx.fail(admin::validate_setting(a->key, value).error());
        auto pick = [&](const json& all) -> Result<json> {
            if (a->key.empty()) return json{{"data", all}};
            for (const auto& entry : all)
                if (entry["key"] == a->key) return entry;
            return make_error(ErrorCode::not_found,
                              "no runtime setting '" + a->key + "'; 'janua admin settings get' lists them");
        };
        return run_admin(
            ctx,
            [&](DirectServices& services, const config::Config& cfg) -> Result<json> {
                if (a->action != "get") {
                    auto done = services.pool().transact([&](db::Transaction& tx) {
                        return admin::write_settings(tx, {{a->key, value}}, cli_actor(), "admin.settings_changed");
                    });
                    if (!done) return done.error();
                }
                admin::RuntimeSettings runtime(cfg);
                runtime.reload(services.pool());
                return pick(runtime.describe(*runtime.snapshot()));
            },
            [&]() -> Result<json> {
                if (a->action == "set") return ctx.call("PUT", "/api/v1/admin/settings/" + url_encode(a->key), {{"value", value}});
                if (a->action == "reset") return ctx.call("DELETE", "/api/v1/admin/settings/" + url_encode(a->key));
                if (!a->key.empty()) return ctx.call("GET", "/api/v1/admin/settings/" + url_encode(a->key));
                return ctx.call("GET", "/api/v1/admin/settings");
            },
            k_setting_columns);
    };
}

}  // namespace janua::cli
