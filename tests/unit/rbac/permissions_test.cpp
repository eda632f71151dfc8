// Permission names and wildcard matching.
#include "core/rbac/access.hpp"
#include "core/rbac/permissions.hpp"

#include <catch2/catch.hpp>

using namespace janua::rbac;

TEST_CASE("permission names are resource:action, resource:* or *", "[rbac]") {
    for (const char* ok : {"*", "members:read", "members:*", "api_keys:create", "sso:*", "a1:b2"}) {
        INFO(ok);
        CHECK(is_valid_permission(ok));
    }
    for (const char* bad : {"", "members", "members:", ":read", "Members:read", "members:read:x", "*:read", "members :read",
                            "members:re ad", "**"}) {
        INFO(bad);
        CHECK_FALSE(is_valid_permission(bad));
    }
}

TEST_CASE("wildcards grant what they cover and nothing more", "[rbac]") {
    CHECK(grants("*", "members:read"));
    CHECK(grants("*", "*"));
    CHECK(grants("members:*", "members:read"));
    CHECK(grants("members:*", "members:*"));
    CHECK_FALSE(grants("members:*", "*"));
    CHECK_FALSE(grants("members:*", "membersx:read"));
    CHECK_FALSE(grants("members:*", "roles:read"));
    CHECK(grants("members:read", "members:read"));
    CHECK_FALSE(grants("members:read", "members:*"));
    CHECK_FALSE(grants("members:read", "members:delete"));
    CHECK(grants_any({"org:read", "invitations:*"}, "invitations:delete"));
    CHECK_FALSE(grants_any({}, "org:read"));
}

TEST_CASE("a grant is the role's permissions narrowed by an API key's", "[rbac]") {
    Grant grant;
    grant.role = "admin";
    grant.role_permissions = {"org:read", "members:*"};
    CHECK(grant.allows("members:delete"));
    CHECK_FALSE(grant.allows("org:delete"));
    CHECK_FALSE(grant.allows(""));  // a route without a permission is never allowed
    grant.key_permissions = std::vector<std::string>{"*"};
    CHECK(grant.allows("members:delete"));
    CHECK_FALSE(grant.allows("org:delete"));  // the key's * does not lift the role's limits
    grant.key_permissions = std::vector<std::string>{"members:read"};
    CHECK_FALSE(grant.allows("members:delete"));
    CHECK(grant.reason("members:delete").find("API key") != std::string::npos);
    Grant admin;
    admin.everything = true;
    CHECK(admin.allows("anything:at_all"));
}
