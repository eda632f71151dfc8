#pragma once
// A Server-Sent Events client for the tests, written against the wire (a plain socket, HTTP/1.1,
// chunked transfer decoding, the WHATWG event-stream parser) rather than through cpp-httplib, so
// it reads the stream incrementally as a browser's EventSource does and shares no code with the
// server it tests.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace janua::test::sse {

struct Event {
    std::string id;
    std::string type;  // "message" when the stream named none
    std::string data;
};

class Client {
public:
    // Connect to 127.0.0.1:port and send GET `path` with `headers`; the reader thread starts.
    Client(int port, const std::string& path, const std::map<std::string, std::string>& headers);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // The response status (waits for the head); 0 when the connection failed.
    int status(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    std::string header(const std::string& name);
    std::string body();  // a non-stream body (an error envelope)

    std::vector<Event> events();
    int comments();  // ": ..." lines seen (heartbeats)
    bool ended();    // the server ended the stream (final chunk or EOF)
    bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // Stop reading and close the socket (the client goes away).
    void close();

private:
    void run();
    void feed_body(const std::string& bytes);
    void feed_lines();

    int m_fd = -1;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::thread m_thread;
    int m_status = -1;  // -1: not yet
    std::map<std::string, std::string> m_headers;  // lower-case names
    bool m_chunked = false;
    std::string m_raw;      // undecoded bytes
    std::string m_text;     // decoded body not yet parsed into lines
    std::string m_body;     // the whole decoded body
    Event m_pending;
    bool m_has_data = false;
    std::vector<Event> m_events;
    int m_comments = 0;
    bool m_ended = false;
};

}  // namespace janua::test::sse
