#include "cli/command_table.hpp"

namespace janua::cli {

CommandSpec& CommandSpec::option(std::string names, std::string* target, std::string help_text, bool required) {
    OptionSpec spec;
    spec.names = std::move(names);
    spec.help = std::move(help_text);
    spec.text = target;
    spec.required = required;
    options.push_back(std::move(spec));
    return *this;
}

CommandSpec& CommandSpec::option(std::string names, std::vector<std::string>* target, std::string help_text) {
    OptionSpec spec;
    spec.names = std::move(names);
    spec.help = std::move(help_text);
    spec.texts = target;
    options.push_back(std::move(spec));
    return *this;
}

CommandSpec& CommandSpec::option(std::string names, int* target, std::string help_text) {
    OptionSpec spec;
    spec.names = std::move(names);
    spec.help = std::move(help_text);
    spec.number = target;
    options.push_back(std::move(spec));
    return *this;
}

CommandSpec& CommandSpec::flag(std::string names, bool* target, std::string help_text) {
    OptionSpec spec;
    spec.names = std::move(names);
    spec.help = std::move(help_text);
    spec.flag = target;
    options.push_back(std::move(spec));
    return *this;
}

CommandSpec& CommandSpec::choice(std::string names, std::string* target, std::vector<std::string> allowed,
                                 std::string help_text) {
    OptionSpec spec;
    spec.names = std::move(names);
    spec.help = std::move(help_text);
    spec.text = target;
    spec.choices = std::move(allowed);
    options.push_back(std::move(spec));
    return *this;
}

void build_command_table(CommandTable& table) {
    add_version_command(table);
    add_db_commands(table);
    add_config_commands(table);
    add_user_commands(table);
    add_client_commands(table);
    add_key_commands(table);
    add_admin_commands(table);
    add_org_commands(table);
    add_role_commands(table);
    add_apikey_commands(table);
    add_mfa_commands(table);
    add_audit_commands(table);
    add_webhook_commands(table);
    add_scim_commands(table);
    add_compliance_commands(table);
    add_idp_commands(table);
    add_sso_commands(table);
    add_migrate_commands(table);
    add_completion_command(table);
    add_apply_commands(table);
    add_login_commands(table);
}

CommandSpec& CommandTable::add(std::string noun, std::string verb, std::string help) {
    CommandSpec spec;
    spec.noun = std::move(noun);
    spec.verb = std::move(verb);
    spec.help = std::move(help);
    m_commands.push_back(std::move(spec));
    return m_commands.back();
}

}  // namespace janua::cli
