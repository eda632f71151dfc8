// Sign-up, sign-in, lockout, suspension, /me and request validation over real HTTP.
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

std::set<std::string> rules_of(const HttpResponse& r) {
    std::set<std::string> rules;
    auto error = error_of(r);
    REQUIRE(error["details"].is_array());
    for (const auto& d : error["details"])
        if (d.contains("rule")) rules.insert(d["rule"].get<std::string>());
    return rules;
}

HttpResponse try_signup(const std::string& base, const std::string& email, const std::string& password) {
    return post(base, "/api/v1/auth/signup", {{"email", email}, {"password", password}});
}

}  // namespace

TEST_CASE("signup creates the user and returns a bearer token pair", "[identity]") {
    Server server;
    auto body = signup(server.base(), "Ada.Lovelace@Example.com", k_password,
                       {{"first_name", "Ada"}, {"last_name", "Lovelace"}, {"username", "ada"}});

    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 900);
    REQUIRE(body["access_token"].is_string());
    REQUIRE(body["refresh_token"].is_string());
    CHECK(body["access_token"] != body["refresh_token"]);
    CHECK_FALSE(body.contains("verification_required"));

    const auto& user = body["user"];
    CHECK(user["email"] == "ada.lovelace@example.com");
    CHECK(user["first_name"] == "Ada");
    CHECK(user["last_name"] == "Lovelace");
    CHECK(user["username"] == "ada");
    CHECK(user["status"] == "ACTIVE");
    CHECK(user["email_verified"] == false);
    CHECK_FALSE(user.contains("password_hash"));
    CHECK_FALSE(user.contains("password"));

    auto me = get(server.base(), "/api/v1/auth/me", body["access_token"]);
    REQUIRE(me.status == 200);
    CHECK(body_of(me)["id"] == user["id"]);
    CHECK(body_of(me)["email"] == "ada.lovelace@example.com");
}

TEST_CASE("signup treats email addresses case-insensitively", "[identity]") {
    Server server;
    signup(server.base(), "grace@example.com");

    auto duplicate = try_signup(server.base(), "GRACE@Example.COM", k_password);
    CHECK(duplicate.status == 409);
    CHECK(error_code(duplicate) == "CONFLICT_ERROR");

    auto same_case = try_signup(server.base(), "grace@example.com", k_password);
    CHECK(same_case.status == 409);

    // Signing in with any capitalisation reaches the same account.
    auto signed_in = signin(server.base(), "Grace@EXAMPLE.com");
    CHECK(signed_in["user"]["email"] == "grace@example.com");
}

TEST_CASE("concurrent signups with one email address create one account", "[identity]") {
    Server server;
    constexpr int k_threads = 8;
    std::vector<int> statuses(k_threads, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i) {
        threads.emplace_back([&, i] {
            // The same address in different capitalisations.
            const std::string email = (i % 2 ? "Twin@Example.com" : "twin@example.com");
            statuses[static_cast<std::size_t>(i)] = try_signup(server.base(), email, k_password).status;
        });
    }
    for (auto& t : threads) t.join();
    INFO("statuses: " << json(statuses).dump());
    CHECK(std::count(statuses.begin(), statuses.end(), 201) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 409) == k_threads - 1);
}

TEST_CASE("signup refuses a username that is already taken", "[identity]") {
    Server server;
    signup(server.base(), "first@example.com", k_password, {{"username", "hopper"}});
    auto taken = post(server.base(), "/api/v1/auth/signup",
                      {{"email", "second@example.com"}, {"password", k_password}, {"username", "Hopper"}});
    CHECK(taken.status == 409);
    CHECK(error_code(taken) == "CONFLICT_ERROR");
    CHECK(signin_response(server.base(), "second@example.com", k_password).status == 401);

    auto invalid = post(server.base(), "/api/v1/auth/signup",
                        {{"email", "third@example.com"}, {"password", k_password}, {"username", "no spaces allowed"}});
    CHECK(invalid.status == 422);
    CHECK(error_code(invalid) == "VALIDATION_ERROR");
}

