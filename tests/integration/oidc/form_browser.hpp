#pragma once
// A browser without scripts for the hosted pages: a cookie jar over the harness client, the
// CSRF field of a page, and a password sign-in through /login (the janua_session cookie).
// Used by the device-page, `janua login` and account-console tests.

#include "tests/integration/oidc/oidc_support.hpp"

#include <strings.h>

#include <map>
#include <regex>
#include <string>

namespace janua::test::oidc {

struct FormBrowser {
    std::string base;
    std::map<std::string, std::string> jar;

    std::string cookie_header() const {
        std::string out;
        for (const auto& [k, v] : jar)
            if (!v.empty()) out += (out.empty() ? "" : "; ") + k + "=" + v;
        return out;
    }
    HttpResponse send(const std::string& method, const std::string& path, const std::string& body = {},
                      std::map<std::string, std::string> headers = {},
                      const std::string& content_type = "application/x-www-form-urlencoded") {
        if (!jar.empty()) headers["Cookie"] = cookie_header();
        auto r = http(method, base, path, body, headers, content_type);
        for (const auto& [name, value] : r.headers) {
            if (strcasecmp(name.c_str(), "Set-Cookie") != 0) continue;
            const auto pair = value.substr(0, value.find(';'));
            const auto eq = pair.find('=');
            jar[pair.substr(0, eq)] = pair.substr(eq + 1);
        }
        return r;
    }
    HttpResponse post(const std::string& path, const Pairs& fields) { return send("POST", path, form(fields)); }
    // The value of the first form field `name` on a page.
    static std::string field(const std::string& html, const std::string& name) {
        std::smatch m;
        REQUIRE(std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\"")));
        return m[1];
    }
    // Sign in on /login; `return_to` empty answers the "Signed in" page, else redirects there.
    HttpResponse sign_in(const std::string& email, const std::string& return_to = "",
                         const std::string& password = k_password) {
        auto page = send("GET", "/login");
        REQUIRE(page.status == 200);
        auto done = post("/login", {{"csrf_token", field(page.body, "csrf_token")}, {"return_to", return_to},
                                    {"email", email}, {"password", password}});
        INFO(done.body);
        REQUIRE(done.status == (return_to.empty() ? 200 : 302));
        REQUIRE(jar.count("janua_session"));
        return done;
    }
};

}  // namespace janua::test::oidc
