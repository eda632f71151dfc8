// `janua login` with the device authorization grant and the seeded janua-cli client: the CLI
// prints the code on stderr and polls while a signed-in browser approves it on /device; the
// saved device login then drives remote commands, is refreshed when it expires, and logout
// revokes it.
#include "tests/integration/oidc/form_browser.hpp"

#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>

using namespace janua::test;
using namespace janua::test::oidc;

namespace {

// The hosted /device page driven without scripts (form_browser.hpp).
struct Browser : FormBrowser {
    void approve(const std::string& user_code) {
        auto page = send("GET", "/device");
        REQUIRE(page.status == 200);
        auto confirm = send("POST", "/device", form({{"csrf_token", field(page.body, "csrf_token")}, {"user_code", user_code}}));
        INFO(confirm.body);
        REQUIRE(confirm.status == 200);
        auto decided = send("POST", "/device/decision", form({{"csrf_token", field(confirm.body, "csrf_token")},
                                                              {"user_code", user_code}, {"decision", "allow"}}));
        REQUIRE(decided.status == 200);
    }
};

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

TEST_CASE("janua login runs the device grant with janua-cli and remote commands use the saved login", "[cli][login]") {
    Server s;
    cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--email-verified", "--platform-admin",
              "--database-url", s.db.url(), "--output", "json"},
             k_password);
    const auto home = (std::filesystem::temp_directory_path() / ("janua-login-" + std::to_string(std::random_device{}()))).string();
    const std::string env = "XDG_CONFIG_HOME=" + shell_quote(home) + " DATABASE_URL= JANUA_SERVER= JANUA_TOKEN= ";

    // Start the login and read its stderr until the code appears.
    const std::string command = env + shell_quote(janua_path()) + " login --server " + shell_quote(s.base()) +
                                " --profile dev --output json 2>&1";
    FILE* child = ::popen(command.c_str(), "r");
    REQUIRE(child);
    std::string output, user_code;
    char line[4096];
    while (user_code.empty() && std::fgets(line, sizeof line, child)) {
        output += line;
        std::smatch m;
        const std::string text = line;
        if (std::regex_search(text, m, std::regex("shows the code ([A-Z0-9-]+)"))) user_code = m[1];
    }
    INFO(output);
    REQUIRE_FALSE(user_code.empty());
    CHECK(output.find("/device?user_code=") != std::string::npos);
    Browser browser{{s.base(), {}}};
    browser.sign_in("root@example.com");
    browser.approve(user_code);
    while (std::fgets(line, sizeof line, child)) output += line;
    const int status = ::pclose(child);
    INFO(output);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(output.find("\"kind\": \"device\"") != std::string::npos);

    const auto path = home + "/janua/credentials";
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::map<std::string, std::string> vars = {{"XDG_CONFIG_HOME", home}, {"DATABASE_URL", ""}, {"JANUA_SERVER", ""}, {"JANUA_TOKEN", ""}};
    auto listed = run_janua({"user", "list", "--output", "json"}, vars);
    INFO(listed.err);
    REQUIRE(listed.exit_code == 0);
    CHECK(json::parse(listed.out)["data"][0]["email"] == "root@example.com");

    // An expired access token is refreshed (rotating the refresh token) and saved again.
    auto saved = json::parse(std::ifstream(path));
    const std::string old_refresh = saved["profiles"]["dev"]["refresh_token"];
    REQUIRE_FALSE(old_refresh.empty());
    saved["profiles"]["dev"]["expires_at"] = 1;
    std::ofstream(path) << saved.dump();
    REQUIRE(run_janua({"user", "list", "--output", "json"}, vars).exit_code == 0);
    auto refreshed = json::parse(std::ifstream(path));
    CHECK(refreshed["profiles"]["dev"]["expires_at"].get<long long>() > 1);
    CHECK(refreshed["profiles"]["dev"]["refresh_token"] != old_refresh);

    REQUIRE(run_janua({"logout"}, vars).exit_code == 0);
    // The refresh token was revoked with the logout.
    auto reused = post_form(s.base(), "/oauth/token", {{"grant_type", "refresh_token"},
                                                       {"refresh_token", refreshed["profiles"]["dev"]["refresh_token"]},
                                                       {"client_id", "janua-cli"}});
    CHECK(reused.status == 400);
    std::error_code ec;
    std::filesystem::remove_all(home, ec);
}
