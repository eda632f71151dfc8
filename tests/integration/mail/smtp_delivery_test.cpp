#include "core/jobs/queue.hpp"
#include "core/jobs/worker.hpp"
#include "core/mail/email_job.hpp"
#include "core/mail/smtp_sender.hpp"
#include "core/mail/templates.hpp"
#include "tests/integration/jobs/job_test_support.hpp"
#include "tests/integration/mail/smtp_sink.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::test;
using std::chrono::milliseconds;

namespace {

mail::MailContext acme_context() {
    mail::MailContext c;
    c.app_name = "Acme ID";
    return c;
}

const mail::MailContext k_context = acme_context();
const std::string k_link = "https://id.acme.test/verify-email?token=tok_4f9a2b7c&next=%2Fwelcome";

mail::SmtpSettings smtp_to(int port) {
    mail::SmtpSettings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.starttls = false;
    settings.from = {"Acme ID", "no-reply@acme.test"};
    settings.connect_timeout = std::chrono::seconds(5);
    settings.timeout = std::chrono::seconds(15);
    return settings;
}

jobs::WorkerSettings fast_worker() {
    jobs::WorkerSettings settings;
    settings.worker_id = "mail-test";
    settings.poll_interval = milliseconds(50);
    settings.database_retry_delay = milliseconds(100);
    return settings;
}

std::string enqueue_verification(db::Pool& pool, const std::string& to) {
    return pool.transact([&](db::Transaction& tx) {
        return mail::enqueue(tx, mail::verification_email(k_context, to, k_link)).value();
    });
}

// The link as a reader would find it in the plain-text part (sent as 7bit, so verbatim).
std::string first_link(const std::string& raw) {
    const auto start = raw.find("https://");
    if (start == std::string::npos) return {};
    return raw.substr(start, raw.find_first_of("\r\n \"<", start) - start);
}

}  // namespace

TEST_CASE("a verification email goes through the queue to a real SMTP server with its link",
          "[mail]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    SmtpSink sink({0, "", "", "relay-user", "relay-pass"});
    REQUIRE(sink.wait_listening());

    auto settings = smtp_to(sink.port());
    settings.username = "relay-user";
    settings.password = "relay-pass";
    mail::SmtpSender sender(settings);
    jobs::Worker worker(queue, fast_worker());
    mail::register_email_handler(worker, sender);

    const auto job_id = enqueue_verification(pool, "alice@example.com");
    worker.start(1);
    const auto received = sink.wait_message();
    INFO(sink.log());
    REQUIRE(received);
    REQUIRE(eventually([&] { return queue.find(job_id)->status == "done"; }));
    worker.stop();

    CHECK(first_link(received->raw) == k_link);
    CHECK(header_value(received->raw, "Subject") == "Verify your email address for Acme ID");
    CHECK(header_value(received->raw, "From") == "Acme ID <no-reply@acme.test>");
    CHECK(header_value(received->raw, "To") == "alice@example.com");
    CHECK(header_value(received->raw, "Message-ID") == "<" + job_id + "@acme.test>");
    CHECK(header_value(received->raw, "MIME-Version") == "1.0");
    CHECK(
        header_value(received->raw, "Content-Type").rfind("multipart/alternative; boundary=", 0) ==
        0);
    CHECK_FALSE(header_value(received->raw, "Date").empty());
    CHECK(
        received->raw.find(
            "href=\"https://id.acme.test/verify-email?token=tok_4f9a2b7c&amp;next=%2Fwelcome\"") !=
        std::string::npos);

    const auto envelope = nlohmann::json::parse(received->envelope);
    CHECK(envelope["mailFrom"] == "no-reply@acme.test");
    CHECK(envelope["rcptTo"] == nlohmann::json::array({"alice@example.com"}));
    CHECK(envelope["user"] == "relay-user");
    CHECK(envelope["secure"] == false);

    // The delivered job no longer holds the live link.
    CHECK(queue.find(job_id)->payload == nlohmann::json{{"redacted", true}});
}

