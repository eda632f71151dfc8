#pragma once
// MFA tests: TOTP codes come from Debian's oathtool (an independent RFC 6238 implementation),
// never from Janua's own code.

#include "tests/integration/identity/identity_support.hpp"

#include <chrono>
#include <ctime>
#include <thread>

namespace janua::test::mfa {

using namespace janua::test;
using namespace janua::test::identity;

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Wait while the clock is within a few seconds of a step boundary, so "the current step" means
// the same to the test and to januad.
inline std::int64_t settled_now() {
    while (unix_now() % 30 > 25) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return unix_now();
}

// The code oathtool computes for `secret` (Base32) at `unix_seconds`.
inline std::string oathtool_code(const std::string& secret, std::int64_t unix_seconds) {
    auto r = run_process({"/usr/bin/env", "oathtool", "--totp", "-b", secret, "--now", "@" + std::to_string(unix_seconds)});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string code = r.out;
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
    REQUIRE(code.size() == 6);
    return code;
}

// The value a response sets for cookie `name`, or "".
inline std::string set_cookie_value(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
        std::string key = k;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key != "set-cookie" || v.rfind(name + "=", 0) != 0) continue;
        return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    }
    return "";
}

// The value of <input ... name="NAME" value="..."> in a hosted page.
inline std::string hidden_field(const std::string& html, const std::string& name) {
    const auto at = html.find("name=\"" + name + "\" value=\"");
    if (at == std::string::npos) return "";
    const auto start = at + name.size() + 15;
    return html.substr(start, html.find('"', start) - start);
}

struct Enrolled {
    std::string user_id;
    std::string access_token;
    std::string secret;
    std::vector<std::string> backup_codes;
    std::int64_t setup_time = 0;  // the code of this time's step was spent by verify-setup
};

// Sign up and enrol TOTP through the API.
inline Enrolled enrol(const std::string& base, const std::string& email) {
    auto created = signup(base, email);
    Enrolled e;
    e.user_id = created["user"]["id"].get<std::string>();
    e.access_token = created["access_token"].get<std::string>();
    auto enabled = post(base, "/api/v1/mfa/enable", json::object(), e.access_token);
    REQUIRE(enabled.status == 200);
    e.secret = body_of(enabled)["secret"].get<std::string>();
    e.setup_time = settled_now();
    auto setup = post(base, "/api/v1/mfa/verify-setup", {{"code", oathtool_code(e.secret, e.setup_time)}}, e.access_token);
    REQUIRE(setup.status == 200);
    e.backup_codes = body_of(setup)["backup_codes"].get<std::vector<std::string>>();
    REQUIRE(e.backup_codes.size() == 10);
    return e;
}

inline std::string mfa_token_of(const std::string& base, const std::string& email) {
    auto r = signin_response(base, email, k_password);
    REQUIRE(r.status == 200);
    auto body = body_of(r);
    REQUIRE(body.value("mfa_required", false));
    REQUIRE_FALSE(body.contains("access_token"));
    return body["mfa_token"].get<std::string>();
}

}  // namespace janua::test::mfa