TEST_CASE("signup rejects a weak password naming each unmet rule", "[identity]") {
    Server server;

    auto weak = try_signup(server.base(), "weak@example.com", "short");
    CHECK(weak.status == 422);
    CHECK(error_code(weak) == "VALIDATION_ERROR");
    CHECK(rules_of(weak) == std::set<std::string>{"min_length", "uppercase", "digit"});

    auto no_lower = try_signup(server.base(), "weak@example.com", "ALLUPPERCASE1234");
    CHECK(no_lower.status == 422);
    CHECK(rules_of(no_lower) == std::set<std::string>{"lowercase"});

    auto no_digit = try_signup(server.base(), "weak@example.com", "NoDigitsAtAllHere");
    CHECK(no_digit.status == 422);
    CHECK(rules_of(no_digit) == std::set<std::string>{"digit"});

    // bcrypt ignores bytes after 72: longer passwords are refused, not truncated.
    auto too_long = try_signup(server.base(), "weak@example.com", "Aa1" + std::string(80, 'x'));
    CHECK(too_long.status == 422);
    CHECK(rules_of(too_long) == std::set<std::string>{"max_length"});

    // None of the refused attempts created the account.
    signup(server.base(), "weak@example.com");
}

TEST_CASE("signup enforces the special-character rule when configured", "[identity]") {
    Server server(Env{{"PASSWORD_REQUIRE_SPECIAL", "true"}, {"PASSWORD_MIN_LENGTH", "8"}});
    auto plain = try_signup(server.base(), "special@example.com", "Abcdefg12");
    CHECK(plain.status == 422);
    CHECK(rules_of(plain) == std::set<std::string>{"special"});

    auto shorter = try_signup(server.base(), "special@example.com", "Ab1!");
    CHECK(shorter.status == 422);
    CHECK(rules_of(shorter) == std::set<std::string>{"min_length"});

    signup(server.base(), "special@example.com", "Abcdefg1!");
}

TEST_CASE("signup rejects invalid email addresses", "[identity]") {
    Server server;
    for (const std::string email : {"not-an-email", "@example.com", "a@b", "two@@example.com", "a b@example.com", ""}) {
        INFO("email '" << email << "'");
        auto r = try_signup(server.base(), email, k_password);
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
    }
}

TEST_CASE("signup is refused when sign-ups are disabled", "[identity]") {
    Server server(Env{{"ENABLE_SIGNUPS", "false"}});
    auto r = try_signup(server.base(), "nobody@example.com", k_password);
    CHECK(r.status == 403);
    CHECK(error_code(r) == "AUTHORIZATION_ERROR");
    CHECK(signin_response(server.base(), "nobody@example.com", k_password).status == 401);
}

TEST_CASE("with required email verification signup returns no tokens until the link is followed", "[identity]") {
    MailDir mail;
    auto env = mail.env();
    env["REQUIRE_EMAIL_VERIFICATION"] = "true";
    Server server(env);

    auto r = try_signup(server.base(), "verify.me@example.com", k_password);
    REQUIRE(r.status == 201);
    auto body = body_of(r);
    CHECK(body["verification_required"] == true);
    CHECK_FALSE(body.contains("access_token"));
    CHECK_FALSE(body.contains("refresh_token"));
    CHECK(body["user"]["email_verified"] == false);

    auto refused = signin_response(server.base(), "verify.me@example.com", k_password);
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "AUTHORIZATION_ERROR");

    const auto token = mail.wait_for_token("verify.me@example.com", k_verify_link);
    auto verified = post(server.base(), "/api/v1/auth/email/verify", {{"token", token}});
    CHECK(verified.status == 200);

    auto signed_in = signin(server.base(), "verify.me@example.com");
    CHECK(signed_in["user"]["email_verified"] == true);
    CHECK(me_status(server.base(), signed_in["access_token"]) == 200);

    auto again = post(server.base(), "/api/v1/auth/email/verify", {{"token", token}});
    CHECK(again.status == 401);
    CHECK(error_code(again) == "TOKEN_ERROR");
}

