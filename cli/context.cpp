#include "cli/context.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace janua::cli {

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::not_found: return exit_not_found;
        case ErrorCode::conflict: return exit_conflict;
        case ErrorCode::authentication:
        case ErrorCode::token:
        case ErrorCode::authorization:
        case ErrorCode::account_locked:
        case ErrorCode::sso_authentication:
        case ErrorCode::sso_provisioning: return exit_auth;
        case ErrorCode::unavailable: return exit_unreachable;
        case ErrorCode::bad_request:
        case ErrorCode::validation:
        case ErrorCode::payload_too_large:
        case ErrorCode::sso_validation:
        case ErrorCode::sso_configuration:
        case ErrorCode::sso_metadata:
        case ErrorCode::sso_certificate: return exit_usage;
        default: return exit_error;
    }
}

bool CliContext::color() const {
    if (m_options.no_color) return false;
    if (const char* no_color = std::getenv("NO_COLOR"); no_color && *no_color) return false;
    return &m_out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
}

OutputFormat CliContext::format() const {
    OutputFormat format = OutputFormat::table;
    parse_output_format(m_options.output, format);
    return format;
}

const config::Config* CliContext::config() {
    if (m_config) return &*m_config;
    config::LoadInput input;
    if (!m_options.config_file.empty()) input.config_file = m_options.config_file;
    if (!m_options.database_url.empty()) input.flags["DATABASE_URL"] = m_options.database_url;
    auto loaded = config::load(input);
    if (!loaded) {
        fail(loaded.error());
        return nullptr;
    }
    m_config = loaded->config;
    return &*m_config;
}

namespace {

// What --quiet prints of an object: its identifier.
std::optional<std::string> id_of(const nlohmann::json& item) {
    if (!item.is_object()) return std::nullopt;
    for (const char* key : {"id", "client_id", "user_id", "slug", "name"})
        if (item.contains(key) && item[key].is_string()) return item[key].get<std::string>();
    return std::nullopt;
}

}  // namespace

int CliContext::print(const nlohmann::json& value, const std::vector<Column>& columns) {
    // --quiet with the table format prints only ids, one a line (for `xargs`); json and yaml
    // stay whole, since a script that asked for them parses them.
    if (m_options.quiet && format() == OutputFormat::table) {
        const nlohmann::json& list = value.is_object() && value.contains("data") ? value["data"] : value;
        if (list.is_array() && std::all_of(list.begin(), list.end(), [](const auto& i) { return id_of(i).has_value(); })) {
            for (const auto& item : list) m_out << *id_of(item) << "\n";
            return exit_ok;
        }
        if (auto id = id_of(list)) {
            m_out << *id << "\n";
            return exit_ok;
        }
    }
    render(m_out, value, format(), columns);
    return exit_ok;
}

std::string CliContext::read_stdin_secret() {
    std::string secret;
    std::getline(std::cin, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
}

bool CliContext::confirmed(const std::string& what) {
    if (m_options.yes) return true;
    m_err << "janua: " << what << " cannot be undone; add --yes to confirm\n";
    return false;
}

void CliContext::note(const std::string& message) {
    if (!m_options.quiet) m_err << message << "\n";
}

int CliContext::fail(const Error& error) {
    m_err << "janua: " << error.message << "\n";
    return exit_code_for(error.code);
}

int CliContext::fail(const std::string& message, int exit_code) {
    m_err << "janua: " << message << "\n";
    return exit_code;
}

}  // namespace janua::cli