TEST_CASE("mail queued while the SMTP server is down is retried and delivered once it is up",
          "[mail]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool, jobs::BackoffPolicy{milliseconds(100), milliseconds(400)});
    const int port = free_port();
    mail::SmtpSender sender(smtp_to(port));
    jobs::Worker worker(queue, fast_worker());
    mail::register_email_handler(worker, sender);

    const auto job_id = enqueue_verification(pool, "bob@example.com");
    worker.start(1);
    REQUIRE(eventually([&] { return queue.find(job_id)->attempts >= 2; }));
    const auto failing = queue.find(job_id);
    CHECK(failing->status != "done");
    REQUIRE(failing->last_error);
    CHECK(failing->last_error->rfind("email delivery failed: ", 0) == 0);

    SmtpSink sink({port, "", "", "", ""});
    REQUIRE(sink.wait_listening());
    const auto received = sink.wait_message();
    INFO(sink.log());
    REQUIRE(received);
    REQUIRE(eventually([&] { return queue.find(job_id)->status == "done"; }));
    worker.stop();
    CHECK(first_link(received->raw) == k_link);
    CHECK(sink.messages().size() == 1);
}

TEST_CASE("STARTTLS delivers when the relay's certificate is trusted and fails when it is not",
          "[mail]") {
    TestCertificate certificate;
    SmtpSink sink({0, certificate.cert_file(), certificate.key_file(), "relay-user", "relay-pass"});
    REQUIRE(sink.wait_listening());
    const auto message = mail::password_reset_email(k_context, "carol@example.com", k_link);

    auto settings = smtp_to(sink.port());
    settings.starttls = true;
    settings.username = "relay-user";
    settings.password = "relay-pass";

    SECTION("trusted") {
        settings.ca_file = certificate.cert_file();
        const auto status = mail::SmtpSender(settings).send(message);
        INFO((status.ok() ? std::string() : status.error().detail));
        REQUIRE(status.ok());
        const auto received = sink.wait_message();
        REQUIRE(received);
        CHECK(nlohmann::json::parse(received->envelope)["secure"] == true);
        CHECK(first_link(received->raw) == k_link);
    }
    SECTION("untrusted") {
        const auto status = mail::SmtpSender(settings).send(message);
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::unavailable);
        CHECK(status.error().detail.find("certificate") != std::string::npos);
        CHECK(sink.messages().empty());
    }
}

TEST_CASE("with STARTTLS required, a relay that does not offer it gets no credentials and no mail",
          "[mail]") {
    SmtpSink sink({0, "", "", "relay-user", "relay-pass"});
    REQUIRE(sink.wait_listening());
    auto settings = smtp_to(sink.port());
    settings.starttls = true;
    settings.username = "relay-user";
    settings.password = "relay-pass";
    const auto status = mail::SmtpSender(settings).send(
        mail::magic_link_email(k_context, "dan@example.com", k_link));
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().detail.find("SSL") != std::string::npos);
    CHECK(sink.messages().empty());
}

TEST_CASE("wrong SMTP credentials fail the delivery without revealing the password", "[mail]") {
    SmtpSink sink({0, "", "", "relay-user", "relay-pass"});
    REQUIRE(sink.wait_listening());
    auto settings = smtp_to(sink.port());
    settings.username = "relay-user";
    settings.password = "not-the-password";
    const auto status = mail::SmtpSender(settings).send(
        mail::magic_link_email(k_context, "dan@example.com", k_link));
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().detail.find("not-the-password") == std::string::npos);
    CHECK(sink.messages().empty());
}

TEST_CASE("an email job with a malformed payload is dead at once", "[mail]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    jobs::JobQueue queue(pool);
    mail::SmtpSender sender(smtp_to(free_port()));
    jobs::Worker worker(queue, fast_worker());
    mail::register_email_handler(worker, sender);
    jobs::NewJob job;
    job.kind = mail::k_email_job_kind;
    job.payload = {
        {"to", "eve@example.com\r\nBcc: all@example.com"}, {"subject", "x"}, {"text", "y"}};
    const auto id = queue.enqueue(job).value();
    worker.start(1);
    REQUIRE(eventually([&] { return queue.find(id)->status == "dead"; }));
    worker.stop();
    CHECK(queue.find(id)->attempts == 1);
    CHECK(queue.find(id)->last_error ==
          std::optional<std::string>("email address must not contain line breaks"));
}

TEST_CASE("mail::enqueue refuses header injection before anything is queued", "[mail]") {
    MigratedDatabase database;
    db::Pool pool(database.pool_settings());
    const auto result = pool.transact([](db::Transaction& tx) {
        return mail::enqueue(
            tx, mail::EmailMessage{"a@example.com", "Hi\r\nBcc: eve@example.com", "t", "", ""});
    });
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::validation);
    CHECK(database.count("SELECT count(*) FROM jobs") == 0);
}