TEST_CASE("signin accepts the email address or the username", "[identity]") {
    Server server;
    auto created = signup(server.base(), "linus@example.com", k_password, {{"username", "linus"}});

    auto by_email = signin(server.base(), "linus@example.com");
    CHECK(by_email["user"]["id"] == created["user"]["id"]);
    CHECK(by_email["token_type"] == "Bearer");
    CHECK(by_email["expires_in"] == 900);
    CHECK(me_status(server.base(), by_email["access_token"]) == 200);

    auto by_username = post(server.base(), "/api/v1/auth/signin", {{"username", "linus"}, {"password", k_password}});
    REQUIRE(by_username.status == 200);
    CHECK(body_of(by_username)["user"]["id"] == created["user"]["id"]);

    // Each sign-in is a session of its own with its own tokens.
    CHECK(by_email["refresh_token"] != body_of(by_username)["refresh_token"]);
}

TEST_CASE("signin failures do not reveal whether the account exists", "[identity]") {
    Server server;
    signup(server.base(), "known@example.com");

    auto wrong_password = signin_response(server.base(), "known@example.com", "Wrong-Password-1");
    auto unknown_email = signin_response(server.base(), "unknown@example.com", "Wrong-Password-1");
    auto unknown_username = post(server.base(), "/api/v1/auth/signin", {{"username", "ghost"}, {"password", k_password}});

    for (const auto* r : {&wrong_password, &unknown_email, &unknown_username}) {
        CHECK(r->status == 401);
        CHECK(error_code(*r) == "AUTHENTICATION_ERROR");
    }
    auto a = error_of(wrong_password), b = error_of(unknown_email), c = error_of(unknown_username);
    CHECK(a["message"] == b["message"]);
    CHECK(a["message"] == c["message"]);
    CHECK(a.value("details", json()) == b.value("details", json()));
    a.erase("request_id");
    b.erase("request_id");
    CHECK(a == b);
}

TEST_CASE("repeated wrong passwords lock the account with Retry-After", "[identity]") {
    Server server(Env{{"ACCOUNT_LOCKOUT_THRESHOLD", "3"}});
    signup(server.base(), "locked@example.com");
    signup(server.base(), "bystander@example.com");

    for (int attempt = 1; attempt <= 2; ++attempt) {
        INFO("attempt " << attempt);
        auto r = signin_response(server.base(), "locked@example.com", "Wrong-Password-1");
        CHECK(r.status == 401);
        CHECK(error_code(r) == "AUTHENTICATION_ERROR");
    }
    auto third = signin_response(server.base(), "locked@example.com", "Wrong-Password-1");
    CHECK((third.status == 401 || third.status == 423));

    auto right = signin_response(server.base(), "locked@example.com", k_password);
    CHECK(right.status == 423);
    CHECK(error_code(right) == "ACCOUNT_LOCKED");
    const std::string retry_after = right.header("Retry-After");
    REQUIRE_FALSE(retry_after.empty());
    CHECK(std::stoi(retry_after) > 0);
    CHECK(std::stoi(retry_after) <= 15 * 60);

    auto wrong_again = signin_response(server.base(), "locked@example.com", "Wrong-Password-1");
    CHECK(wrong_again.status == 423);

    // Only that account is locked.
    signin(server.base(), "bystander@example.com");
}

TEST_CASE("once a lockout has expired the full threshold of attempts applies again", "[identity]") {
    Server server(Env{{"ACCOUNT_LOCKOUT_THRESHOLD", "3"}, {"ACCOUNT_LOCKOUT_DURATION_MINUTES", "1"}});
    signup(server.base(), "patient@example.com");
    for (int attempt = 0; attempt < 3; ++attempt)
        signin_response(server.base(), "patient@example.com", "Wrong-Password-1");
    REQUIRE(signin_response(server.base(), "patient@example.com", k_password).status == 423);

    // Let the lockout run out without waiting a minute: move its end into the past.
    {
        pqxx::connection connection(server.db.url());
        pqxx::work tx(connection);
        tx.exec("UPDATE users SET locked_until = now() - interval '1 second' WHERE email = 'patient@example.com'");
        tx.commit();
    }

    // One more typo is one failure of three again, not a new lockout.
    auto typo = signin_response(server.base(), "patient@example.com", "Wrong-Password-1");
    CHECK(typo.status == 401);
    CHECK(signin_response(server.base(), "patient@example.com", k_password).status == 200);
}

