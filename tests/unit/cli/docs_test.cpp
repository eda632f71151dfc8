// The shipped documentation and completion files must match the code they describe.
#include "cli/command_table.hpp"
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace janua;

namespace {

std::string read_source(const std::string& relative) {
    std::ifstream in(std::string(JANUA_SOURCE_DIR) + "/" + relative);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("janua.yaml(5) documents every setting", "[docs]") {
    const std::string page = read_source("man/janua.yaml.5");
    REQUIRE_FALSE(page.empty());
    for (const auto& name : config::setting_names()) {
        INFO(name);
        CHECK(page.find(".B " + name + "\n") != std::string::npos);
    }
}

TEST_CASE("the committed completion scripts are the generated ones", "[docs]") {
    cli::CommandTable table;
    cli::build_command_table(table);
    CHECK(read_source("completions/janua.bash") == cli::completion_script(table, "bash"));
    CHECK(read_source("completions/_janua") == cli::completion_script(table, "zsh"));
    CHECK(read_source("completions/janua.fish") == cli::completion_script(table, "fish"));
}

TEST_CASE("janua(1) mentions every noun and verb", "[docs]") {
    const std::string page = read_source("man/janua.1");
    cli::CommandTable table;
    cli::build_command_table(table);
    for (const auto& spec : table.commands()) {
        const std::string command = "janua " + spec.noun + (spec.verb.empty() ? "" : " " + spec.verb);
        std::string escaped;
        for (char c : command) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
        INFO(command);
        CHECK((page.find(escaped) != std::string::npos || page.find(command) != std::string::npos));
    }
}
