#include "cli/context.hpp"

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

int CliContext::print(const nlohmann::json& value, const std::vector<Column>& columns) {
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
