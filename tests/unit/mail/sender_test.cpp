#include "core/mail/file_sender.hpp"
#include "core/mail/log_sender.hpp"
#include "core/mail/smtp_sender.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace janua;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "janua-mail-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path path;
};

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
    return out;
}

config::Config mail_config(const std::string& provider) {
    config::Config config;
    config.email_enabled = true;
    config.email_provider = provider;
    config.email_from = "Janua <no-reply@localhost>";
    config.email_file_dir = "/tmp/unused";
    config.smtp_host = "smtp.example.com";
    config.smtp_port = 587;
    config.smtp_starttls = true;
    return config;
}

}  // namespace

TEST_CASE("the file sender writes one private .eml per message and nothing else", "[mail]") {
    TempDir dir;
    const auto mail_dir = dir.path / "outbox";  // created on first use
    mail::FileSender sender(mail_dir.string(), {"Janua", "no-reply@localhost"});
    REQUIRE(sender.send({"alice@example.com", "Hello", "Link: https://x.test/a\n", "<p>hi</p>", ""})
                .ok());
    REQUIRE(sender.send({"bob@example.com", "Hello", "text", "", ""}).ok());
    const auto files = files_in(mail_dir);
    REQUIRE(files.size() == 2);
    for (const auto& file : files) {
        CHECK(file.extension() == ".eml");
        struct stat info {};
        REQUIRE(::stat(file.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }
    std::stringstream all;
    for (const auto& file : files) all << std::ifstream(file).rdbuf();
    CHECK(all.str().find("To: alice@example.com\r\n") != std::string::npos);
    CHECK(all.str().find("https://x.test/a") != std::string::npos);
}

TEST_CASE("the file sender refuses header injection and writes nothing", "[mail]") {
    TempDir dir;
    mail::FileSender sender(dir.path.string(), {"", "no-reply@localhost"});
    const auto status = sender.send({"a@example.com\nBcc: eve@example.com", "s", "t", "", ""});
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::validation);
    CHECK(files_in(dir.path).empty());
}

TEST_CASE("the log sender accepts valid mail and refuses injection", "[mail]") {
    mail::LogSender sender(mail::LogBody::omit);
    CHECK(sender.send({"a@example.com", "s", "t", "", ""}).ok());
    CHECK_FALSE(sender.send({"a@example.com", "s\r\nX: y", "t", "", ""}).ok());
}

TEST_CASE("make_sender follows EMAIL_ENABLED and EMAIL_PROVIDER", "[mail]") {
    CHECK(dynamic_cast<mail::LogSender*>(mail::make_sender(mail_config("log")).get()));
    CHECK(dynamic_cast<mail::FileSender*>(mail::make_sender(mail_config("file")).get()));
    CHECK(dynamic_cast<mail::SmtpSender*>(mail::make_sender(mail_config("smtp")).get()));
    auto disabled = mail_config("smtp");
    disabled.email_enabled = false;
    CHECK(dynamic_cast<mail::DisabledSender*>(mail::make_sender(disabled).get()));
}

TEST_CASE("an unusable EMAIL_FROM is reported naming the setting", "[mail]") {
    auto config = mail_config("smtp");
    config.email_from = "Janua <no-reply@localhost";
    const auto status = mail::check_settings(config);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.rfind("invalid setting EMAIL_FROM: ", 0) == 0);
    CHECK_THROWS_AS(mail::make_sender(config), std::invalid_argument);
}

TEST_CASE("SMTP settings come from the configuration", "[mail]") {
    auto config = mail_config("smtp");
    config.smtp_username = "user";
    config.smtp_password = "secret";
    const auto settings = mail::smtp_settings(config);
    REQUIRE(settings.ok());
    CHECK(settings->host == "smtp.example.com");
    CHECK(settings->port == 587);
    CHECK(settings->starttls);
    CHECK(settings->username == "user");
    CHECK(settings->password == "secret");
    CHECK(settings->from.address == "no-reply@localhost");
    CHECK(settings->from.display_name == "Janua");
}
