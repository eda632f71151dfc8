#pragma once
// Programs the tests start as children: januad, janua, and the Node peers (the SMTP sink, s3rver,
// an upstream OpenID Provider). One way to start them and one way to stop them.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace janua::test {

// fork + execve of argv (argv[0] is a path) with `env` added to this process's environment and the
// given descriptors (-1 keeps ours) as stdin, stdout and stderr. The child gets a process group of
// its own. Everything is prepared before the fork: another test thread may hold the malloc lock, so
// the child makes only async-signal-safe calls. Returns -1 when fork fails.
pid_t spawn_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int in_fd,
                    int out_fd, int err_fd);

// SIGTERM, then SIGKILL when the child has not exited within `grace`; reaps it either way.
void stop_process(pid_t pid, std::chrono::milliseconds grace);

// A long-running helper program with stdin from /dev/null and stdout and stderr in a log file,
// stopped when the object is destroyed.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, std::string log_path,
                 const std::map<std::string, std::string>& env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // True once the log holds `marker`; false when the program exits first or time runs out.
    bool wait_for_log(const std::string& marker, std::chrono::milliseconds timeout);
    // What follows the first `marker` in the log (e.g. the ports after "listening ").
    std::string log_after(const std::string& marker) const;
    std::string log() const;
    bool running();
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

private:
    pid_t m_pid = -1;
    std::string m_log_path;
};

}  // namespace janua::test
