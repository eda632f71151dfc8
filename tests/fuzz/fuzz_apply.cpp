// libFuzzer target: a `janua apply` file through the real reader (core/provisioning/document.cpp):
// YAML parsing, every section's validation with file:line:field problems, secret references.
// Inputs that mention files are skipped: a secret_from file is read from disk, and a fuzzer
// naming /dev/stdin or a FIFO would block instead of testing the parser.
#include "core/provisioning/document.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (text.find("file") != std::string::npos) return 0;
    (void)janua::provisioning::parse_document(text, "fuzz.yaml", "/nonexistent-fuzz-dir");
    return 0;
}
