#pragma once
// Render any result as a table, JSON or YAML, so every command gets all three.
// JSON output is a stable contract for scripts; tables are for people and may change.

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace janua::cli {

enum class OutputFormat { table, json, yaml };

bool parse_output_format(const std::string& text, OutputFormat& format);

struct Column {
    std::string key;     // JSON member to show
    std::string header;  // column title
};

// Arrays of objects become rows (columns given, or taken from the first object); a single
// object becomes KEY/VALUE lines; scalars print as they are.
void render(std::ostream& out, const nlohmann::json& value, OutputFormat format, const std::vector<Column>& columns = {});

std::string to_yaml(const nlohmann::json& value);

}  // namespace janua::cli
