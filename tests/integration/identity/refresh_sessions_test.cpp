// Refresh-token rotation and reuse detection, sign-out, and /api/v1/sessions over real HTTP.
#include "tests/integration/identity/identity_support.hpp"

#include <atomic>
#include <latch>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

std::string sid_of(const json& tokens) { return parse_jwt(tokens["access_token"].get<std::string>()).payload["sid"]; }

json sessions_of(const std::string& base, const std::string& access_token) {
    auto r = get(base, "/api/v1/sessions", access_token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto body = body_of(r);
    REQUIRE(body["data"].is_array());
    return body["data"];
}

// The session still signs its owner in: the access token works and the refresh token rotates.
bool session_alive(const std::string& base, const json& tokens) {
    return me_status(base, tokens["access_token"]) == 200;
}

}  // namespace

TEST_CASE("refresh rotates the token pair and spends the old refresh token", "[identity]") {
    Server server;
    auto first = signup(server.base(), "rotate@example.com");

    auto r = refresh_response(server.base(), first["refresh_token"]);
    REQUIRE(r.status == 200);
    auto second = body_of(r);
    CHECK(second["token_type"] == "Bearer");
    CHECK(second["expires_in"] == 900);
    CHECK(second["refresh_token"] != first["refresh_token"]);
    CHECK(second["access_token"] != first["access_token"]);
    CHECK(me_status(server.base(), second["access_token"]) == 200);
    // The new access token belongs to the same session and user.
    CHECK(sid_of(second) == sid_of(first));
    CHECK(parse_jwt(second["access_token"]).payload["sub"] == first["user"]["id"]);

    // The alias path rotates too.
    auto via_alias = post(server.base(), "/api/v1/auth/token/refresh", {{"refresh_token", second["refresh_token"]}});
    REQUIRE(via_alias.status == 200);
    auto third = body_of(via_alias);
    CHECK(third["refresh_token"] != second["refresh_token"]);
    CHECK(me_status(server.base(), third["access_token"]) == 200);

    // Rotation stays within the one session.
    auto sessions = sessions_of(server.base(), third["access_token"]);
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0]["id"] == sid_of(first));
}

TEST_CASE("refresh token reuse revokes the whole session", "[identity]") {
    Server server;
    auto original = signup(server.base(), "reuse@example.com");
    auto other_session = signin(server.base(), "reuse@example.com");

    auto rotated_r = refresh_response(server.base(), original["refresh_token"]);
    REQUIRE(rotated_r.status == 200);
    auto rotated = body_of(rotated_r);
    REQUIRE(me_status(server.base(), rotated["access_token"]) == 200);

    // Someone presents the spent token again.
    auto replay = refresh_response(server.base(), original["refresh_token"]);
    CHECK(replay.status == 401);
    CHECK(error_code(replay) == "TOKEN_ERROR");

    // The family is gone: the newest refresh token and the session's access tokens all fail.
    auto newest = refresh_response(server.base(), rotated["refresh_token"]);
    CHECK(newest.status == 401);
    CHECK(error_code(newest) == "TOKEN_ERROR");
    CHECK(me_status(server.base(), rotated["access_token"]) == 401);
    CHECK(me_status(server.base(), original["access_token"]) == 401);

    // Other sessions of the same user are untouched.
    CHECK(session_alive(server.base(), other_session));
    CHECK(refresh_response(server.base(), other_session["refresh_token"]).status == 200);
}

TEST_CASE("an unknown or missing refresh token is refused", "[identity]") {
    Server server;
    auto unknown = refresh_response(server.base(), "bm90LWEtcmVhbC1yZWZyZXNoLXRva2VuLWF0LWFsbC14eHh4");
    CHECK(unknown.status == 401);
    CHECK(error_code(unknown) == "TOKEN_ERROR");

    auto missing = post(server.base(), "/api/v1/auth/refresh", json::object());
    CHECK(missing.status == 422);
    CHECK(error_code(missing) == "VALIDATION_ERROR");
}

