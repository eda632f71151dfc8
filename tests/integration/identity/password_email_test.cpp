// Password change and reset, email verification and magic links, reading the links from the
// mails januad writes with EMAIL_PROVIDER=file.
#include "tests/integration/identity/identity_support.hpp"

using namespace janua::test;
using namespace janua::test::identity;

namespace {

HttpResponse change_password(const std::string& base, const std::string& access_token, const std::string& current,
                             const std::string& next) {
    return post(base, "/api/v1/auth/change-password", {{"current_password", current}, {"new_password", next}},
                access_token);
}

HttpResponse reset_password(const std::string& base, const std::string& token, const std::string& next) {
    return post(base, "/api/v1/auth/password/reset", {{"token", token}, {"new_password", next}});
}

HttpResponse verify_magic_link(const std::string& base, const std::string& token) {
    return get(base, "/api/v1/auth/magic-link/verify?token=" + token);
}

// Give the mail worker time to deliver anything it was (wrongly) asked to send.
void settle_outbox() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }

}  // namespace

TEST_CASE("change-password keeps the current session and revokes the others", "[identity]") {
    Server server;
    auto other = signup(server.base(), "changer@example.com");
    auto current = signin(server.base(), "changer@example.com");

    auto r = change_password(server.base(), current["access_token"], k_password, k_other_password);
    REQUIRE(r.status == 200);

    CHECK(me_status(server.base(), current["access_token"]) == 200);
    CHECK(refresh_response(server.base(), current["refresh_token"]).status == 200);

    CHECK(me_status(server.base(), other["access_token"]) == 401);
    auto other_refresh = refresh_response(server.base(), other["refresh_token"]);
    CHECK(other_refresh.status == 401);
    CHECK(error_code(other_refresh) == "TOKEN_ERROR");

    CHECK(signin_response(server.base(), "changer@example.com", k_password).status == 401);
    signin(server.base(), "changer@example.com", k_other_password);
}

TEST_CASE("change-password refuses a wrong current password and a weak new one", "[identity]") {
    Server server;
    auto session = signup(server.base(), "careful@example.com");
    auto kept = signin(server.base(), "careful@example.com");

    auto wrong = change_password(server.base(), session["access_token"], "Not-The-Password-1", k_other_password);
    CHECK(wrong.status == 401);
    CHECK(error_code(wrong) == "AUTHENTICATION_ERROR");

    auto weak = change_password(server.base(), session["access_token"], k_password, "weak");
    CHECK(weak.status == 422);
    CHECK(error_code(weak) == "VALIDATION_ERROR");

    auto anonymous = post(server.base(), "/api/v1/auth/change-password",
                          {{"current_password", k_password}, {"new_password", k_other_password}});
    CHECK(anonymous.status == 401);

    // Nothing changed: the old password works and no session was revoked.
    signin(server.base(), "careful@example.com", k_password);
    CHECK(me_status(server.base(), kept["access_token"]) == 200);
    CHECK(me_status(server.base(), session["access_token"]) == 200);
}

TEST_CASE("password forgot answers the same for known and unknown addresses", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    signup(server.base(), "forgetful@example.com");

    auto known = post(server.base(), "/api/v1/auth/password/forgot", {{"email", "forgetful@example.com"}});
    auto unknown = post(server.base(), "/api/v1/auth/password/forgot", {{"email", "nobody@example.com"}});
    auto invalid = post(server.base(), "/api/v1/auth/password/forgot", {{"email", "not-an-email"}});
    CHECK(known.status == 202);
    CHECK(unknown.status == 202);
    CHECK(invalid.status == 202);
    CHECK(known.body == unknown.body);
    CHECK(known.body == invalid.body);

    mail.wait_for_token("forgetful@example.com", k_reset_link);
    settle_outbox();
    CHECK(mail.tokens("nobody@example.com", k_reset_link).empty());
    CHECK(mail.tokens("forgetful@example.com", k_reset_link).size() == 1);
}

