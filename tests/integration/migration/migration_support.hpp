#pragma once
// Shared pieces of the migration tests: fixtures in the documented Auth0 and Keycloak formats,
// with hashes made by independent implementations (bcryptjs, openssl, the argon2 CLI), a januad
// for sign-ins, and the janua CLI.

#include "tests/integration/orgs/org_support.hpp"
#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace janua::test::migration {

using namespace janua::test::orgs;


using nlohmann::json;

// A shell pipeline's standard output, trailing newline removed; the test fails if it fails.
inline std::string sh(const std::string& command) {
    auto r = run_process({"/bin/sh", "-c", command});
    INFO(command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

// bcrypt by npm's bcryptjs (tests/e2e/node_modules), a JavaScript implementation.
inline std::string bcryptjs(const std::string& password, int cost) {
    const std::string modules = std::string(JANUA_SOURCE_DIR) + "/tests/e2e/node_modules/bcryptjs";
    return sh("node -e " + quoted("process.stdout.write(require(\"" + modules + "\").hashSync(process.argv[1], " +
                                  std::to_string(cost) + "))") + " " + quoted(password));
}

// Raw digest of `input` by openssl, in `encoding` (hex or base64).
inline std::string openssl_digest(const std::string& algorithm, const std::string& input, const std::string& encoding) {
    const std::string provider = algorithm == "md4" ? " -provider legacy -provider default" : "";
    return sh("printf %s " + quoted(input) + " | openssl dgst -" + algorithm + provider + " -binary | " +
              (encoding == "hex" ? "od -An -v -tx1 | tr -d ' \\n'" : "base64 -w0"));
}

inline std::string temp_dir() {
    auto dir = std::filesystem::temp_directory_path() / ("janua-migration-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline std::string write_file(const std::string& dir, const std::string& name, const std::string& content) {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

inline std::string ndjson(const std::vector<json>& records) {
    std::string out;
    for (const auto& r : records) out += r.dump() + "\n";
    return out;
}

inline std::vector<json> read_ndjson(const std::string& path) {
    std::vector<json> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

// janua in direct mode with --output json; the parsed output and the process result.
inline std::pair<json, ProcessResult> migrate(const Server& server, std::vector<std::string> args) {
    args.insert(args.begin(), "migrate");
    args.insert(args.end(), {"--database-url", server.db.url(), "--output", "json"});
    auto r = run_janua(args);
    auto parsed = json::parse(r.out, nullptr, false);
    return {parsed.is_discarded() ? json(nullptr) : parsed, r};
}

inline std::string column(const Server& server, const std::string& query) {
    pqxx::connection c(server.db.url());
    pqxx::work w(c);
    auto r = w.exec(query);
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
}

// Start janua without waiting (to kill it midway); its pid.
inline pid_t spawn_janua(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {janua_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const pid_t pid = spawn_process(argv, {}, -1, null_fd, null_fd);
    ::close(null_fd);
    REQUIRE(pid > 0);
    return pid;
}

}  // namespace janua::test::migration