TEST_CASE("concurrent refreshes of one token yield exactly one success", "[identity]") {
    Server server;
    auto tokens = signup(server.base(), "race@example.com");
    const std::string refresh_token = tokens["refresh_token"];

    constexpr int k_threads = 8;
    std::vector<int> statuses(k_threads, 0);
    std::latch start(k_threads);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            statuses[static_cast<std::size_t>(i)] = refresh_response(server.base(), refresh_token).status;
        });
    }
    for (auto& t : threads) t.join();

    int ok = 0, refused = 0;
    for (int s : statuses) {
        if (s == 200) ++ok;
        if (s == 401) ++refused;
    }
    INFO("statuses: " << json(statuses).dump());
    CHECK(ok == 1);
    CHECK(refused == k_threads - 1);
}

TEST_CASE("signout with a bearer token ends that session", "[identity]") {
    Server server;
    auto ended = signup(server.base(), "signout@example.com");
    auto kept = signin(server.base(), "signout@example.com");

    auto r = post(server.base(), "/api/v1/auth/signout", json::object(), ended["access_token"]);
    CHECK(r.status == 204);
    CHECK(r.body.empty());

    CHECK(me_status(server.base(), ended["access_token"]) == 401);
    auto refresh = refresh_response(server.base(), ended["refresh_token"]);
    CHECK(refresh.status == 401);
    CHECK(error_code(refresh) == "TOKEN_ERROR");

    CHECK(session_alive(server.base(), kept));
}

TEST_CASE("signout with only the refresh token ends its session", "[identity]") {
    Server server;
    auto session = signup(server.base(), "signout.refresh@example.com");

    auto r = http("POST", server.base(), "/api/v1/auth/signout", json{{"refresh_token", session["refresh_token"]}}.dump());
    CHECK(r.status == 204);

    CHECK(refresh_response(server.base(), session["refresh_token"]).status == 401);
    CHECK(me_status(server.base(), session["access_token"]) == 401);

    // Neither a bearer token nor a refresh token: nothing to sign out, and a client error says so.
    auto anonymous = http("POST", server.base(), "/api/v1/auth/signout", "");
    CHECK(anonymous.status >= 400);
    CHECK(anonymous.status < 500);
}

TEST_CASE("signout cannot end another user's session", "[identity]") {
    Server server;
    auto mallory = signup(server.base(), "mallory@example.com");
    auto victim = signup(server.base(), "victim.session@example.com");

    auto r = post(server.base(), "/api/v1/auth/signout", {{"refresh_token", victim["refresh_token"]}},
                  mallory["access_token"]);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK(session_alive(server.base(), victim));
    CHECK(refresh_response(server.base(), victim["refresh_token"]).status == 200);
}

TEST_CASE("deleting the current session by id signs the caller out", "[identity]") {
    Server server;
    auto session = signup(server.base(), "self.delete@example.com");
    auto r = http("DELETE", server.base(), "/api/v1/sessions/" + sid_of(session), "", bearer(session["access_token"]));
    CHECK(r.status == 204);
    CHECK(me_status(server.base(), session["access_token"]) == 401);
    CHECK(refresh_response(server.base(), session["refresh_token"]).status == 401);
}

TEST_CASE("the sessions list shows own sessions and flags the current one", "[identity]") {
    Server server;
    auto first = signup(server.base(), "lister@example.com");
    auto second = http("POST", server.base(), "/api/v1/auth/signin",
                       json{{"email", "lister@example.com"}, {"password", k_password}}.dump(), {{"User-Agent", "janua-test-agent/2"}});
    REQUIRE(second.status == 200);
    auto second_tokens = body_of(second);
    signup(server.base(), "stranger@example.com");

    auto data = sessions_of(server.base(), second_tokens["access_token"]);
    REQUIRE(data.size() == 2);
    int current = 0;
    std::set<std::string> ids;
    for (const auto& s : data) {
        ids.insert(s["id"].get<std::string>());
        CHECK(s.contains("created_at"));
        CHECK(s.contains("last_used_at"));
        CHECK(s.contains("ip_address"));
        CHECK(s.contains("user_agent"));
        if (s["current"] == true) {
            ++current;
            CHECK(s["id"] == sid_of(second_tokens));
            CHECK(s["user_agent"] == "janua-test-agent/2");
        }
    }
    CHECK(current == 1);
    CHECK(ids == std::set<std::string>{sid_of(first), sid_of(second_tokens)});

    CHECK(get(server.base(), "/api/v1/sessions").status == 401);
}

