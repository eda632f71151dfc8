#pragma once
// Shared pieces of the identity integration tests: a migrated database with a ready januad,
// JSON over HTTP, JWT surgery, the mail directory of EMAIL_PROVIDER=file, and the CLI.

#include "tests/support/harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace janua::test::identity {

using nlohmann::json;

// Meets the default policy (12+ characters, upper, lower, digit).
inline const std::string k_password = "Correct-Horse-42";
inline const std::string k_other_password = "Battery-Staple-77";

inline void migrate(const TempDatabase& db) {
    auto result = run_janua({"db", "migrate", "--database-url", db.url()});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

inline std::unique_ptr<DaemonProcess> start_daemon(const std::string& database_url,
                                                   const std::map<std::string, std::string>& env = {}) {
    auto daemon = std::make_unique<DaemonProcess>(database_url, env);
    const bool ready = daemon->wait_ready();
    INFO(daemon->log());
    REQUIRE(ready);
    return daemon;
}

using Env = std::map<std::string, std::string>;

// A fresh, migrated database and one januad on it (destroyed in the reverse order).
struct Server {
    TempDatabase db;
    std::unique_ptr<DaemonProcess> daemon;

    explicit Server(const Env& env = {}) {
        migrate(db);
        daemon = start_daemon(db.url(), env);
    }
    std::string base() const { return daemon->base_url(); }
};

// ---- HTTP ---------------------------------------------------------------------------------------

inline std::map<std::string, std::string> bearer(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
}

inline HttpResponse post(const std::string& base, const std::string& path, const json& body,
                         const std::string& token = {}) {
    return http("POST", base, path, body.dump(), bearer(token));
}

inline HttpResponse get(const std::string& base, const std::string& path, const std::string& token = {}) {
    return http("GET", base, path, {}, bearer(token));
}

inline json body_of(const HttpResponse& r) {
    INFO("status " << r.status << " body: " << r.body);
    auto parsed = json::parse(r.body, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
}

inline json error_of(const HttpResponse& r) {
    auto body = body_of(r);
    INFO(r.body);
    REQUIRE(body.contains("error"));
    REQUIRE(body["error"].is_object());
    return body["error"];
}

inline std::string error_code(const HttpResponse& r) {
    auto error = error_of(r);
    REQUIRE(error.contains("code"));
    return error["code"].get<std::string>();
}

inline json signup(const std::string& base, const std::string& email, const std::string& password = k_password,
                   json extra = json::object()) {
    extra["email"] = email;
    extra["password"] = password;
    auto r = post(base, "/api/v1/auth/signup", extra);
    INFO(r.body);
    REQUIRE(r.status == 201);
    return body_of(r);
}

inline HttpResponse signin_response(const std::string& base, const std::string& email, const std::string& password) {
    return post(base, "/api/v1/auth/signin", {{"email", email}, {"password", password}});
}

inline json signin(const std::string& base, const std::string& email, const std::string& password = k_password) {
    auto r = signin_response(base, email, password);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return body_of(r);
}

inline HttpResponse refresh_response(const std::string& base, const std::string& refresh_token) {
    return post(base, "/api/v1/auth/refresh", {{"refresh_token", refresh_token}});
}

inline int me_status(const std::string& base, const std::string& access_token) {
    return get(base, "/api/v1/auth/me", access_token).status;
}

// ---- JWT ----------------------------------------------------------------------------------------

inline std::string base64url_encode(const std::string& bytes) {
    static const char* k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    while (i + 2 < bytes.size()) {
        const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
        out += k_alphabet[n & 63];
        i += 3;
    }
    if (i + 1 == bytes.size()) {
        const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
    } else if (i + 2 == bytes.size()) {
        const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
    }
    return out;
}

inline std::string base64url_decode(const std::string& text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value(c);
        if (v < 0) break;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

struct Jwt {
    std::string header_b64, payload_b64, signature_b64;
    json header, payload;
};

inline Jwt parse_jwt(const std::string& token) {
    Jwt jwt;
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string::npos ? 0 : first + 1);
    INFO(token);
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    jwt.header_b64 = token.substr(0, first);
    jwt.payload_b64 = token.substr(first + 1, second - first - 1);
    jwt.signature_b64 = token.substr(second + 1);
    jwt.header = json::parse(base64url_decode(jwt.header_b64));
    jwt.payload = json::parse(base64url_decode(jwt.payload_b64));
    return jwt;
}

inline std::string compact(const json& header, const json& payload, const std::string& signature_b64) {
    return base64url_encode(header.dump()) + "." + base64url_encode(payload.dump()) + "." + signature_b64;
}

// ---- Mail written by EMAIL_PROVIDER=file --------------------------------------------------------

inline std::string decode_quoted_printable(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            out += text[i];
            continue;
        }
        if (text.compare(i, 3, "=\r\n") == 0) {
            i += 2;
        } else if (text.compare(i, 2, "=\n") == 0) {
            i += 1;
        } else if (i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The bodies of a MIME message as text: each part after its headers, quoted-printable parts decoded.
inline std::string decoded_bodies(const std::string& message) {
    static const std::string k_header = "Content-Transfer-Encoding:";
    std::string out;
    std::size_t at = message.find(k_header);
    if (at == std::string::npos) return message;
    while (at != std::string::npos) {
        const auto line_end = message.find('\n', at);
        std::string encoding = message.substr(at + k_header.size(), line_end - at - k_header.size());
        std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto body_start = message.find("\r\n\r\n", at);
        body_start = body_start == std::string::npos ? message.find("\n\n", at) : body_start;
        if (body_start == std::string::npos) break;
        const auto body_end = message.find("\n--", body_start);
        const std::string body = message.substr(body_start, body_end == std::string::npos ? std::string::npos : body_end - body_start);
        out += encoding.find("quoted-printable") != std::string::npos ? decode_quoted_printable(body) : body;
        out += "\n";
        at = message.find(k_header, body_start);
    }
    return out;
}

// A private EMAIL_FILE_DIR; hands out the `?token=` of the links in the mails januad wrote there.
class MailDir {
public:
    MailDir() {
        char pattern[] = "/tmp/janua-identity-mail-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        REQUIRE(made != nullptr);
        m_path = made;
    }
    ~MailDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    MailDir(const MailDir&) = delete;
    MailDir& operator=(const MailDir&) = delete;

    const std::string& path() const { return m_path; }

    std::map<std::string, std::string> env() const { return {{"EMAIL_PROVIDER", "file"}, {"EMAIL_FILE_DIR", m_path}}; }

    // Tokens of every link containing `link_path` in mails to `to`, in no particular order.
    std::set<std::string> tokens(const std::string& to, const std::string& link_path) const {
        std::set<std::string> found;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(m_path, ec)) {
            if (entry.path().extension() != ".eml") continue;
            std::ifstream in(entry.path());
            std::stringstream raw;
            raw << in.rdbuf();
            const std::string message = raw.str();
            const std::string headers = message.substr(0, message.find("\r\n\r\n"));
            const std::string text = decoded_bodies(message);
            if (headers.find("To: " + to) == std::string::npos && headers.find("<" + to + ">") == std::string::npos)
                continue;
            const std::string marker = link_path + "?token=";
            for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
                std::string token;
                for (std::size_t i = at + marker.size(); i < text.size(); ++i) {
                    const char c = text[i];
                    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) break;
                    token += c;
                }
                if (!token.empty()) found.insert(token);
            }
        }
        return found;
    }

    // Wait until at least `count` distinct tokens arrived; all of them.
    std::set<std::string> wait_for_tokens(const std::string& to, const std::string& link_path, std::size_t count = 1,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(15)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        auto found = tokens(to, link_path);
        while (found.size() < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            found = tokens(to, link_path);
        }
        INFO("mails to " << to << " with a " << link_path << " link in " << m_path << ":\n" << listing());
        REQUIRE(found.size() >= count);
        return found;
    }

    // The single token of the first mail; the test fails if it does not arrive.
    std::string wait_for_token(const std::string& to, const std::string& link_path) const {
        return *wait_for_tokens(to, link_path, 1).begin();
    }

    // The names and subjects of the files in the directory, for failure messages.
    std::string listing() const {
        std::string out;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(m_path, ec)) {
            out += entry.path().filename().string();
            std::ifstream in(entry.path());
            std::stringstream raw;
            raw << in.rdbuf();
            out += ":\n" + raw.str() + "\n";
        }
        return out.empty() ? "(empty)" : out;
    }

    // Every .eml file name, for "no mail was sent" checks.
    std::size_t count() const {
        std::size_t n = 0;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(m_path, ec))
            if (entry.path().extension() == ".eml") ++n;
        return n;
    }

private:
    std::string m_path;
};

inline const std::string k_verify_link = "/verify-email";
inline const std::string k_reset_link = "/reset-password";
inline const std::string k_magic_link = "/api/v1/auth/magic-link/verify";

// ---- Node's jose --------------------------------------------------------------------------------

inline ProcessResult node_script(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

// Verify `token` against the daemon's JWKS with jose (audience "janua").
inline ProcessResult jose_verify(const std::string& base, const std::string& issuer, const std::string& token) {
    return node_script("verify-jwt.mjs", {base + "/.well-known/jwks.json", token, issuer, "janua"});
}

// The same, for a daemon whose issuer is its BASE_URL (the default).
inline ProcessResult jose_verify(const std::string& base, const std::string& token) {
    return jose_verify(base, base, token);
}

// ---- CLI ----------------------------------------------------------------------------------------

inline json cli_json(const std::vector<std::string>& args, const std::string& input = {}) {
    auto result = run_janua(args, {}, input);
    INFO("janua exit " << result.exit_code << "\nstdout: " << result.out << "\nstderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    auto parsed = json::parse(result.out, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
}

}  // namespace janua::test::identity
