// libFuzzer target: the YAML configuration file (janua.yaml(5)) through the real loader — YAML
// parsing, key mapping and every setting's validation. A bad file must be an error, never a crash.
#include "core/config/config.hpp"

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/janua-fuzz-config-" + std::to_string(::getpid()) + ".yaml";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    janua::config::LoadInput input;
    input.config_file = path;
    input.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    (void)janua::config::load(input);
    return 0;
}