TEST_CASE("deleting a session by id revokes it and unknown or foreign ids are 404", "[identity]") {
    Server server;
    auto a = signup(server.base(), "owner@example.com");
    auto b = signin(server.base(), "owner@example.com");
    auto foreign = signup(server.base(), "foreigner@example.com");

    auto r = http("DELETE", server.base(), "/api/v1/sessions/" + sid_of(a), "", bearer(b["access_token"]));
    CHECK(r.status == 204);
    CHECK(me_status(server.base(), a["access_token"]) == 401);
    CHECK(refresh_response(server.base(), a["refresh_token"]).status == 401);
    CHECK(session_alive(server.base(), b));

    auto unknown = http("DELETE", server.base(), "/api/v1/sessions/00000000-0000-4000-8000-000000000000", "",
                        bearer(b["access_token"]));
    CHECK(unknown.status == 404);
    CHECK(error_code(unknown) == "NOT_FOUND_ERROR");

    auto garbage = http("DELETE", server.base(), "/api/v1/sessions/not-a-uuid", "", bearer(b["access_token"]));
    CHECK(garbage.status == 404);

    auto not_mine = http("DELETE", server.base(), "/api/v1/sessions/" + sid_of(foreign), "", bearer(b["access_token"]));
    CHECK(not_mine.status == 404);
    CHECK(error_code(not_mine) == "NOT_FOUND_ERROR");
    CHECK(session_alive(server.base(), foreign));

    // An already revoked session is gone too.
    auto twice = http("DELETE", server.base(), "/api/v1/sessions/" + sid_of(a), "", bearer(b["access_token"]));
    CHECK(twice.status == 404);
}

TEST_CASE("deleting all sessions keeps only the current one", "[identity]") {
    Server server;
    auto a = signup(server.base(), "many@example.com");
    auto b = signin(server.base(), "many@example.com");
    auto c = signin(server.base(), "many@example.com");

    auto r = http("DELETE", server.base(), "/api/v1/sessions", "", bearer(c["access_token"]));
    REQUIRE(r.status == 200);
    CHECK(body_of(r)["revoked"] == 2);

    CHECK(session_alive(server.base(), c));
    for (const auto* gone : {&a, &b}) {
        CHECK(me_status(server.base(), (*gone)["access_token"]) == 401);
        CHECK(refresh_response(server.base(), (*gone)["refresh_token"]).status == 401);
    }
    auto left = sessions_of(server.base(), c["access_token"]);
    REQUIRE(left.size() == 1);
    CHECK(left[0]["current"] == true);

    auto again = http("DELETE", server.base(), "/api/v1/sessions", "", bearer(c["access_token"]));
    REQUIRE(again.status == 200);
    CHECK(body_of(again)["revoked"] == 0);
}

TEST_CASE("a sign-in beyond MAX_SESSIONS_PER_IDENTITY evicts the oldest session", "[identity]") {
    Server server(Env{{"MAX_SESSIONS_PER_IDENTITY", "2"}});
    auto oldest = signup(server.base(), "evict@example.com");
    auto middle = signin(server.base(), "evict@example.com");
    REQUIRE(session_alive(server.base(), oldest));
    auto newest = signin(server.base(), "evict@example.com");

    CHECK(refresh_response(server.base(), oldest["refresh_token"]).status == 401);
    CHECK(me_status(server.base(), oldest["access_token"]) == 401);
    CHECK(session_alive(server.base(), middle));
    CHECK(session_alive(server.base(), newest));

    auto data = sessions_of(server.base(), newest["access_token"]);
    std::set<std::string> ids;
    for (const auto& s : data) ids.insert(s["id"].get<std::string>());
    CHECK(ids == std::set<std::string>{sid_of(middle), sid_of(newest)});
}