TEST_CASE("a password reset link works once and signs out every session", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    auto first = signup(server.base(), "reset@example.com");
    auto second = signin(server.base(), "reset@example.com");

    REQUIRE(post(server.base(), "/api/v1/auth/password/forgot", {{"email", "RESET@example.com"}}).status == 202);
    const auto token = mail.wait_for_token("reset@example.com", k_reset_link);

    // A weak password is refused without spending the link.
    auto weak = reset_password(server.base(), token, "weak");
    CHECK(weak.status == 422);
    CHECK(error_code(weak) == "VALIDATION_ERROR");

    auto done = reset_password(server.base(), token, k_other_password);
    REQUIRE(done.status == 200);

    auto again = reset_password(server.base(), token, "Third-Password-99");
    CHECK(again.status == 401);
    CHECK(error_code(again) == "TOKEN_ERROR");

    CHECK(signin_response(server.base(), "reset@example.com", k_password).status == 401);
    CHECK(signin_response(server.base(), "reset@example.com", "Third-Password-99").status == 401);
    signin(server.base(), "reset@example.com", k_other_password);

    for (const auto* session : {&first, &second}) {
        CHECK(me_status(server.base(), (*session)["access_token"]) == 401);
        CHECK(refresh_response(server.base(), (*session)["refresh_token"]).status == 401);
    }
}

TEST_CASE("an unknown password reset token is refused", "[identity]") {
    Server server;
    signup(server.base(), "victim@example.com");
    auto r = reset_password(server.base(), "bm90LWEtcmVhbC1yZXNldC10b2tlbi1hdC1hbGwteHh4eHh4", k_other_password);
    CHECK(r.status == 401);
    CHECK(error_code(r) == "TOKEN_ERROR");
    signin(server.base(), "victim@example.com", k_password);
}

TEST_CASE("the email verification link marks the address verified once", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    auto session = signup(server.base(), "verify@example.com");
    CHECK(body_of(get(server.base(), "/api/v1/auth/me", session["access_token"]))["email_verified"] == false);

    const auto token = mail.wait_for_token("verify@example.com", k_verify_link);
    auto verified = post(server.base(), "/api/v1/auth/email/verify", {{"token", token}});
    CHECK(verified.status == 200);
    CHECK(body_of(get(server.base(), "/api/v1/auth/me", session["access_token"]))["email_verified"] == true);

    auto again = post(server.base(), "/api/v1/auth/email/verify", {{"token", token}});
    CHECK(again.status == 401);
    CHECK(error_code(again) == "TOKEN_ERROR");

    auto bogus = post(server.base(), "/api/v1/auth/email/verify", {{"token", "bm90LWEtcmVhbC12ZXJpZmljYXRpb24tdG9rZW4teHh4eA"}});
    CHECK(bogus.status == 401);
    CHECK(error_code(bogus) == "TOKEN_ERROR");
}

TEST_CASE("resend-verification answers 202 for any address and mails a working link", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    signup(server.base(), "resend@example.com");
    const auto first = mail.wait_for_tokens("resend@example.com", k_verify_link, 1);

    auto known = post(server.base(), "/api/v1/auth/email/resend-verification", {{"email", "resend@example.com"}});
    auto unknown = post(server.base(), "/api/v1/auth/email/resend-verification", {{"email", "ghost@example.com"}});
    CHECK(known.status == 202);
    CHECK(unknown.status == 202);
    CHECK(known.body == unknown.body);

    const auto both = mail.wait_for_tokens("resend@example.com", k_verify_link, 2);
    std::string fresh;
    for (const auto& t : both)
        if (!first.count(t)) fresh = t;
    REQUIRE_FALSE(fresh.empty());

    CHECK(post(server.base(), "/api/v1/auth/email/verify", {{"token", fresh}}).status == 200);
    CHECK(signin(server.base(), "resend@example.com")["user"]["email_verified"] == true);

    // Once verified there is nothing more to send, and the answer does not say so.
    auto after = post(server.base(), "/api/v1/auth/email/resend-verification", {{"email", "resend@example.com"}});
    CHECK(after.status == 202);
    CHECK(after.body == known.body);
    settle_outbox();
    CHECK(mail.tokens("resend@example.com", k_verify_link).size() == 2);
    CHECK(mail.tokens("ghost@example.com", k_verify_link).empty());
}

TEST_CASE("a magic link signs in once", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    auto created = signup(server.base(), "magic@example.com");

    auto known = post(server.base(), "/api/v1/auth/magic-link", {{"email", "magic@example.com"}});
    auto unknown = post(server.base(), "/api/v1/auth/magic-link", {{"email", "nobody@example.com"}});
    CHECK(known.status == 202);
    CHECK(unknown.status == 202);
    CHECK(known.body == unknown.body);

    const auto token = mail.wait_for_token("magic@example.com", k_magic_link);
    auto r = verify_magic_link(server.base(), token);
    REQUIRE(r.status == 200);
    auto body = body_of(r);
    CHECK(body["user"]["id"] == created["user"]["id"]);
    CHECK(body["token_type"] == "Bearer");
    REQUIRE(body["access_token"].is_string());
    CHECK(me_status(server.base(), body["access_token"]) == 200);
    CHECK(refresh_response(server.base(), body["refresh_token"]).status == 200);

    auto again = verify_magic_link(server.base(), token);
    CHECK(again.status == 401);
    CHECK(error_code(again) == "TOKEN_ERROR");

    settle_outbox();
    CHECK(mail.tokens("nobody@example.com", k_magic_link).empty());
}

