// What januad reads from an upstream token response before keeping it (core/integrations): the
// access token, an optional refresh token, scopes (space- or GitHub's comma-separated), and a
// bounded lifetime; anything else means "nothing to keep".
#include "core/federation/upstream_token.hpp"

#include <catch2/catch.hpp>

using janua::federation::grant_of;
using nlohmann::json;

TEST_CASE("an upstream token response is read leniently but bounded", "[integrations]") {
    auto oidc = grant_of(json{{"access_token", "at"}, {"token_type", "Bearer"}, {"expires_in", 3600},
                              {"scope", "openid email  profile"}, {"id_token", "x.y.z"}});
    REQUIRE(oidc);
    CHECK(oidc->access_token == "at");
    CHECK_FALSE(oidc->refresh_token);
    CHECK(oidc->expires_in == 3600);
    CHECK(oidc->scopes == std::vector<std::string>{"openid", "email", "profile"});

    auto github = grant_of(json{{"access_token", "gh"}, {"token_type", "bearer"}, {"scope", "read:user,user:email"},
                                {"expires_in", "28800"}, {"refresh_token", "r1"}});
    REQUIRE(github);
    CHECK(github->token_type == "bearer");
    CHECK(github->refresh_token == std::optional<std::string>("r1"));
    CHECK(github->expires_in == 28800);
    CHECK(github->scopes == std::vector<std::string>{"read:user", "user:email"});

    // No usable access token: nothing to keep.
    CHECK_FALSE(grant_of(json{{"error", "bad_verification_code"}}));
    CHECK_FALSE(grant_of(json{{"access_token", ""}}));
    CHECK_FALSE(grant_of(json{{"access_token", 42}}));
    CHECK_FALSE(grant_of(json::array()));
    CHECK_FALSE(grant_of(json{{"access_token", std::string(16 * 1024 + 1, 'a')}}));
    // Nonsense lifetimes are "unknown", not errors; an empty refresh token is none.
    for (const json& bad : {json(-5), json(0), json("soon"), json(99999999999LL), json(nullptr)}) {
        auto g = grant_of(json{{"access_token", "at"}, {"expires_in", bad}, {"refresh_token", ""}});
        REQUIRE(g);
        CHECK_FALSE(g->expires_in);
        CHECK_FALSE(g->refresh_token);
    }
    // Control characters in upstream text never reach storage or logs as such.
    auto odd = grant_of(json{{"access_token", "at"}, {"token_type", "Bearer\n"}, {"scope", "a\tb"}});
    REQUIRE(odd);
    CHECK(odd->token_type == "Bearer?");
    CHECK(odd->scopes == std::vector<std::string>{"a?b"});
}