TEST_CASE("a successful sign-in resets the count of failed ones", "[identity]") {
    Server server(Env{{"ACCOUNT_LOCKOUT_THRESHOLD", "3"}});
    signup(server.base(), "sometimes.wrong@example.com");
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        CHECK(signin_response(server.base(), "sometimes.wrong@example.com", "Wrong-Password-1").status == 401);
        CHECK(signin_response(server.base(), "sometimes.wrong@example.com", "Wrong-Password-1").status == 401);
        CHECK(signin_response(server.base(), "sometimes.wrong@example.com", k_password).status == 200);
    }
}

TEST_CASE("a flood of sign-ins gets 503 with Retry-After rather than hanging", "[identity]") {
    // One hashing thread and a real bcrypt cost: most of a burst cannot get a slot.
    Server server(Env{{"BCRYPT_ROUNDS", "12"}, {"PASSWORD_HASH_WORKERS", "1"}});
    signup(server.base(), "popular@example.com");

    constexpr int k_threads = 16;
    std::vector<HttpResponse> responses(k_threads);
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < k_threads; ++i)
        threads.emplace_back([&, i] {
            responses[static_cast<std::size_t>(i)] = signin_response(server.base(), "popular@example.com", k_password);
        });
    for (auto& t : threads) t.join();
    const auto took = std::chrono::steady_clock::now() - start;

    int ok = 0, busy = 0;
    for (const auto& r : responses) {
        INFO(r.status << " " << r.body);
        CHECK((r.status == 200 || r.status == 503));
        if (r.status == 200) ++ok;
        if (r.status == 503) {
            ++busy;
            CHECK(error_code(r) == "SERVICE_UNAVAILABLE");
            CHECK_FALSE(r.header("Retry-After").empty());
        }
    }
    CHECK(ok >= 1);
    CHECK(busy >= 1);
    CHECK(took < std::chrono::seconds(15));
    // The burst leaves no damage: the next sign-in works and the account is not locked.
    signin(server.base(), "popular@example.com");
}

TEST_CASE("a suspended user cannot sign in and their tokens stop working", "[identity]") {
    Server server;
    auto session = signup(server.base(), "suspect@example.com");
    REQUIRE(me_status(server.base(), session["access_token"]) == 200);

    auto suspended = run_janua({"user", "suspend", "suspect@example.com", "--database-url", server.db.url()});
    INFO(suspended.err);
    REQUIRE(suspended.exit_code == 0);

    auto refused = signin_response(server.base(), "suspect@example.com", k_password);
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "AUTHORIZATION_ERROR");

    auto me = get(server.base(), "/api/v1/auth/me", session["access_token"]);
    CHECK(me.status == 401);
    CHECK(refresh_response(server.base(), session["refresh_token"]).status == 401);

    // A wrong password still says only "invalid credentials".
    auto wrong = signin_response(server.base(), "suspect@example.com", "Wrong-Password-1");
    CHECK(wrong.status == 401);
}

