#include "core/mail/templates.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace janua;

namespace {

mail::MailContext context_of(const std::string& app_name) {
    mail::MailContext c;
    c.app_name = app_name;
    return c;
}

const mail::MailContext k_context = context_of("Acme <Login>");
const std::string k_link = "https://id.example.com/verify?token=abc&next=%2F";

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("every template carries the link in both parts and validates", "[mail]") {
    const std::vector<mail::EmailMessage> messages = {
        mail::verification_email(k_context, "alice@example.com", k_link),
        mail::password_reset_email(k_context, "alice@example.com", k_link),
        mail::magic_link_email(k_context, "alice@example.com", k_link),
        mail::invitation_email(k_context, "alice@example.com", k_link, "Widgets Ltd", "Bob"),
        mail::new_signin_email(k_context, "alice@example.com", k_link, "Device: curl/8. Address: 192.0.2.1."),
        mail::device_confirmation_email(k_context, "alice@example.com", k_link, "Device: curl/8. Address: 192.0.2.1.")};
    for (const auto& message : messages) {
        INFO(message.subject);
        CHECK(message.to == "alice@example.com");
        CHECK(contains(message.text_body, k_link));
        CHECK(contains(message.html_body,
                       "href=\"https://id.example.com/verify?token=abc&amp;next=%2F\""));
        CHECK(
            contains(message.subject, "Acme <Login>"));  // plain text in the header, encoded later
        CHECK(mail::validate(message).ok());
    }
}

TEST_CASE("templates escape inserted values in the HTML part", "[mail]") {
    const auto message =
        mail::invitation_email(k_context, "alice@example.com", k_link, "<script>alert(1)</script>",
                               "Eve \"the admin\" & co");
    CHECK_FALSE(contains(message.html_body, "<script>"));
    CHECK(contains(message.html_body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(message.html_body, "Eve &quot;the admin&quot; &amp; co"));
    CHECK(contains(message.html_body, "Acme &lt;Login&gt;"));
    CHECK(
        contains(message.text_body, "<script>alert(1)</script>"));  // plain text needs no escaping
}

TEST_CASE("device mails escape the client's user agent in the HTML part", "[mail]") {
    const std::string detail = "Device: <img src=x onerror=alert(1)>. Address: 192.0.2.1.";
    for (const auto& message : {mail::new_signin_email(k_context, "a@example.com", k_link, detail),
                                mail::device_confirmation_email(k_context, "a@example.com", k_link, detail)}) {
        INFO(message.subject);
        CHECK_FALSE(contains(message.html_body, "<img"));
        CHECK(contains(message.html_body, "&lt;img src=x onerror=alert(1)&gt;"));
        CHECK(contains(message.text_body, detail));
    }
    CHECK(contains(mail::device_confirmation_email(k_context, "a@example.com", k_link, detail).text_body, "1 hour"));
}

TEST_CASE("a line break in an organization name cannot reach the subject header", "[mail]") {
    const auto message = mail::invitation_email(k_context, "alice@example.com", k_link,
                                                "Evil\r\nBcc: victim@example.com", "");
    CHECK(message.subject.find_first_of("\r\n") == std::string::npos);
    CHECK(mail::validate(message).ok());
}

TEST_CASE("templates state how long the link lasts", "[mail]") {
    CHECK(
        contains(mail::verification_email(k_context, "a@example.com", k_link).text_body, "1 hour"));
    CHECK(contains(mail::magic_link_email(k_context, "a@example.com", k_link).text_body,
                   "15 minutes"));
}

TEST_CASE("templates refuse links that are not http(s)", "[mail]") {
    CHECK_THROWS_AS(mail::verification_email(k_context, "a@example.com", "javascript:alert(1)"),
                    std::invalid_argument);
}

TEST_CASE("mail context comes from the configuration", "[mail]") {
    config::Config config;
    config.app_name = "Acme";
    config.email_token_expire_minutes = 30;
    config.magic_link_expire_minutes = 5;
    const auto context = mail::mail_context(config);
    CHECK(context.app_name == "Acme");
    CHECK(context.link_expire_minutes == 30);
    CHECK(context.magic_link_expire_minutes == 5);
}
