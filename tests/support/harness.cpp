#include "tests/support/harness.hpp"

#include "tests/support/child_process.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace janua::test {
namespace {

std::string required_env(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) FAIL(std::string(name) + " is not set: run the suite through scripts/test");
    return value;
}

std::string replace_database(const std::string& url, const std::string& name) {
    const auto slash = url.rfind('/');
    return url.substr(0, slash + 1) + name;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp_path(const std::string& stem) {
    static std::atomic<int> counter{0};
    return "/tmp/janua-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + stem;
}

}  // namespace

std::string test_database_url() { return required_env("JANUA_TEST_DATABASE_URL"); }

TempDatabase::TempDatabase() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    m_name = "janua_it_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
    pqxx::connection admin(test_database_url());
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + m_name);
    m_url = replace_database(test_database_url(), m_name);
}

TempDatabase::~TempDatabase() {
    try {
        pqxx::connection admin(test_database_url());
        pqxx::nontransaction tx(admin);
        tx.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (...) {
        // The cluster is thrown away after the run anyway.
    }
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input) {
    const std::string in_path = temp_path("stdin"), out_path = temp_path("stdout"), err_path = temp_path("stderr");
    std::ofstream(in_path) << input;
    const int in_fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const pid_t pid = spawn_process(argv, env, in_fd, out_fd, err_fd);
    ::close(in_fd);
    ::close(out_fd);
    ::close(err_fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    ::unlink(in_path.c_str());
    ::unlink(out_path.c_str());
    ::unlink(err_path.c_str());
    return result;
}

// JANUA_TEST_JANUAD runs the suite against another build of the daemon (scripts/sanitize uses
// the AddressSanitizer one).
std::string januad_path() {
    if (const char* other = std::getenv("JANUA_TEST_JANUAD"); other && *other) return other;
    return std::string(JANUA_BINARY_DIR) + "/januad";
}
std::string janua_path() { return std::string(JANUA_BINARY_DIR) + "/janua"; }

ProcessResult run_janua(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                        const std::string& input) {
    std::vector<std::string> argv = {janua_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> full_env = {{"BCRYPT_ROUNDS", "4"}, {"LOG_LEVEL", "warn"}};
    for (const auto& [k, v] : env) full_env[k] = v;
    return run_process(argv, full_env, input);
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

DaemonProcess::DaemonProcess(const std::string& database_url, std::map<std::string, std::string> env,
                             std::vector<std::string> extra_args) {
    m_port = free_port();
    m_log_path = temp_path("januad.log");
    std::map<std::string, std::string> full_env = {
        {"DATABASE_URL", database_url},
        {"JANUA_LISTEN", "127.0.0.1:" + std::to_string(m_port)},
        {"BASE_URL", "http://127.0.0.1:" + std::to_string(m_port)},
        {"BCRYPT_ROUNDS", "4"},
        {"LOG_LEVEL", "info"},
        {"DATABASE_CONNECT_TIMEOUT", "2"},
        {"DATABASE_POOL_TIMEOUT_MS", "1000"},
        {"EMAIL_PROVIDER", "log"},
        {"ENVIRONMENT", "test"},
        // Tests send many sign-ins from one address; the rate-limit test turns it back on.
        {"RATE_LIMIT_PER_MINUTE", "0"},
        {"RATE_LIMIT_PER_HOUR", "0"},
    };
    for (const auto& [k, v] : env) full_env[k] = v;
    std::vector<std::string> argv = {januad_path()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    const int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    m_pid = spawn_process(argv, full_env, null_fd, log_fd, log_fd);
    ::close(log_fd);
    ::close(null_fd);
}

DaemonProcess::~DaemonProcess() {
    if (running()) {
        signal(SIGTERM);
        if (!wait_exit(std::chrono::seconds(10))) {
            ::kill(m_pid, SIGKILL);
            wait_exit(std::chrono::seconds(5));
        }
    }
    ::unlink(m_log_path.c_str());
}

bool DaemonProcess::running() {
    if (m_exit) return false;
    int status = 0;
    const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
        m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

void DaemonProcess::signal(int number) { ::kill(m_pid, number); }

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return m_exit;
}

bool DaemonProcess::wait_live(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        if (http("GET", base_url(), "/health/live").status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

bool DaemonProcess::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        if (http("GET", base_url(), "/health/ready").status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

std::string DaemonProcess::log() const { return read_file(m_log_path); }

void stop_postgres() {
    const int rc = std::system(required_env("JANUA_TEST_PG_STOP").c_str());
    REQUIRE(rc == 0);
}

void start_postgres() {
    const int rc = std::system(required_env("JANUA_TEST_PG_START").c_str());
    REQUIRE(rc == 0);
}

}  // namespace janua::test
