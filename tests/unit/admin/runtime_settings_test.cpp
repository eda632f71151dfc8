// Runtime settings: the typed allow-list, how stored values override the configuration, and the
// maintenance-mode rule the pipeline applies.
#include "core/admin/runtime_settings.hpp"
#include "daemon/maintenance.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using json = nlohmann::json;

namespace {

config::Config base_config() {
    config::Config c;
    c.enable_signups = true;
    c.enable_magic_links = true;
    c.password_min_length = 12;
    c.rate_limit_per_minute = 60;
    c.rate_limit_per_hour = 1000;
    return c;
}

json stored(const json& values) {
    json out = json::object();
    for (const auto& [key, value] : values.items())
        out[key] = {{"value", value}, {"updated_at", "2026-11-22T10:00:00.000000Z"}, {"updated_by", "user:x"}};
    return out;
}

}  // namespace

TEST_CASE("runtime settings are validated by type and range", "[admin]") {
    CHECK(admin::validate_setting("signup_enabled", false).ok());
    CHECK_FALSE(admin::validate_setting("signup_enabled", "false").ok());
    CHECK_FALSE(admin::validate_setting("signup_enabled", 0).ok());
    CHECK(admin::validate_setting("password_min_length", 8).ok());
    CHECK(admin::validate_setting("password_min_length", 72).ok());
    CHECK_FALSE(admin::validate_setting("password_min_length", 7).ok());
    CHECK_FALSE(admin::validate_setting("password_min_length", 73).ok());
    CHECK_FALSE(admin::validate_setting("password_min_length", 12.0).ok());
    CHECK(admin::validate_setting("rate_limit_per_minute", 0).ok());
    CHECK_FALSE(admin::validate_setting("rate_limit_per_minute", -1).ok());
    CHECK(admin::validate_setting("maintenance_message", std::string(500, 'x')).ok());
    CHECK_FALSE(admin::validate_setting("maintenance_message", std::string(501, 'x')).ok());
    auto unknown = admin::validate_setting("jwt_access_token_expire_minutes", 5);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().details[0]["field"] == "jwt_access_token_expire_minutes");
    CHECK(unknown.error().message.find("signup_enabled") != std::string::npos);  // lists the known keys
}

TEST_CASE("stored settings override the configuration, invalid stored values are ignored", "[admin]") {
    admin::RuntimeSettings runtime(base_config());
    auto defaults = runtime.snapshot();
    CHECK(defaults->signup_enabled);
    CHECK(defaults->password_min_length == 12);
    CHECK_FALSE(defaults->maintenance_mode);

    auto s = runtime.compose(stored({{"signup_enabled", false}, {"password_min_length", 20}, {"maintenance_mode", true}}));
    CHECK_FALSE(s.signup_enabled);
    CHECK(s.password_min_length == 20);
    CHECK(s.maintenance_mode);
    CHECK(s.maintenance_since == "2026-11-22T10:00:00.000000Z");
    CHECK(s.rate_limit_per_minute == 60);

    auto bad = runtime.compose(stored({{"password_min_length", "lots"}, {"signup_enabled", 1}}));
    CHECK(bad.password_min_length == 12);
    CHECK(bad.signup_enabled);

    const auto described = runtime.describe(s);
    REQUIRE(described.size() == admin::setting_specs().size());
    for (const auto& entry : described) {
        if (entry["key"] == "password_min_length") {
            CHECK(entry["value"] == 20);
            CHECK(entry["default"] == 12);
            CHECK(entry["source"] == "database");
            CHECK(entry["overrides"] == "PASSWORD_MIN_LENGTH");
            CHECK(entry["min"] == 8);
        }
        if (entry["key"] == "rate_limit_per_hour") {
            CHECK(entry["source"] == "configuration");
            CHECK(entry["value"] == 1000);
        }
    }
}

TEST_CASE("maintenance mode refuses writes by anyone but platform admins", "[admin]") {
    admin::Snapshot on;
    on.maintenance_mode = true;
    on.maintenance_message = "back soon";
    auto request = [](const std::string& method, const std::string& path, bool admin, bool signed_in = true) {
        daemon::Request r;
        r.method = method;
        r.path = path;
        if (signed_in) {
            identity::Principal p;
            p.user_id = "u";
            p.is_platform_admin = admin;
            r.principal = p;
        }
        return r;
    };
    auto refused = daemon::maintenance_refusal(request("PATCH", "/api/v1/auth/me", false), on);
    REQUIRE(refused.has_value());
    CHECK(refused->code == ErrorCode::unavailable);
    CHECK(refused->message == "back soon");
    CHECK(refused->retry_after_seconds == daemon::k_maintenance_retry_after_seconds);
    for (const char* method : {"POST", "PUT", "DELETE"})
        CHECK(daemon::maintenance_refusal(request(method, "/api/v1/users", false), on).has_value());
    CHECK(daemon::maintenance_refusal(request("POST", "/api/v1/auth/signup", false, false), on).has_value());
    CHECK(daemon::maintenance_refusal(request("POST", "/consent", false, false), on).has_value());

    CHECK_FALSE(daemon::maintenance_refusal(request("PATCH", "/api/v1/auth/me", true), on).has_value());
    CHECK_FALSE(daemon::maintenance_refusal(request("GET", "/api/v1/auth/me", false), on).has_value());
    CHECK_FALSE(daemon::maintenance_refusal(request("HEAD", "/api/v1/users", false), on).has_value());
    CHECK_FALSE(daemon::maintenance_refusal(request("OPTIONS", "/api/v1/users", false), on).has_value());
    for (const char* path : {"/api/v1/auth/signin", "/api/v1/auth/refresh", "/api/v1/auth/signout", "/oauth/token", "/login"})
        CHECK_FALSE(daemon::maintenance_refusal(request("POST", path, false, false), on).has_value());

    admin::Snapshot off;
    CHECK_FALSE(daemon::maintenance_refusal(request("DELETE", "/api/v1/users/x", false), off).has_value());
}
