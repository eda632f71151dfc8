// Measurements the load generator cannot take itself, with the daemon's own code:
//   janua_bench_probe hash-bound COST [SECONDS]   bcrypt verifications per second on one thread
//   janua_bench_probe cold-start PORT PATH -- CMD...  milliseconds from exec to GET PATH answering 200
// Kept out of the daemon: it exists only for tests/bench/run.

#include "core/crypto/password_hash.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int hash_bound(int cost, double seconds) {
    const std::string hash = janua::crypto::bcrypt_hash("bench-password-1", cost);
    const auto start = Clock::now();
    long verified = 0;
    while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
        if (!janua::crypto::bcrypt_verify("bench-password-1", hash)) {
            std::fprintf(stderr, "probe: bcrypt_verify failed\n");
            return 1;
        }
        ++verified;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%.1f\n", verified / elapsed);
    return 0;
}

// One plain HTTP/1.0 request; true when the status line says 200.
bool ready(int port, const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
        if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
            char reply[64] = {};
            const ssize_t n = ::recv(fd, reply, sizeof reply - 1, 0);
            ok = n > 12 && std::strncmp(reply + 9, "200", 3) == 0;
        }
    }
    ::close(fd);
    return ok;
}

int cold_start(int port, const std::string& path, char** command) {
    const auto start = Clock::now();
    const pid_t child = ::fork();
    if (child < 0) return 1;
    if (child == 0) {
        ::dup2(2, 1);  // the caller reads our stdout; the daemon's output goes to stderr
        ::execvp(command[0], command);
        _exit(127);
    }
    while (!ready(port, path)) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) {
            std::fprintf(stderr, "probe: the daemon exited before it was ready\n");
            return 1;
        }
        if (Clock::now() - start > std::chrono::seconds(30)) {
            std::fprintf(stderr, "probe: not ready after 30 s (see its log); stopping it\n");
            ::kill(child, SIGKILL);  // nobody else knows its pid
            ::waitpid(child, nullptr, 0);
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::printf("%.1f %d\n", ms, static_cast<int>(child));  // the daemon keeps running for the caller
    return 0;
}

int usage() {
    std::fprintf(stderr, "usage: janua_bench_probe hash-bound COST [SECONDS]\n"
                         "       janua_bench_probe cold-start PORT PATH -- CMD [ARGS...]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::string(argv[1]) == "hash-bound")
        return hash_bound(std::atoi(argv[2]), argc >= 4 ? std::atof(argv[3]) : 3.0);
    if (argc >= 6 && std::string(argv[1]) == "cold-start" && std::string(argv[4]) == "--")
        return cold_start(std::atoi(argv[2]), argv[3], argv + 5);
    return usage();
}
