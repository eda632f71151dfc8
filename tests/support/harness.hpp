#pragma once
// Real components for integration tests: a fresh database on the test cluster started by
// scripts/test, januad and janua as real processes, and an HTTP client.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace janua::test {

// The cluster scripts/test started; the test fails if run outside it.
std::string test_database_url();

// A database of its own for one test, dropped afterwards.
class TempDatabase {
public:
    TempDatabase();
    ~TempDatabase();
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;
    const std::string& url() const { return m_url; }
    const std::string& name() const { return m_name; }

private:
    std::string m_name;
    std::string m_url;
};

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Run a program to completion with extra environment variables and optional stdin.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& input = {});

std::string januad_path();
std::string janua_path();
ProcessResult run_janua(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                        const std::string& input = {});

int free_port();

// januad as a child process; stopped with SIGTERM (then SIGKILL) when destroyed.
class DaemonProcess {
public:
    DaemonProcess(const std::string& database_url, std::map<std::string, std::string> env = {},
                  std::vector<std::string> extra_args = {});
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    int port() const { return m_port; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // Wait until GET /health/live answers; false on timeout or early exit.
    bool wait_live(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    void signal(int number);
    // Wait for exit; the exit code, or nullopt on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running();
    std::string log() const;  // what the daemon wrote to stderr

private:
    int m_pid = -1;
    int m_port = 0;
    std::string m_log_path;
    std::optional<int> m_exit;
};

struct HttpResponse {
    int status = 0;  // 0: no response (connection failed)
    std::string body;
    std::multimap<std::string, std::string> headers;
    std::string header(const std::string& name) const;
};

HttpResponse http(const std::string& method, const std::string& base_url, const std::string& path,
                  const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
                  const std::string& content_type = "application/json");

// Stop / start the shared cluster (scripts/test provides the commands).
void stop_postgres();
void start_postgres();

}  // namespace janua::test
