// Alert rule bodies: what apply() takes and refuses, completeness, grouping, and that every
// built-in template is a rule apply() accepts.
#include "core/alerts/rule.hpp"

#include <catch2/catch.hpp>

using namespace janua::alerts;
using nlohmann::json;

namespace {

std::string refused_field(const json& body) {
    Rule r;
    auto done = apply(body, r);
    if (done) return "";
    return done.error().details[0]["field"].get<std::string>();
}

}  // namespace

TEST_CASE("a rule body is applied member by member", "[alerts]") {
    Rule r;
    REQUIRE(apply({{"name", "brute force"},
                   {"action", "user.*"},
                   {"outcome", "failure"},
                   {"threshold", 5},
                   {"window_seconds", 300},
                   {"group_by", "ip"},
                   {"cooldown_seconds", 60},
                   {"severity", "critical"},
                   {"details_match", {{"reason", "wrong_password"}}},
                   {"channels", {{{"type", "email"}, {"addresses", {"ops@example.com"}}},
                                 {{"type", "webhook"}, {"webhook_id", "00000000-0000-4000-8000-000000000001"}}}}},
                  r));
    CHECK(check_complete(r));
    CHECK(r.group_by == "ip");
    REQUIRE(r.channels.size() == 2);
    CHECK(r.channels[1].webhook_id == "00000000-0000-4000-8000-000000000001");
    const auto shown = to_json(r);
    CHECK(shown["channels"][0]["addresses"] == json::array({"ops@example.com"}));
    CHECK(shown["details_match"]["reason"] == "wrong_password");
    // null clears an optional member
    REQUIRE(apply({{"outcome", nullptr}, {"description", nullptr}}, r));
    CHECK_FALSE(r.outcome.has_value());
}

TEST_CASE("a rule body with a bad member is refused naming it", "[alerts]") {
    CHECK(refused_field({{"name", ""}}) == "name");
    CHECK(refused_field({{"action", "alert.fired"}}) == "action");
    CHECK(refused_field({{"action", ".*"}}) == "action");
    CHECK(refused_field({{"threshold", 0}}) == "threshold");
    CHECK(refused_field({{"threshold", 1.5}}) == "threshold");
    CHECK(refused_field({{"window_seconds", 2592001}}) == "window_seconds");
    CHECK(refused_field({{"cooldown_seconds", -1}}) == "cooldown_seconds");
    CHECK(refused_field({{"group_by", "country"}}) == "group_by");
    CHECK(refused_field({{"enabled", "yes"}}) == "enabled");
    CHECK(refused_field({{"details_match", json::object()}}) == "details_match");
    CHECK(refused_field({{"details_match", {{"nested", {{"a", 1}}}}}}) == "details_match");
    CHECK(refused_field({{"channels", {{{"type", "email"}, {"addresses", json::array()}}}}}) == "channels[0].addresses");
    CHECK(refused_field({{"channels", {{{"type", "webhook"}, {"webhook_id", "x"}}}}}) == "channels[0].webhook_id");
    CHECK(refused_field({{"channels", {{{"type", "email"}, {"addresses", {"a@example.com"}}, {"url", "x"}}}}}) ==
          "channels[0].url");
    CHECK(refused_field({{"unknown", 1}}) == "unknown");
    Rule empty;
    CHECK_FALSE(check_complete(empty));
}

TEST_CASE("entries fall into the group their rule counts by", "[alerts]") {
    CHECK(group_key("actor", std::string("u1"), std::string("1.2.3.4"), std::string("t1")) == "u1");
    CHECK(group_key("ip", std::string("u1"), std::string("1.2.3.4"), std::string("t1")) == "1.2.3.4");
    CHECK(group_key("target", std::nullopt, std::nullopt, std::string("t1")) == "t1");
    CHECK(group_key("target", std::nullopt, std::nullopt, std::nullopt).empty());
    CHECK(group_key("none", std::string("u1"), std::string("1.2.3.4"), std::string("t1")).empty());
}

TEST_CASE("every built-in template is a complete rule", "[alerts]") {
    for (const auto& t : templates()) {
        INFO(t.dump());
        Rule r;
        REQUIRE(apply(t["rule"], r));
        CHECK(check_complete(r));
        CHECK((t["scope"] == "platform" || t["scope"] == "organization"));
    }
}
