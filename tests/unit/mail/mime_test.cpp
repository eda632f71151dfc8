#include "core/mail/mime.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

using namespace janua;

namespace {

mail::RenderOptions fixed_options() {
    mail::RenderOptions options;
    options.from = {"Janua", "no-reply@janua.example"};
    options.date = std::chrono::system_clock::from_time_t(1795511103);  // 2026-11-24 09:05:03 UTC
    options.message_id = "42@janua.example";
    options.boundary = "=_b0undary";
    return options;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string base64_decode(const std::string& text) {
    std::string out(text.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    const auto padding = text.size() - text.find_last_not_of('=') - 1;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

}  // namespace

TEST_CASE("a rendered message has the RFC 5322 headers and a multipart/alternative body",
          "[mail]") {
    const mail::EmailMessage message{"alice@example.com", "Verify your email",
                                     "Open https://x.test/v?t=1\n", "<p>Open</p>\n", ""};
    auto rendered = mail::render_message(message, fixed_options());
    REQUIRE(rendered.ok());
    const std::string& text = rendered.value();
    const std::string expected_head =
        "Date: Tue, 24 Nov 2026 09:05:03 +0000\r\n"
        "From: Janua <no-reply@janua.example>\r\n"
        "To: alice@example.com\r\n"
        "Subject: Verify your email\r\n"
        "Message-ID: <42@janua.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=\"=_b0undary\"\r\n\r\n";
    CHECK(text.substr(0, expected_head.size()) == expected_head);
    CHECK(contains(
        text,
        "--=_b0undary\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\nOpen https://x.test/v?t=1\r\n--=_b0undary\r\n"));
    CHECK(
        contains(text,
                 "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                 "<p>Open</p>\r\n--=_b0undary--\r\n"));
    // Every line ends in CRLF: no bare LF.
    for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
        CHECK(text[i - 1] == '\r');
}

TEST_CASE("a text-only message is a single part", "[mail]") {
    auto rendered =
        mail::render_message({"a@example.com", "s", "just text", "", ""}, fixed_options());
    REQUIRE(rendered.ok());
    CHECK(contains(rendered.value(),
                   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    CHECK_FALSE(contains(rendered.value(), "multipart"));
}

TEST_CASE("a non-ASCII subject is RFC 2047 encoded in short words", "[mail]") {
    const std::string subject =
        "V\xc3\xa9rifiez votre adresse \xe2\x80\x94 " + std::string(40, 'x') + " \xf0\x9f\x94\x91";
    const std::string encoded = mail::encode_header_text(subject);
    CHECK(encoded.rfind("=?UTF-8?B?", 0) == 0);
    std::string decoded;
    std::size_t start = 0;
    while (start < encoded.size()) {
        auto end = encoded.find("\r\n ", start);
        const std::string word =
            encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        CHECK(word.size() <= 75);
        REQUIRE(word.substr(0, 10) == "=?UTF-8?B?");
        REQUIRE(word.substr(word.size() - 2) == "?=");
        decoded += base64_decode(word.substr(10, word.size() - 12));
        start = end == std::string::npos ? encoded.size() : end + 3;
    }
    CHECK(decoded == subject);
    CHECK(mail::encode_header_text("Plain ASCII") == "Plain ASCII");
}

TEST_CASE("non-ASCII bodies are quoted-printable with short lines", "[mail]") {
    const std::string body = "Caf\xc3\xa9 = ok\n" + std::string(200, 'a') + "\ntrailing space \n";
    auto rendered = mail::render_message({"a@example.com", "s", body, "", ""}, fixed_options());
    REQUIRE(rendered.ok());
    const std::string& text = rendered.value();
    CHECK(
        contains(text, "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 =3D ok\r\n"));
    CHECK(contains(text, "trailing space=20\r\n"));
    std::size_t line_start = text.find("\r\n\r\n") + 4;
    while (line_start < text.size()) {
        const auto end = text.find("\r\n", line_start);
        CHECK(end - line_start <= 76);
        line_start = end + 2;
    }
}

TEST_CASE("a sender name with specials is quoted, a non-ASCII one encoded", "[mail]") {
    CHECK(mail::format_mailbox({"Acme, Inc.", "a@example.com"}) ==
          "\"Acme, Inc.\" <a@example.com>");
    CHECK(mail::format_mailbox({"Say \"hi\"", "a@example.com"}) ==
          "\"Say \\\"hi\\\"\" <a@example.com>");
    CHECK(mail::format_mailbox({"", "a@example.com"}) == "a@example.com");
    CHECK(mail::format_mailbox({"J\xc3\xa1nua", "a@example.com"}) ==
          "=?UTF-8?B?SsOhbnVh?= <a@example.com>");
}

TEST_CASE("EMAIL_FROM forms parse into name and address", "[mail]") {
    auto named = mail::parse_mailbox("Janua <no-reply@localhost>");
    REQUIRE(named.ok());
    CHECK(named->display_name == "Janua");
    CHECK(named->address == "no-reply@localhost");
    auto quoted = mail::parse_mailbox("\"Acme, Inc.\" <a@example.com>");
    REQUIRE(quoted.ok());
    CHECK(quoted->display_name == "Acme, Inc.");
    auto bare = mail::parse_mailbox("  a@example.com ");
    REQUIRE(bare.ok());
    CHECK(bare->display_name.empty());
    CHECK(bare->address == "a@example.com");
    CHECK_FALSE(mail::parse_mailbox("Janua <no-reply@localhost").ok());
    CHECK_FALSE(mail::parse_mailbox("Janua\r\nBcc: x@y.z <a@example.com>").ok());
    CHECK_FALSE(mail::parse_mailbox("not an address").ok());
}

TEST_CASE("rendering refuses header injection", "[mail]") {
    auto rendered = mail::render_message(
        {"a@example.com\r\nBcc: eve@example.com", "s", "t", "", ""}, fixed_options());
    REQUIRE_FALSE(rendered.ok());
    CHECK(rendered.error().code == ErrorCode::validation);
}

TEST_CASE("a message id without a domain gets the sender's", "[mail]") {
    const auto options = mail::render_options_now({"", "no-reply@janua.example"},
                                                  {"a@example.com", "s", "t", "", "job-7"});
    CHECK(options.message_id == "job-7@janua.example");
    CHECK(options.boundary.size() > 20);
    const auto random = mail::render_options_now({"", "no-reply@janua.example"},
                                                 {"a@example.com", "s", "t", "", ""});
    CHECK(random.message_id.size() > 32);
    CHECK(random.message_id.substr(32) == "@janua.example");
}
