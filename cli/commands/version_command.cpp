#include "cli/command_table.hpp"
#include "core/db/migrations.hpp"

namespace janua::cli {

void add_version_command(CommandTable& table) {
    auto& cmd = table.add("version", "", "Print the version of janua and the newest schema it knows");
    cmd.run = [](CliContext& ctx) {
        const auto& migrations = db::builtin_migrations();
        const int schema = migrations.empty() ? 0 : migrations.back().version;
        if (ctx.format() == OutputFormat::table) {
            ctx.out() << "janua " << JANUA_VERSION << " (schema " << schema << ")\n";
            return static_cast<int>(exit_ok);
        }
        return ctx.print({{"version", JANUA_VERSION}, {"schema_version", schema}});
    };
}

}  // namespace janua::cli
