#pragma once
// What every command receives: the global flags, the configuration and the output helpers.

#include "cli/output.hpp"
#include "cli/remote.hpp"
#include "core/common/result.hpp"
#include "core/config/config.hpp"

#include <iostream>
#include <optional>
#include <string>

namespace janua::cli {

// API.md "Exit codes"; documented in janua(1).
enum ExitCode : int {
    exit_ok = 0,
    exit_error = 1,
    exit_usage = 2,
    exit_not_found = 3,
    exit_conflict = 4,
    exit_auth = 5,
    exit_unreachable = 6,
};

int exit_code_for(ErrorCode code);

struct GlobalOptions {
    std::string database_url;
    std::string server;
    std::string token;
    std::string config_file;
    std::string output = "table";
    bool quiet = false;
    bool yes = false;
    bool no_color = false;
    std::string profile;  // --profile / JANUA_PROFILE: saved login of `janua login`
};

class CliContext {
public:
    CliContext(GlobalOptions options, std::ostream& out, std::ostream& err)
        : m_options(std::move(options)), m_out(out), m_err(err) {}

    const GlobalOptions& options() const { return m_options; }
    OutputFormat format() const;
    std::ostream& out() { return m_out; }
    std::ostream& err() { return m_err; }
    // Colour only on a terminal, and never with --no-color or NO_COLOR (https://no-color.org).
    bool color() const;

    // The merged configuration (defaults < file < environment < --database-url); nullptr and
    // a printed error when it is invalid.
    const config::Config* config();

    // Remote mode (--server / JANUA_SERVER) rather than direct database access.
    bool remote() const { return !m_options.server.empty(); }
    RemoteTarget remote_target() const { return {m_options.server, m_options.token}; }
    // A call to the daemon in remote mode.
    Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr) const {
        return remote_call(remote_target(), method, path, body);
    }
    // Read a secret from standard input (one line; the trailing newline is dropped).
    std::string read_stdin_secret();
    // Destructive verbs need --yes.
    bool confirmed(const std::string& what);

    // Print a result in the chosen format; returns exit_ok.
    int print(const nlohmann::json& value, const std::vector<Column>& columns = {});
    // Tell the user (stderr) unless --quiet.
    void note(const std::string& message);
    // Print "janua: <message>" to stderr and return the exit code for the error.
    int fail(const Error& error);
    int fail(const std::string& message, int exit_code = exit_error);

private:
    GlobalOptions m_options;
    std::ostream& m_out;
    std::ostream& m_err;
    std::optional<config::Config> m_config;
};

}  // namespace janua::cli
