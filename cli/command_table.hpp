#pragma once
// Commands declare themselves here as plain data; cli/app.cpp (the only file that includes
// CLI11, which is slow to compile) turns the table into the parser. The same table feeds
// help and shell completion.

#include "cli/context.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace janua::cli {

struct OptionSpec {
    std::string names;  // CLI11 form: "-e,--email" or "email" for a positional
    std::string help;
    std::string* text = nullptr;
    std::vector<std::string>* texts = nullptr;
    int* number = nullptr;
    bool* flag = nullptr;
    bool required = false;
    std::vector<std::string> choices;
};

struct CommandSpec {
    std::string noun;
    std::string verb;  // empty for a command without a verb (e.g. "version")
    std::string help;
    std::string example;
    std::vector<OptionSpec> options;
    std::function<int(CliContext&)> run;

    CommandSpec& option(std::string names, std::string* target, std::string help, bool required = false);
    CommandSpec& option(std::string names, std::vector<std::string>* target, std::string help);
    CommandSpec& option(std::string names, int* target, std::string help);
    CommandSpec& flag(std::string names, bool* target, std::string help);
    CommandSpec& choice(std::string names, std::string* target, std::vector<std::string> choices, std::string help);
};

struct NounSpec {
    std::string name;
    std::string help;
};

class CommandTable {
public:
    void noun(std::string name, std::string help) { m_nouns.push_back({std::move(name), std::move(help)}); }
    CommandSpec& add(std::string noun, std::string verb, std::string help);

    const std::vector<NounSpec>& nouns() const { return m_nouns; }
    const std::deque<CommandSpec>& commands() const { return m_commands; }

private:
    std::vector<NounSpec> m_nouns;
    std::deque<CommandSpec> m_commands;  // deque: references handed out stay valid
};

// Every command of janua, in one table.
void build_command_table(CommandTable& table);

// Shell completion scripts generated from the table (janua completion bash|zsh|fish).
std::string completion_script(const CommandTable& table, const std::string& shell);

// One registration function per noun (cli/commands/<noun>_commands.cpp).
void add_db_commands(CommandTable& table);
void add_config_commands(CommandTable& table);
void add_version_command(CommandTable& table);
void add_user_commands(CommandTable& table);
void add_client_commands(CommandTable& table);
void add_key_commands(CommandTable& table);
void add_admin_commands(CommandTable& table);
void add_org_commands(CommandTable& table);
void add_role_commands(CommandTable& table);
void add_apikey_commands(CommandTable& table);
void add_mfa_commands(CommandTable& table);
void add_audit_commands(CommandTable& table);
void add_webhook_commands(CommandTable& table);
void add_scim_commands(CommandTable& table);
void add_compliance_commands(CommandTable& table);
void add_idp_commands(CommandTable& table);
void add_sso_commands(CommandTable& table);
void add_migrate_commands(CommandTable& table);
void add_completion_command(CommandTable& table);
void add_apply_commands(CommandTable& table);
void add_login_commands(CommandTable& table);

}  // namespace janua::cli
