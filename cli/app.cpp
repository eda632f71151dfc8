#include "cli/app.hpp"

#include "cli/command_table.hpp"
#include "cli/session.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace janua {
namespace {

using cli::CommandSpec;

void bind_option(CLI::App& command, const cli::OptionSpec& spec) {
    CLI::Option* option = nullptr;
    if (spec.flag) option = command.add_flag(spec.names, *spec.flag, spec.help);
    else if (spec.texts) option = command.add_option(spec.names, *spec.texts, spec.help);
    else if (spec.number) option = command.add_option(spec.names, *spec.number, spec.help);
    else option = command.add_option(spec.names, *spec.text, spec.help);
    if (spec.required) option->required();
    if (!spec.choices.empty()) option->check(CLI::IsMember(spec.choices));
}

const char* k_footer =
    "\nExit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict, 5 auth, 6 cannot reach database or daemon.\n"
    "Run 'janua <noun> --help' for the verbs of a noun; 'man janua' for everything.";

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"janua: administer a Janua identity platform.\n\n"
                 "Talks to PostgreSQL directly (--database-url or DATABASE_URL) or to a running januad\n"
                 "(--server URL with --token or JANUA_TOKEN). Grammar: janua <noun> <verb> [args] [flags].",
                 "janua"};
    app.footer(k_footer);
    app.require_subcommand(1);
    app.fallthrough();

    cli::GlobalOptions globals;
    app.add_option("--database-url", globals.database_url, "PostgreSQL URL (direct mode; also DATABASE_URL)");
    app.add_option("--server", globals.server, "januad base URL (remote mode; also JANUA_SERVER)")->envname("JANUA_SERVER");
    app.add_option("--token", globals.token, "access token or API key for --server (also JANUA_TOKEN)")->envname("JANUA_TOKEN");
    app.add_option("-c,--config", globals.config_file, "YAML config file (also JANUA_CONFIG)");
    app.add_option("-o,--output", globals.output, "output format: table, json or yaml")
        ->check(CLI::IsMember({"table", "json", "yaml"}));
    app.add_flag("-q,--quiet", globals.quiet, "print only results, no progress or notes");
    app.add_flag("-y,--yes", globals.yes, "do not ask before destructive changes");
    app.add_option("--profile", globals.profile, "saved login of 'janua login' to use (also JANUA_PROFILE)")
        ->envname("JANUA_PROFILE");
    app.add_flag("--no-color", globals.no_color, "no colours in the output (also NO_COLOR); colours appear only on a terminal");

    cli::CommandTable table;
    cli::build_command_table(table);

    std::map<std::string, CLI::App*> nouns;
    for (const auto& noun : table.nouns()) {
        auto* sub = app.add_subcommand(noun.name, noun.help);
        sub->require_subcommand(1);
        sub->fallthrough();
        sub->footer(k_footer);
        nouns[noun.name] = sub;
    }
    const CommandSpec* chosen = nullptr;
    for (const auto& spec : table.commands()) {
        CLI::App* command = nullptr;
        if (spec.verb.empty()) {
            command = app.add_subcommand(spec.noun, spec.help);
        } else {
            command = nouns.at(spec.noun)->add_subcommand(spec.verb, spec.help);
        }
        command->fallthrough();
        if (!spec.example.empty()) command->footer("\nExample:\n  " + spec.example);
        for (const auto& option : spec.options) bind_option(*command, option);
        command->callback([&chosen, &spec] { chosen = &spec; });
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::ParseError& e) {
        app.exit(e, out, err);
        return cli::exit_usage;
    }
    if (!chosen) return cli::exit_usage;
    // Saved logins fill in --server/--token (cli/session.hpp has the precedence); login and
    // logout manage them instead.
    if (chosen->noun != "login" && chosen->noun != "logout" && chosen->noun != "completion") {
        if (auto applied = cli::apply_profile(globals); !applied) {
            cli::CliContext failing(globals, out, err);
            return failing.fail(applied.error());
        }
    }
    cli::CliContext context(globals, out, err);
    try {
        return chosen->run(context);
    } catch (const std::exception& e) {
        return context.fail(std::string("unexpected error: ") + e.what());
    }
}

}  // namespace janua
