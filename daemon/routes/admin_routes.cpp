// /api/v1/admin (platform admins): platform statistics, maintenance mode and the runtime system
// settings. Changes are audited in the transaction that stores them, then this daemon refreshes
// its snapshot at once (the others on NOTIFY janua_settings).
#include "core/admin/runtime_settings.hpp"
#include "core/admin/stats.hpp"
#include "daemon/routes/routes.hpp"
#include "daemon/services.hpp"

namespace janua::daemon {
namespace {

using json = nlohmann::json;

admin::ActorInfo actor_of(const Request& r) {
    admin::ActorInfo a;
    if (r.principal && !r.principal->user_id.empty()) a.id = r.principal->user_id;
    a.ip = r.remote_addr;
    a.request_id = r.request_id;
    return a;
}

Error invalid(const std::string& field, const std::string& message) {
    Error e = make_error(ErrorCode::validation, field + " " + message);
    e.details = json::array({{{"field", field}, {"rule", "invalid"}, {"message", field + " " + message}}});
    return e;
}

json maintenance_json(const admin::Snapshot& s) {
    return {{"enabled", s.maintenance_mode},
            {"message", s.maintenance_message},
            {"since", s.maintenance_mode && !s.maintenance_since.empty() ? json(s.maintenance_since) : json(nullptr)}};
}

// Store `changes`, then refresh this daemon's snapshot so the answer reflects them.
Status store(DaemonContext& context, const Request& r, const json& changes, const std::string& action) {
    auto done = context.pool->transact(
        [&](db::Transaction& tx) { return admin::write_settings(tx, changes, actor_of(r), action); });
    if (done) refresh_runtime_settings(context);
    return done;
}

json setting_entry(DaemonContext& context, const std::string& key) {
    for (const auto& entry : context.runtime_settings->describe(*context.runtime_settings->snapshot()))
        if (entry["key"] == key) return entry;
    return nullptr;
}

}  // namespace

void register_admin_routes(Router& router, DaemonContext& context) {
    auto* ctx = &context;
    const std::string base = "/api/v1/admin";
    router.add("GET", base + "/stats", Access::platform_admin, [ctx](Request& r) {
        int days = 30;
        if (auto text = r.query_param("days")) {
            try {
                std::size_t used = 0;
                days = std::stoi(*text, &used);
                if (used != text->size()) days = 0;
            } catch (const std::exception&) {
                days = 0;
            }
            if (days < 1 || days > admin::k_max_stats_days)
                return error_response(invalid("days", "must be a whole number from 1 to " +
                                                          std::to_string(admin::k_max_stats_days)),
                                      r.request_id);
        }
        auto stats = ctx->pool->transact([&](db::Transaction& tx) { return admin::platform_stats(tx, days); });
        stats["maintenance"] = maintenance_json(*ctx->runtime_settings->snapshot());
        return Response::json(200, stats);
    });

    router.add("GET", base + "/maintenance", Access::platform_admin, [ctx](Request& r) {
        refresh_runtime_settings(*ctx);  // the database's state, not a snapshot that may lag
        (void)r;
        return Response::json(200, maintenance_json(*ctx->runtime_settings->snapshot()));
    });
    router.add("PUT", base + "/maintenance", Access::platform_admin, [ctx](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        json changes = json::object();
        for (const auto& [key, value] : body->items()) {
            if (key == "enabled") {
                if (!value.is_boolean()) return error_response(invalid("enabled", "must be true or false"), r.request_id);
                changes["maintenance_mode"] = value;
            } else if (key == "message") {
                if (!value.is_null() && !value.is_string())
                    return error_response(invalid("message", "must be a string"), r.request_id);
                changes["maintenance_message"] = value;  // null: back to the default message
            } else {
                return error_response(invalid(key, "is not allowed (enabled, message)"), r.request_id);
            }
        }
        if (!changes.contains("maintenance_mode"))
            return error_response(invalid("enabled", "is required (true or false)"), r.request_id);
        const bool on = changes["maintenance_mode"].get<bool>();
        auto done = store(*ctx, r, changes, on ? "admin.maintenance_enabled" : "admin.maintenance_disabled");
        if (!done) {
            Error e = done.error();
            // Name the API member, not the setting behind it.
            if (e.details.is_array() && !e.details.empty() && e.details[0]["field"] == "maintenance_message") {
                e = invalid("message", "must be a string of at most 500 characters");
            }
            return error_response(e, r.request_id);
        }
        return Response::json(200, maintenance_json(*ctx->runtime_settings->snapshot()));
    });

    router.add("GET", base + "/settings", Access::platform_admin, [ctx](Request& r) {
        refresh_runtime_settings(*ctx);
        (void)r;
        return Response::json(200, {{"data", ctx->runtime_settings->describe(*ctx->runtime_settings->snapshot())}});
    });
    router.add("PATCH", base + "/settings", Access::platform_admin, [ctx](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (auto done = store(*ctx, r, *body, "admin.settings_changed"); !done)
            return error_response(done.error(), r.request_id);
        return Response::json(200, {{"data", ctx->runtime_settings->describe(*ctx->runtime_settings->snapshot())}});
    });
    router.add("GET", base + "/settings/{key}", Access::platform_admin, [ctx](Request& r) {
        refresh_runtime_settings(*ctx);
        auto entry = setting_entry(*ctx, r.param("key"));
        if (entry.is_null())
            return error_response(make_error(ErrorCode::not_found, "no runtime setting '" + r.param("key") +
                                                                       "'; GET /api/v1/admin/settings lists them"),
                                  r.request_id);
        return Response::json(200, entry);
    });
    router.add("PUT", base + "/settings/{key}", Access::platform_admin, [ctx](Request& r) {
        auto body = parse_json_object(r);
        if (!body) return error_response(body.error(), r.request_id);
        if (body->size() != 1 || !body->contains("value"))
            return error_response(invalid("value", "is required: {\"value\": ...} (null resets to the configuration)"),
                                  r.request_id);
        if (!admin::find_spec(r.param("key")))
            return error_response(make_error(ErrorCode::not_found, "no runtime setting '" + r.param("key") +
                                                                       "'; GET /api/v1/admin/settings lists them"),
                                  r.request_id);
        if (auto done = store(*ctx, r, {{r.param("key"), (*body)["value"]}}, "admin.settings_changed"); !done)
            return error_response(done.error(), r.request_id);
        return Response::json(200, setting_entry(*ctx, r.param("key")));
    });
    router.add("DELETE", base + "/settings/{key}", Access::platform_admin, [ctx](Request& r) {
        if (!admin::find_spec(r.param("key")))
            return error_response(make_error(ErrorCode::not_found, "no runtime setting '" + r.param("key") +
                                                                       "'; GET /api/v1/admin/settings lists them"),
                                  r.request_id);
        if (auto done = store(*ctx, r, {{r.param("key"), nullptr}}, "admin.settings_changed"); !done)
            return error_response(done.error(), r.request_id);
        return Response::json(200, setting_entry(*ctx, r.param("key")));
    });
}

}  // namespace janua::daemon
