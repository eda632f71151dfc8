#include "cli/command_table.hpp"

namespace janua::cli {

void add_config_commands(CommandTable& table) {
    table.noun("config", "Configuration: show the effective settings and where each came from");
    auto& show = table.add("config", "show", "Print every setting, its value (secrets masked) and its source");
    show.run = [](CliContext& ctx) {
        config::LoadInput input;
        if (!ctx.options().config_file.empty()) input.config_file = ctx.options().config_file;
        if (!ctx.options().database_url.empty()) input.flags["DATABASE_URL"] = ctx.options().database_url;
        auto loaded = config::load(input);
        if (!loaded) return ctx.fail(loaded.error());
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& s : loaded->settings)
            rows.push_back({{"name", s.name}, {"value", s.value}, {"source", config::source_name(s.source)},
                            {"description", s.description}});
        return ctx.print(rows, {{"name", "NAME"}, {"value", "VALUE"}, {"source", "SOURCE"}});
    };
}

}  // namespace janua::cli
