// TRUSTED_PROXIES: behind a reverse proxy the client address comes from X-Forwarded-For, but
// only when the peer is a trusted proxy; a client cannot choose its own address otherwise.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

// Sign up through the daemon with an X-Forwarded-For header; the IP its session records.
std::string recorded_ip(const Server& s, const std::string& email, const std::string& forwarded_for) {
    json body = {{"email", email}, {"password", k_password}};
    auto r = http("POST", s.base(), "/api/v1/auth/signup", body.dump(), {{"X-Forwarded-For", forwarded_for}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string user_id = body_of(r)["user"]["id"];
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    return w.exec_params1("SELECT ip_address FROM sessions WHERE user_id = $1", user_id)[0].as<std::string>();
}

}  // namespace

TEST_CASE("X-Forwarded-For is believed only from TRUSTED_PROXIES", "[daemon][proxies]") {
    SECTION("no trusted proxies: the peer address") {
        Server s;
        CHECK(recorded_ip(s, "a@example.com", "203.0.113.7") == "127.0.0.1");
    }
    SECTION("loopback trusted: the first untrusted hop from the right") {
        Server s(Env{{"TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"}});
        CHECK(recorded_ip(s, "b@example.com", "203.0.113.7") == "203.0.113.7");
        CHECK(recorded_ip(s, "c@example.com", "198.51.100.1, 203.0.113.8, 10.1.1.1") == "203.0.113.8");
        CHECK(recorded_ip(s, "d@example.com", "garbage") == "127.0.0.1");
    }
}

TEST_CASE("a malformed TRUSTED_PROXIES entry is refused with a clear message", "[daemon][proxies]") {
    auto r = run_janua({"config", "show", "--output", "json"},
                       {{"TRUSTED_PROXIES", "10.0.0.1/8"}, {"DATABASE_URL", "postgresql://127.0.0.1:1/none"}});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("TRUSTED_PROXIES") != std::string::npos);
}
