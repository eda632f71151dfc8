// The registration body of an IoT device (core/iot): what is accepted, and which member each
// refusal names.
#include "core/iot/device_service.hpp"

#include <catch2/catch.hpp>

using janua::iot::spec_from_json;
using nlohmann::json;

namespace {
std::string refused_field(const json& body) {
    auto spec = spec_from_json(body);
    REQUIRE_FALSE(spec);
    CHECK(spec.error().code == janua::ErrorCode::validation);
    return spec.error().details[0]["field"].get<std::string>();
}
}  // namespace

TEST_CASE("an IoT device registration body", "[iot]") {
    auto plain = spec_from_json(json{{"name", "Thermostat"}});
    REQUIRE(plain);
    CHECK(plain->name == "Thermostat");
    CHECK(plain->scopes.empty());
    CHECK(plain->access_token_ttl_seconds == janua::iot::k_default_token_ttl_seconds);
    auto full = spec_from_json(json{{"name", "Gateway"}, {"scopes", json::array({"iot:telemetry:write", "iot:config:read"})},
                                    {"access_token_ttl_seconds", 60}});
    REQUIRE(full);
    CHECK(full->scopes == std::vector<std::string>{"iot:telemetry:write", "iot:config:read"});
    CHECK(full->access_token_ttl_seconds == 60);
    CHECK(spec_from_json(json{{"name", std::string(200, 'x')}, {"access_token_ttl_seconds", 86400}}));

    CHECK(refused_field(json::object()) == "name");
    CHECK(refused_field(json{{"name", 7}}) == "name");
    CHECK(refused_field(json{{"name", ""}}) == "name");
    CHECK(refused_field(json{{"name", std::string(201, 'x')}}) == "name");
    CHECK(refused_field(json{{"name", "tab\there"}}) == "name");
    CHECK(refused_field(json{{"name", "ok"}, {"secret", "mine"}}) == "secret");
    CHECK(refused_field(json{{"name", "ok"}, {"scopes", "a b"}}) == "scopes");
    CHECK(refused_field(json{{"name", "ok"}, {"scopes", json::array({true})}}) == "scopes");
    CHECK(refused_field(json{{"name", "ok"}, {"scopes", json::array({"payments:admin"})}}) == "scopes[0]");
    CHECK(refused_field(json{{"name", "ok"}, {"scopes", json::array({"iot:ok", "iot:"})}}) == "scopes[1]");
    CHECK(refused_field(json{{"name", "ok"}, {"scopes", json::array({"iotx:write"})}}) == "scopes[0]");
    CHECK(refused_field(json{{"name", "ok"}, {"access_token_ttl_seconds", 59}}) == "access_token_ttl_seconds");
    CHECK(refused_field(json{{"name", "ok"}, {"access_token_ttl_seconds", 86401}}) == "access_token_ttl_seconds");
    CHECK(refused_field(json{{"name", "ok"}, {"access_token_ttl_seconds", 1.5}}) == "access_token_ttl_seconds");
}