TEST_CASE("concurrent uses of one magic link sign in exactly once", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    signup(server.base(), "magic.race@example.com");
    REQUIRE(post(server.base(), "/api/v1/auth/magic-link", {{"email", "magic.race@example.com"}}).status == 202);
    const auto token = mail.wait_for_token("magic.race@example.com", k_magic_link);

    constexpr int k_threads = 8;
    std::vector<int> statuses(k_threads, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i)
        threads.emplace_back([&, i] { statuses[static_cast<std::size_t>(i)] = verify_magic_link(server.base(), token).status; });
    for (auto& t : threads) t.join();
    INFO("statuses: " << json(statuses).dump());
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 401) == k_threads - 1);
}

TEST_CASE("link tokens only work for their own purpose", "[identity]") {
    MailDir mail;
    Server server(mail.env());
    signup(server.base(), "purpose@example.com");
    const auto verification = mail.wait_for_token("purpose@example.com", k_verify_link);
    REQUIRE(post(server.base(), "/api/v1/auth/password/forgot", {{"email", "purpose@example.com"}}).status == 202);
    const auto reset = mail.wait_for_token("purpose@example.com", k_reset_link);
    REQUIRE(post(server.base(), "/api/v1/auth/magic-link", {{"email", "purpose@example.com"}}).status == 202);
    const auto magic = mail.wait_for_token("purpose@example.com", k_magic_link);

    CHECK(verify_magic_link(server.base(), verification).status == 401);
    CHECK(verify_magic_link(server.base(), reset).status == 401);
    CHECK(reset_password(server.base(), verification, k_other_password).status == 401);
    CHECK(reset_password(server.base(), magic, k_other_password).status == 401);
    CHECK(post(server.base(), "/api/v1/auth/email/verify", {{"token", reset}}).status == 401);
    CHECK(post(server.base(), "/api/v1/auth/email/verify", {{"token", magic}}).status == 401);

    // The misuses spent nothing: each link still does its own job.
    CHECK(post(server.base(), "/api/v1/auth/email/verify", {{"token", verification}}).status == 200);
    CHECK(reset_password(server.base(), reset, k_other_password).status == 200);
    CHECK(verify_magic_link(server.base(), magic).status == 200);
}

TEST_CASE("magic links are refused when disabled", "[identity]") {
    MailDir mail;
    auto env = mail.env();
    env["ENABLE_MAGIC_LINKS"] = "false";
    Server server(env);
    signup(server.base(), "nomagic@example.com");
    auto r = post(server.base(), "/api/v1/auth/magic-link", {{"email", "nomagic@example.com"}});
    CHECK(r.status == 403);
    CHECK(error_code(r) == "AUTHORIZATION_ERROR");
    settle_outbox();
    CHECK(mail.tokens("nomagic@example.com", k_magic_link).empty());
}

TEST_CASE("reset emails to one account stop at its per-account budget, and the answer does not change", "[identity][ratelimit]") {
    MailDir mail;
    Server server(mail.env());
    signup(server.base(), "flooded@example.com");
    signup(server.base(), "neighbour@example.com");
    // Sent from "many addresses" as far as the per-IP limit goes (it is off in tests): only the
    // per-account budget of 3 a minute applies.
    std::string first_body;
    for (int i = 0; i < 6; ++i) {
        auto r = post(server.base(), "/api/v1/auth/password/forgot", {{"email", "flooded@example.com"}});
        CHECK(r.status == 202);
        if (i == 0) first_body = r.body;
        CHECK(r.body == first_body);
    }
    REQUIRE(post(server.base(), "/api/v1/auth/password/forgot", {{"email", "neighbour@example.com"}}).status == 202);
    mail.wait_for_tokens("flooded@example.com", k_reset_link, 3);
    mail.wait_for_token("neighbour@example.com", k_reset_link);
    settle_outbox();
    CHECK(mail.tokens("flooded@example.com", k_reset_link).size() == 3);
    // Another purpose has its own budget.
    REQUIRE(post(server.base(), "/api/v1/auth/magic-link", {{"email", "flooded@example.com"}}).status == 202);
    mail.wait_for_token("flooded@example.com", k_magic_link);
}
