#include "tests/integration/events/sse_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace janua::test::sse {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

Client::Client(int port, const std::string& path, const std::map<std::string, std::string>& headers) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        m_status = 0;
        m_ended = true;
        return;
    }
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    (void)::send(m_fd, request.data(), request.size(), MSG_NOSIGNAL);
    m_thread = std::thread([this] { run(); });
}

Client::~Client() {
    close();
}

void Client::close() {
    if (m_fd >= 0) ::shutdown(m_fd, SHUT_RDWR);
    if (m_thread.joinable()) m_thread.join();
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

void Client::run() {
    char buffer[4096];
    bool in_head = true;
    while (true) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        std::lock_guard lock(m_mutex);
        m_raw.append(buffer, static_cast<std::size_t>(n));
        if (in_head) {
            const auto end = m_raw.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            const std::string head = m_raw.substr(0, end);
            m_raw.erase(0, end + 4);
            in_head = false;
            m_status = std::stoi(head.substr(9, 3));
            std::size_t at = head.find("\r\n");
            while (at != std::string::npos) {
                const auto next = head.find("\r\n", at + 2);
                const std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
                const auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string value = line.substr(colon + 1);
                    value.erase(0, value.find_first_not_of(' '));
                    m_headers[lower(line.substr(0, colon))] = value;
                }
                at = next;
            }
            m_chunked = lower(m_headers["transfer-encoding"]) == "chunked";
        }
        if (!m_chunked) {
            feed_body(m_raw);
            m_raw.clear();
        } else {
            // size CRLF data CRLF ... 0 CRLF CRLF
            while (true) {
                const auto line_end = m_raw.find("\r\n");
                if (line_end == std::string::npos) break;
                const std::size_t size = std::stoul(m_raw.substr(0, line_end), nullptr, 16);
                if (size == 0) {
                    m_ended = true;
                    break;
                }
                if (m_raw.size() < line_end + 2 + size + 2) break;
                feed_body(m_raw.substr(line_end + 2, size));
                m_raw.erase(0, line_end + 2 + size + 2);
            }
        }
        m_changed.notify_all();
        if (m_ended) break;
    }
    std::lock_guard lock(m_mutex);
    m_ended = true;
    if (m_status < 0) m_status = 0;
    m_changed.notify_all();
}

void Client::feed_body(const std::string& bytes) {
    m_body += bytes;
    m_text += bytes;
    feed_lines();
}

// The event-stream interpretation (HTML §9.2.6), for LF line ends.
void Client::feed_lines() {
    std::size_t at;
    while ((at = m_text.find('\n')) != std::string::npos) {
        const std::string line = m_text.substr(0, at);
        m_text.erase(0, at + 1);
        if (line.empty()) {
            if (m_has_data) {
                if (m_pending.type.empty()) m_pending.type = "message";
                m_events.push_back(m_pending);
            }
            m_pending.type.clear();
            m_pending.data.clear();
            m_has_data = false;
            continue;
        }
        if (line[0] == ':') {
            ++m_comments;
            continue;
        }
        const auto colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "data") {
            if (m_has_data) m_pending.data += "\n";
            m_pending.data += value;
            m_has_data = true;
        } else if (field == "event") {
            m_pending.type = value;
        } else if (field == "id") {
            m_pending.id = value;  // carried on to later events, as the last event ID is
        }
    }
}

int Client::status(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [this] { return m_status >= 0; });
    return std::max(m_status, 0);
}

std::string Client::header(const std::string& name) {
    std::lock_guard lock(m_mutex);
    auto it = m_headers.find(lower(name));
    return it == m_headers.end() ? std::string() : it->second;
}

std::string Client::body() {
    std::lock_guard lock(m_mutex);
    return m_body;
}

std::vector<Event> Client::events() {
    std::lock_guard lock(m_mutex);
    return m_events;
}

int Client::comments() {
    std::lock_guard lock(m_mutex);
    return m_comments;
}

bool Client::ended() {
    std::lock_guard lock(m_mutex);
    return m_ended;
}

bool Client::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

}  // namespace janua::test::sse
