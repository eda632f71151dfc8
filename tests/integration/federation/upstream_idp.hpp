#pragma once
// tests/e2e/upstream-idp.mjs as a child process: Node's oidc-provider as an upstream OpenID
// Provider on loopback, and a GitHub-shaped OAuth 2.0 fake, each on an ephemeral port. The browser leg
// of a login is played by tests/e2e/upstream-drive.mjs (redirects and cookies).
#include "tests/integration/identity/identity_support.hpp"
#include "tests/integration/sso/app_tokens.hpp"
#include "tests/support/child_process.hpp"

#include <unistd.h>

#include <optional>

namespace janua::test::federation {

using namespace janua::test;
using namespace janua::test::identity;

inline const std::string k_client_id = "janua-rp";
inline const std::string k_client_secret = "upstream-client-secret-0123456789";

// A file holding `text` (a client secret for --client-secret-file), removed with the object.
struct SecretFile {
    std::string path;
    explicit SecretFile(const std::string& text) {
        char pattern[] = "/tmp/janua-idp-secret-XXXXXX";
        const int fd = ::mkstemp(pattern);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path = pattern;
    }
    ~SecretFile() { ::unlink(path.c_str()); }
    SecretFile(const SecretFile&) = delete;
    SecretFile& operator=(const SecretFile&) = delete;
};

class UpstreamIdp {
public:
    UpstreamIdp(const std::vector<std::string>& redirect_uris, const json& accounts) {
        char dir[] = "/tmp/janua-upstream-XXXXXX";
        REQUIRE(::mkdtemp(dir) != nullptr);
        std::vector<std::string> argv = {"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/upstream-idp.mjs",
                                         "--client-id", k_client_id,
                                         "--client-secret", k_client_secret, "--accounts", accounts.dump()};
        for (const auto& uri : redirect_uris) argv.insert(argv.end(), {"--redirect-uri", uri});
        m_process.emplace(argv, std::string(dir) + "/idp.log");
        INFO(m_process->log());
        REQUIRE(m_process->wait_for_log("listening ", std::chrono::seconds(20)));
        // "listening <port> <github-port>": the script binds both itself, so no port can be taken
        // between choosing and binding it.
        std::istringstream ready(m_process->log_after("listening "));
        ready >> m_port >> m_github_port;
        REQUIRE(m_port > 0);
        REQUIRE(m_github_port > 0);
    }
    UpstreamIdp(const UpstreamIdp&) = delete;
    UpstreamIdp& operator=(const UpstreamIdp&) = delete;

    std::string issuer() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::string github_base() const { return "http://127.0.0.1:" + std::to_string(m_github_port); }
    std::string log() const { return m_process->log(); }
    // Make the next token responses misbehave (see upstream-idp.mjs).
    void set_mode(const std::string& mode) {
        auto r = http("POST", issuer(), "/__test/mode", json{{"mode", mode}}.dump());
        REQUIRE(r.status == 200);
    }

private:
    std::optional<ChildProcess> m_process;
    int m_port = 0;
    int m_github_port = 0;
};

// Follow `authorization_url` through the upstream until it sends the browser to januad (`base`);
// returns the callback's path and query.
inline std::string drive_upstream(const std::string& authorization_url, const std::string& base) {
    auto run = run_process({"/usr/bin/env", "node", std::string(JANUA_SOURCE_DIR) + "/tests/e2e/upstream-drive.mjs",
                            authorization_url, base});
    INFO("drive: " << run.out << run.err);
    REQUIRE(run.exit_code == 0);
    std::string url = run.out.substr(0, run.out.find('\n'));
    REQUIRE(url.rfind(base, 0) == 0);
    return url.substr(base.size());
}

// The CLI in direct mode, allowed to configure the loopback issuer like the daemon.
inline json idp_cli(const std::vector<std::string>& args) {
    auto result = run_janua(args, {{"UPSTREAM_IDP_ALLOW_PRIVATE", "true"}});
    INFO("janua exit " << result.exit_code << "\nstdout: " << result.out << "\nstderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    auto parsed = json::parse(result.out, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
}

using janua::test::sso::set_cookie_of;

// Where the upstream sent the browser back to januad, and the janua_sso_binding cookie of the
// browser that started the sign-in (the callback is refused without it).
struct Callback {
    std::string path;
    std::string binding;
};

using janua::test::identity::get;  // the overload below would hide it

inline HttpResponse get(const std::string& base, const Callback& callback) {
    std::map<std::string, std::string> headers;
    if (!callback.binding.empty()) headers["Cookie"] = "janua_sso_binding=" + callback.binding;
    return http("GET", base, callback.path, {}, headers);
}

// Run the upstream leg of a sign-in januad started with `started` (a JSON authorization_url).
inline Callback follow(const HttpResponse& started, const std::string& base) {
    INFO(started.body);
    REQUIRE(started.status == 200);
    const std::string binding = set_cookie_of(started, "janua_sso_binding").first;
    REQUIRE(binding.size() == 43);
    return Callback{drive_upstream(body_of(started)["authorization_url"], base), binding};
}

// GET `start_path` (an authorize or initiate URL with redirect=false), run the upstream leg and
// return the callback januad was sent back to.
inline Callback callback_for(const std::string& base, const std::string& start_path, const std::string& token = {}) {
    return follow(get(base, start_path, token), base);
}

inline std::string replace_param(std::string path, const std::string& name, const std::string& value) {
    const auto at = path.find(name + "=");
    REQUIRE(at != std::string::npos);
    const auto end = path.find('&', at);
    path.replace(at, (end == std::string::npos ? path.size() : end) - at, name + "=" + value);
    return path;
}

inline std::string reason_of(const HttpResponse& r) {
    auto error = error_of(r);
    REQUIRE(error["details"].is_array());
    REQUIRE(!error["details"].empty());
    return error["details"][0].value("reason", "");
}

}  // namespace janua::test::federation
