#include "core/identity/auth_service.hpp"
#include "core/identity/profile.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::identity;

TEST_CASE("emails are normalised and malformed ones refused", "[identity]") {
    CHECK(normalize_email("  Ada@Example.COM ") == std::optional<std::string>("ada@example.com"));
    CHECK_FALSE(normalize_email("no-at-sign").has_value());
    CHECK_FALSE(normalize_email("a@b").has_value());
    CHECK_FALSE(normalize_email("a@@b.com").has_value());
    CHECK_FALSE(normalize_email("a b@c.com").has_value());
    CHECK_FALSE(normalize_email("a@b.com\r\nBcc: x@y.z").has_value());
    CHECK_FALSE(normalize_email(std::string(400, 'a') + "@b.com").has_value());
}

TEST_CASE("users may change their profile but not their email or status", "[identity]") {
    auto ok = validate_profile_patch({{"first_name", "Ada"}, {"metadata", {{"k", 1}}}, {"locale", nullptr}}, PatchScope::self);
    REQUIRE(ok.ok());
    CHECK((*ok)["first_name"] == "Ada");

    auto refused = validate_profile_patch({{"email", "x@y.com"}, {"status", "ACTIVE"}, {"first_name", 3}}, PatchScope::self);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().details.size() == 3);

    CHECK_FALSE(validate_profile_patch({{"username", "has space"}}, PatchScope::self).ok());
    CHECK_FALSE(validate_profile_patch({{"metadata", "not an object"}}, PatchScope::self).ok());
    CHECK_FALSE(validate_profile_patch(nlohmann::json::array(), PatchScope::self).ok());
}

TEST_CASE("administrators may change email, status and flags", "[identity]") {
    auto ok = validate_profile_patch({{"email", "New@Example.com"}, {"status", "SUSPENDED"}, {"is_platform_admin", true}},
                                     PatchScope::admin);
    REQUIRE(ok.ok());
    CHECK((*ok)["email"] == "new@example.com");
    CHECK_FALSE(validate_profile_patch({{"status", "BANNED"}}, PatchScope::admin).ok());
    CHECK_FALSE(validate_profile_patch({{"email_verified", "yes"}}, PatchScope::admin).ok());
}
