#include "cli/output.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace janua::cli;

TEST_CASE("output renders the same data as table, json and yaml", "[cli]") {
    nlohmann::json rows = {{{"id", 1}, {"name", "alpha"}}, {{"id", 2}, {"name", nullptr}}};
    std::ostringstream table, json, yaml;
    render(table, rows, OutputFormat::table, {{"id", "ID"}, {"name", "NAME"}});
    CHECK(table.str() == "ID  NAME\n1   alpha\n2   -\n");
    render(json, rows, OutputFormat::json);
    CHECK(nlohmann::json::parse(json.str()) == rows);
    render(yaml, rows, OutputFormat::yaml);
    CHECK(yaml.str().find("name: alpha") != std::string::npos);
}
