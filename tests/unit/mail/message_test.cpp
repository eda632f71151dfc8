#include "core/mail/message.hpp"

#include <catch2/catch.hpp>

using namespace janua;

namespace {

mail::EmailMessage message_to(const std::string& to, const std::string& subject = "Hello") {
    return mail::EmailMessage{to, subject, "text", "<p>html</p>", ""};
}

}  // namespace

TEST_CASE("header injection through the recipient or subject is refused", "[mail]") {
    for (const std::string to : {"alice@example.com\r\nBcc: eve@example.com",
                                 "alice@example.com\nBcc: x@y.z", "alice@example.com\r"}) {
        const auto status = mail::validate(message_to(to));
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::validation);
    }
    for (const std::string subject : {"Hi\r\nBcc: eve@example.com", "Hi\nX-Evil: 1", "Hi\r"}) {
        const auto status = mail::validate(message_to("alice@example.com", subject));
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().message == "email subject must not contain line breaks");
    }
}

TEST_CASE("a recipient must be exactly one plain address", "[mail]") {
    CHECK(mail::validate(message_to("alice@example.com")).ok());
    CHECK(mail::validate(message_to("alice+tag@sub.example.co")).ok());
    for (const std::string to :
         {"", "alice", "@example.com", "alice@", "a@b@c", "alice@example.com, eve@example.com",
          "Alice <alice@example.com>", "alice @example.com",
          "al\xc3\xaf"
          "ce@example.com"}) {
        INFO(to);
        CHECK_FALSE(mail::validate(message_to(to)).ok());
    }
}

TEST_CASE("a message needs a body", "[mail]") {
    CHECK_FALSE(mail::validate(mail::EmailMessage{"a@example.com", "s", "", "", ""}).ok());
    CHECK(mail::validate(mail::EmailMessage{"a@example.com", "s", "only text", "", ""}).ok());
}

TEST_CASE("a message survives the job payload round trip", "[mail]") {
    const mail::EmailMessage original{"a@example.com", "Caf\xc3\xa9", "text", "<b>html</b>",
                                      "id-1"};
    auto parsed = mail::message_from_json(mail::message_to_json(original));
    REQUIRE(parsed.ok());
    CHECK(parsed->to == original.to);
    CHECK(parsed->subject == original.subject);
    CHECK(parsed->text_body == original.text_body);
    CHECK(parsed->html_body == original.html_body);
    CHECK(parsed->message_id == original.message_id);
}

TEST_CASE("a malformed job payload is a validation error", "[mail]") {
    CHECK(mail::message_from_json(nlohmann::json::array()).error().code == ErrorCode::validation);
    CHECK_FALSE(mail::message_from_json({{"to", 5}}).ok());
}
