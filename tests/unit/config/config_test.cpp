#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

using namespace janua;

namespace {

std::function<std::optional<std::string>(const std::string&)> env_of(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

std::string write_temp_yaml(const std::string& text) {
    char path[] = "/tmp/janua-config-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("config uses built-in defaults when nothing is set", "[config]") {
    config::LoadInput input;
    input.getenv = env_of({});
    auto loaded = config::load(input);
    REQUIRE(loaded.ok());
    CHECK(loaded->config.bcrypt_rounds == 12);
    CHECK(loaded->config.password_min_length == 12);
    CHECK(loaded->config.listen == "127.0.0.1:4100");
    CHECK(loaded->config.jwt_algorithm == "RS256");
    CHECK(loaded->config.jwt_issuer == loaded->config.base_url);
    CHECK(loaded->config.enable_signups);
    CHECK(loaded->config.webhook_workers == 4);
}

TEST_CASE("config precedence is default < file < environment < flag", "[config]") {
    const auto file = write_temp_yaml("bcrypt_rounds: 10\npassword_min_length: 14\nlog_level: warn\ncors_origins:\n  - https://a.example\n  - https://b.example\n");
    config::LoadInput input;
    input.config_file = file;
    input.getenv = env_of({{"PASSWORD_MIN_LENGTH", "16"}, {"LOG_LEVEL", "debug"}});
    input.flags = {{"LOG_LEVEL", "error"}};
    auto loaded = config::load(input);
    std::remove(file.c_str());
    REQUIRE(loaded.ok());
    CHECK(loaded->config.bcrypt_rounds == 10);         // file
    CHECK(loaded->config.password_min_length == 16);   // environment beats file
    CHECK(loaded->config.log_level == "error");        // flag beats environment
    CHECK(loaded->config.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
    bool saw_source = false;
    for (const auto& s : loaded->settings) {
        if (s.name == "BCRYPT_ROUNDS") {
            CHECK(s.source == config::Source::file);
            saw_source = true;
        }
        if (s.name == "DATABASE_URL") CHECK(s.value == "***");
    }
    CHECK(saw_source);
}

TEST_CASE("config file is found through JANUA_CONFIG", "[config]") {
    const auto file = write_temp_yaml("bcrypt_rounds: 9\n");
    config::LoadInput input;
    input.getenv = env_of({{"JANUA_CONFIG", file}});
    auto loaded = config::load(input);
    std::remove(file.c_str());
    REQUIRE(loaded.ok());
    CHECK(loaded->config.bcrypt_rounds == 9);
}

TEST_CASE("an invalid value stops loading with one line naming the setting", "[config]") {
    config::LoadInput input;
    input.getenv = env_of({{"BCRYPT_ROUNDS", "lots"}});
    auto loaded = config::load(input);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().message.find("BCRYPT_ROUNDS") != std::string::npos);
    CHECK(loaded.error().message.find('\n') == std::string::npos);

    input.getenv = env_of({{"BCRYPT_ROUNDS", "3"}});
    CHECK_FALSE(config::load(input).ok());
    input.getenv = env_of({{"ENABLE_SIGNUPS", "maybe"}});
    CHECK(config::load(input).error().message.find("ENABLE_SIGNUPS") != std::string::npos);
    for (const char* workers : {"0", "65", "many"}) {
        input.getenv = env_of({{"WEBHOOK_WORKERS", workers}});
        auto refused = config::load(input);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message.find("WEBHOOK_WORKERS") != std::string::npos);
    }
    input.getenv = env_of({{"JWT_ALGORITHM", "HS256"}});
    CHECK(config::load(input).error().message.find("JWT_ALGORITHM") != std::string::npos);
}

TEST_CASE("secret values are never echoed in errors", "[config]") {
    config::LoadInput input;
    input.getenv = env_of({{"ENVIRONMENT", "production"}, {"SECRET_KEY", "short-secret"},
                           {"FIELD_ENCRYPTION_KEY", "abc"}});
    auto loaded = config::load(input);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().message.find("short-secret") == std::string::npos);
}

TEST_CASE("production refuses development defaults", "[config]") {
    config::LoadInput input;
    input.getenv = env_of({{"ENVIRONMENT", "production"}});
    auto loaded = config::load(input);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().message.find("FIELD_ENCRYPTION_KEY") != std::string::npos);

    input.getenv = env_of({{"ENVIRONMENT", "production"},
                           {"FIELD_ENCRYPTION_KEY", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="}});
    loaded = config::load(input);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().message.find("SECRET_KEY") != std::string::npos);

    input.getenv = env_of({{"ENVIRONMENT", "production"},
                           {"FIELD_ENCRYPTION_KEY", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="},
                           {"SECRET_KEY", std::string(48, 'k')}});
    CHECK(config::load(input).ok());
}

TEST_CASE("unknown keys in the config file are refused", "[config]") {
    const auto file = write_temp_yaml("bcrypt_rouns: 10\n");
    config::LoadInput input;
    input.config_file = file;
    input.getenv = env_of({});
    auto loaded = config::load(input);
    std::remove(file.c_str());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().message.find("bcrypt_rouns") != std::string::npos);
}

TEST_CASE("a missing or malformed config file is a clear error", "[config]") {
    config::LoadInput input;
    input.config_file = "/nonexistent/janua.yaml";
    input.getenv = env_of({});
    CHECK(config::load(input).error().message.find("cannot read config file") != std::string::npos);

    const auto file = write_temp_yaml("bcrypt_rounds: [unclosed\n");
    input.config_file = file;
    auto loaded = config::load(input);
    std::remove(file.c_str());
    CHECK(loaded.error().message.find("not valid YAML") != std::string::npos);
}

TEST_CASE("nested mappings where plain values belong are an error, not a crash", "[config]") {
    for (const char* text : {"cors_origins:\n  - [nested]\n", "? [a, b]\n: 1\n", "trusted_proxies:\n  - {a: b}\n"}) {
        INFO(text);
        const auto file = write_temp_yaml(text);
        config::LoadInput input;
        input.config_file = file;
        input.getenv = env_of({});
        auto loaded = config::load(input);
        std::remove(file.c_str());
        REQUIRE_FALSE(loaded.ok());
        CHECK(loaded.error().code == ErrorCode::validation);
    }
}
