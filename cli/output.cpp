#include "cli/output.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace janua::cli {
namespace {

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
        std::string joined;
        for (const auto& v : value) joined += (joined.empty() ? "" : ",") + v.get<std::string>();
        return joined;
    }
    return value.dump();
}

void emit_yaml(YAML::Emitter& out, const nlohmann::json& value) {
    if (value.is_object()) {
        out << YAML::BeginMap;
        for (const auto& [k, v] : value.items()) {
            out << YAML::Key << k << YAML::Value;
            emit_yaml(out, v);
        }
        out << YAML::EndMap;
    } else if (value.is_array()) {
        out << YAML::BeginSeq;
        for (const auto& v : value) emit_yaml(out, v);
        out << YAML::EndSeq;
    } else if (value.is_null()) {
        out << YAML::Null;
    } else if (value.is_string()) {
        out << value.get<std::string>();
    } else if (value.is_boolean()) {
        out << value.get<bool>();
    } else {
        out << value.dump();
    }
}

void render_rows(std::ostream& out, const nlohmann::json& rows, std::vector<Column> columns) {
    if (columns.empty() && !rows.empty() && rows[0].is_object()) {
        for (const auto& [k, v] : rows[0].items()) {
            std::string header = k;
            std::transform(header.begin(), header.end(), header.begin(), ::toupper);
            columns.push_back({k, header});
        }
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> widths;
    for (const auto& c : columns) widths.push_back(c.header.size());
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (size_t i = 0; i < columns.size(); ++i) {
            line.push_back(cell(row.is_object() && row.contains(columns[i].key) ? row[columns[i].key] : nullptr));
            widths[i] = std::max(widths[i], line.back().size());
        }
        cells.push_back(std::move(line));
    }
    auto print_line = [&](const std::vector<std::string>& line) {
        for (size_t i = 0; i < line.size(); ++i) {
            out << line[i];
            if (i + 1 < line.size()) out << std::string(widths[i] - line[i].size() + 2, ' ');
        }
        out << "\n";
    };
    std::vector<std::string> headers;
    for (const auto& c : columns) headers.push_back(c.header);
    print_line(headers);
    for (const auto& line : cells) print_line(line);
}

}  // namespace

bool parse_output_format(const std::string& text, OutputFormat& format) {
    if (text == "table") format = OutputFormat::table;
    else if (text == "json") format = OutputFormat::json;
    else if (text == "yaml") format = OutputFormat::yaml;
    else return false;
    return true;
}

std::string to_yaml(const nlohmann::json& value) {
    YAML::Emitter out;
    emit_yaml(out, value);
    return std::string(out.c_str()) + "\n";
}

void render(std::ostream& out, const nlohmann::json& value, OutputFormat format, const std::vector<Column>& columns) {
    switch (format) {
        case OutputFormat::json: out << value.dump(2) << "\n"; return;
        case OutputFormat::yaml: out << to_yaml(value); return;
        case OutputFormat::table: break;
    }
    if (value.is_array()) {
        render_rows(out, value, columns);
    } else if (value.is_object()) {
        size_t width = 0;
        for (const auto& [k, v] : value.items()) width = std::max(width, k.size());
        for (const auto& [k, v] : value.items()) out << k << std::string(width - k.size() + 2, ' ') << cell(v) << "\n";
    } else {
        out << cell(value) << "\n";
    }
}

}  // namespace janua::cli
