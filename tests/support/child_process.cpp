#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace janua::test {

pid_t spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int in_fd,
                    int out_fd, int err_fd) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    std::vector<std::string> entries;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        if (!env.count(entry.substr(0, entry.find('=')))) entries.push_back(entry);
    }
    for (const auto& [k, v] : env) entries.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        if (in_fd >= 0) ::dup2(in_fd, 0);
        if (out_fd >= 0) ::dup2(out_fd, 1);
        if (err_fd >= 0) ::dup2(err_fd, 2);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    return pid;
}

void stop_process(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, std::string log_path,
                           const std::map<std::string, std::string>& env)
    : m_log_path(std::move(log_path)) {
    const int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    m_pid = spawn_process(argv, env, null_fd, log_fd, log_fd);
    ::close(log_fd);
    ::close(null_fd);
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::stop(std::chrono::milliseconds grace) {
    stop_process(m_pid, grace);
    m_pid = -1;
}

bool ChildProcess::running() {
    if (m_pid <= 0) return false;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return false;
    }
    return true;
}

bool ChildProcess::wait_for_log(const std::string& marker, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (log().find(marker) == std::string::npos) {
        if (!running() || std::chrono::steady_clock::now() >= deadline) return log().find(marker) != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string ChildProcess::log_after(const std::string& marker) const {
    const std::string text = log();
    const auto at = text.find(marker);
    return at == std::string::npos ? std::string() : text.substr(at + marker.size());
}

std::string ChildProcess::log() const {
    std::ifstream in(m_log_path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace janua::test