TEST_CASE("me returns the profile and PATCH me changes only profile fields", "[identity]") {
    Server server;
    auto session = signup(server.base(), "profile@example.com");
    const std::string token = session["access_token"];

    CHECK(get(server.base(), "/api/v1/auth/me").status == 401);

    auto patched = http("PATCH", server.base(), "/api/v1/auth/me",
                        json{{"first_name", "Marie"}, {"last_name", "Curie"}, {"locale", "fr-FR"}}.dump(), bearer(token));
    REQUIRE(patched.status == 200);
    CHECK(body_of(patched)["first_name"] == "Marie");
    CHECK(body_of(patched)["last_name"] == "Curie");
    CHECK(body_of(patched)["locale"] == "fr-FR");

    auto me = body_of(get(server.base(), "/api/v1/auth/me", token));
    CHECK(me["first_name"] == "Marie");
    CHECK(me["last_name"] == "Curie");

    for (const json& forbidden : {json{{"email", "other@example.com"}}, json{{"status", "SUSPENDED"}},
                                  json{{"is_platform_admin", true}}, json{{"email_verified", true}},
                                  json{{"no_such_field", "x"}}, json{{"first_name", 42}}}) {
        INFO(forbidden.dump());
        auto r = http("PATCH", server.base(), "/api/v1/auth/me", forbidden.dump(), bearer(token));
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
    }
    signup(server.base(), "namesake@example.com", k_password, {{"username", "taken.name"}});
    auto conflict = http("PATCH", server.base(), "/api/v1/auth/me", json{{"username", "taken.name"}}.dump(), bearer(token));
    CHECK(conflict.status == 409);
    CHECK(error_code(conflict) == "CONFLICT_ERROR");

    auto after = body_of(get(server.base(), "/api/v1/auth/me", token));
    CHECK(after["email"] == "profile@example.com");
    CHECK(after["status"] == "ACTIVE");
    CHECK(after["is_platform_admin"] == false);
    CHECK(after["email_verified"] == false);
    CHECK(after["first_name"] == "Marie");
}

TEST_CASE("malformed JSON is a 400 and an oversized body a 413", "[identity]") {
    Server server(Env{{"MAX_REQUEST_BODY_BYTES", "4096"}});

    for (const std::string path : {"/api/v1/auth/signup", "/api/v1/auth/signin", "/api/v1/auth/refresh"}) {
        INFO(path);
        auto r = http("POST", server.base(), path, "{\"email\": \"x@example.com\",");
        CHECK(r.status == 400);
        CHECK(error_code(r) == "BAD_REQUEST");
    }

    const std::string big = json{{"email", "big@example.com"}, {"password", k_password}, {"first_name", std::string(8192, 'a')}}.dump();
    auto too_big = http("POST", server.base(), "/api/v1/auth/signup", big);
    CHECK(too_big.status == 413);
    CHECK(error_code(too_big) == "PAYLOAD_TOO_LARGE");
    CHECK(signin_response(server.base(), "big@example.com", k_password).status == 401);
}

TEST_CASE("authentication errors carry the request id in the envelope", "[identity]") {
    Server server;
    auto r = http("POST", server.base(), "/api/v1/auth/signin",
                  json{{"email", "who@example.com"}, {"password", k_password}}.dump(), {{"X-Request-Id", "trace-identity-1"}});
    CHECK(r.status == 401);
    auto error = error_of(r);
    CHECK(error["request_id"] == "trace-identity-1");
    CHECK(r.header("X-Request-Id") == "trace-identity-1");
    CHECK(error["message"].is_string());
}

TEST_CASE("a long or non-ASCII User-Agent is stored as printable ASCII and never fails a sign-in", "[identity]") {
    Server server;
    signup(server.base(), "agent@example.com");
    // 600 bytes of two-byte UTF-8 characters: a cut at 512 bytes would split one.
    std::string agent = "Navigateur ";
    while (agent.size() < 600) agent += "\xc3\xa9";
    agent += "\xff";  // and one byte that is no UTF-8 at all
    auto r = http("POST", server.base(), "/api/v1/auth/signin",
                  json{{"email", "agent@example.com"}, {"password", k_password}}.dump(), {{"User-Agent", agent}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    pqxx::connection c(server.db.url());
    pqxx::nontransaction tx(c);
    const auto stored = tx.exec1("SELECT user_agent FROM sessions ORDER BY created_at DESC LIMIT 1")[0].as<std::string>();
    CHECK(stored.size() == 512);
    CHECK(stored.rfind("Navigateur ??", 0) == 0);
    CHECK(tx.exec1("SELECT count(*) FROM audit_events WHERE user_agent LIKE 'Navigateur ??%'")[0].as<int>() >= 1);
}
