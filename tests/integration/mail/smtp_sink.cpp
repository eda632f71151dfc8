#include "tests/integration/mail/smtp_sink.hpp"

#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace janua::test {
namespace {

namespace fs = std::filesystem;

std::string make_temp_dir(const std::string& stem) {
    std::string pattern = (fs::temp_directory_path() / ("janua-" + stem + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    return pattern;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string find_node() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/node").c_str(), X_OK) == 0) return dir + "/node";
    return "/usr/bin/node";
}

}  // namespace

SmtpSink::SmtpSink(SinkOptions options) {
    m_port = options.port ? options.port : free_port();
    m_dir = make_temp_dir("smtp-sink");
    std::vector<std::string> argv = {
        find_node(), std::string(JANUA_SOURCE_DIR) + "/tests/e2e/smtp-sink.js",
        "--port",    std::to_string(m_port),
        "--dir",     m_dir + "/mail"};
    if (!options.cert_file.empty()) {
        argv.insert(argv.end(), {"--cert", options.cert_file, "--key", options.key_file});
    }
    if (!options.username.empty())
        argv.insert(argv.end(), {"--user", options.username, "--pass", options.password});

    m_process.emplace(argv, m_dir + "/sink.log");
}

SmtpSink::~SmtpSink() {
    m_process.reset();
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
}

bool SmtpSink::wait_listening(std::chrono::milliseconds timeout) {
    return m_process->wait_for_log("listening ", timeout);
}

std::vector<ReceivedMail> SmtpSink::messages() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_dir + "/mail", ec))
        if (entry.path().extension() == ".eml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<ReceivedMail> out;
    for (const auto& file : files) {
        auto envelope = file;
        envelope.replace_extension(".json");
        out.push_back({slurp(file), slurp(envelope)});
    }
    return out;
}

std::optional<ReceivedMail> SmtpSink::wait_message(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        auto all = messages();
        if (!all.empty()) return all.front();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
}

std::string SmtpSink::log() const { return m_process->log(); }

TestCertificate::TestCertificate() {
    m_dir = make_temp_dir("smtp-cert");
    const auto result = run_process(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-days", "2", "-keyout", key_file(), "-out", cert_file()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

TestCertificate::~TestCertificate() {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
}

std::string header_value(const std::string& raw, const std::string& name) {
    const auto head_end = raw.find("\r\n\r\n");
    const std::string head = "\r\n" + raw.substr(0, head_end) + "\r\n";
    const std::string key = "\r\n" + name + ":";
    auto start = head.find(key);
    if (start == std::string::npos) return {};
    start += key.size();
    std::string value;
    for (auto end = head.find("\r\n", start);; end = head.find("\r\n", start)) {
        value += head.substr(start, end - start);
        start = end + 2;
        if (start >= head.size() || (head[start] != ' ' && head[start] != '\t')) break;
    }
    const auto first = value.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : value.substr(first);
}

}  // namespace janua::test
