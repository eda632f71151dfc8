// `janua user ...` in direct mode (--database-url) and remote mode (--server/--token), checked
// against what januad does over HTTP with the same users.
#include "tests/integration/identity/identity_support.hpp"

using namespace janua::test;
using namespace janua::test::identity;

namespace {

// `janua <args> --database-url URL --output json`.
std::vector<std::string> direct(const Server& server, std::vector<std::string> args) {
    args.insert(args.end(), {"--database-url", server.db.url(), "--output", "json"});
    return args;
}

std::vector<std::string> remote(const Server& server, const std::string& token, std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server.base(), "--token", token, "--output", "json"});
    return args;
}

json create_user(const Server& server, const std::string& email, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"user", "create", "--email", email, "--password-stdin"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli_json(direct(server, args), k_password);
}

std::vector<std::string> walk_ids(const Server& server, int limit, const std::vector<std::string>& filters = {}) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
        std::vector<std::string> args = {"user", "list", "--limit", std::to_string(limit)};
        args.insert(args.end(), filters.begin(), filters.end());
        if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
        auto body = cli_json(direct(server, args));
        REQUIRE(body["data"].is_array());
        CHECK(body["data"].size() <= static_cast<std::size_t>(limit));
        for (const auto& u : body["data"]) ids.push_back(u["id"].get<std::string>());
        if (body["next_cursor"].is_null()) return ids;
        REQUIRE(body["next_cursor"].is_string());
        cursor = body["next_cursor"].get<std::string>();
    }
    FAIL("user list did not reach the end in 100 pages");
    return ids;
}

}  // namespace

TEST_CASE("user create reads the password from stdin and the user can sign in", "[identity]") {
    Server server;
    auto result = run_janua(direct(server, {"user", "create", "--email", "Created@Example.com", "--first-name", "Ada",
                                            "--last-name", "Byron", "--username", "ada.b", "--password-stdin"}),
                            {}, k_password + "\n");
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find(k_password) == std::string::npos);
    auto user = json::parse(result.out);
    CHECK(user["email"] == "created@example.com");
    CHECK(user["first_name"] == "Ada");
    CHECK(user["last_name"] == "Byron");
    CHECK(user["username"] == "ada.b");
    CHECK(user["status"] == "ACTIVE");
    CHECK(user["is_platform_admin"] == false);
    CHECK_FALSE(user.contains("password_hash"));

    auto session = signin(server.base(), "created@example.com");
    CHECK(session["user"]["id"] == user["id"]);

    // A weak password is refused and creates nothing.
    auto weak = run_janua(direct(server, {"user", "create", "--email", "weak@example.com", "--password-stdin"}), {}, "weak");
    CHECK(weak.exit_code != 0);
    CHECK(run_janua(direct(server, {"user", "get", "weak@example.com"})).exit_code == 3);
}

TEST_CASE("user list pages through every user exactly once", "[identity]") {
    Server server;
    std::set<std::string> created;
    for (int i = 0; i < 5; ++i)
        created.insert(create_user(server, "pager" + std::to_string(i) + "@example.com")["id"].get<std::string>());

    auto all = cli_json(direct(server, {"user", "list"}));
    REQUIRE(all["data"].is_array());
    CHECK(all["data"].size() == 5);
    CHECK(all["next_cursor"].is_null());

    for (int limit : {1, 2}) {
        INFO("--limit " << limit);
        const auto ids = walk_ids(server, limit);
        CHECK(ids.size() == 5);
        CHECK(std::set<std::string>(ids.begin(), ids.end()) == created);
    }

    cli_json(direct(server, {"user", "suspend", "pager3@example.com"}));
    auto suspended = cli_json(direct(server, {"user", "list", "--status", "SUSPENDED"}));
    REQUIRE(suspended["data"].size() == 1);
    CHECK(suspended["data"][0]["email"] == "pager3@example.com");

    auto searched = cli_json(direct(server, {"user", "list", "--search", "pager4"}));
    REQUIRE(searched["data"].size() == 1);
    CHECK(searched["data"][0]["email"] == "pager4@example.com");
}

TEST_CASE("user get, update, suspend and reactivate manage one user", "[identity]") {
    Server server;
    auto created = create_user(server, "managed@example.com");
    const std::string id = created["id"];

    auto by_email = cli_json(direct(server, {"user", "get", "managed@example.com"}));
    auto by_id = cli_json(direct(server, {"user", "get", id}));
    CHECK(by_email == by_id);
    CHECK(by_email["id"] == id);

    auto updated = cli_json(direct(server, {"user", "update", "managed@example.com", "--first-name", "Grace",
                                            "--last-name", "Hopper"}));
    CHECK(updated["first_name"] == "Grace");
    CHECK(updated["last_name"] == "Hopper");
    auto session = signin(server.base(), "managed@example.com");
    CHECK(body_of(get(server.base(), "/api/v1/auth/me", session["access_token"]))["first_name"] == "Grace");

    auto nothing = run_janua(direct(server, {"user", "update", "managed@example.com"}));
    CHECK(nothing.exit_code == 2);

    auto suspended = cli_json(direct(server, {"user", "suspend", id}));
    CHECK(suspended["status"] == "SUSPENDED");
    CHECK(signin_response(server.base(), "managed@example.com", k_password).status == 403);
    CHECK(me_status(server.base(), session["access_token"]) == 401);

    auto reactivated = cli_json(direct(server, {"user", "reactivate", "managed@example.com"}));
    CHECK(reactivated["status"] == "ACTIVE");
    signin(server.base(), "managed@example.com");
}

TEST_CASE("user set-password replaces the password and signs the user out", "[identity]") {
    Server server;
    create_user(server, "reset.by.admin@example.com");
    auto session = signin(server.base(), "reset.by.admin@example.com");

    auto missing_flag = run_janua(direct(server, {"user", "set-password", "reset.by.admin@example.com"}), {}, k_other_password);
    CHECK(missing_flag.exit_code == 2);

    auto set = run_janua(direct(server, {"user", "set-password", "reset.by.admin@example.com", "--password-stdin"}), {},
                         k_other_password + "\n");
    INFO(set.err);
    REQUIRE(set.exit_code == 0);

    CHECK(signin_response(server.base(), "reset.by.admin@example.com", k_password).status == 401);
    signin(server.base(), "reset.by.admin@example.com", k_other_password);
    CHECK(me_status(server.base(), session["access_token"]) == 401);
    CHECK(refresh_response(server.base(), session["refresh_token"]).status == 401);

    auto weak = run_janua(direct(server, {"user", "set-password", "reset.by.admin@example.com", "--password-stdin"}), {}, "weak");
    CHECK(weak.exit_code != 0);
    signin(server.base(), "reset.by.admin@example.com", k_other_password);
}

TEST_CASE("user sessions lists sessions and revoke-sessions ends them all", "[identity]") {
    Server server;
    create_user(server, "sessions.cli@example.com");
    auto a = signin(server.base(), "sessions.cli@example.com");
    auto b = signin(server.base(), "sessions.cli@example.com");

    auto listed = cli_json(direct(server, {"user", "sessions", "sessions.cli@example.com"}));
    REQUIRE(listed["data"].is_array());
    std::set<std::string> ids;
    for (const auto& s : listed["data"]) ids.insert(s["id"].get<std::string>());
    CHECK(ids == std::set<std::string>{parse_jwt(a["access_token"]).payload["sid"].get<std::string>(),
                                       parse_jwt(b["access_token"]).payload["sid"].get<std::string>()});

    auto revoked = cli_json(direct(server, {"user", "revoke-sessions", "sessions.cli@example.com"}));
    CHECK(revoked["revoked"] == 2);
    for (const auto* s : {&a, &b}) {
        CHECK(me_status(server.base(), (*s)["access_token"]) == 401);
        CHECK(refresh_response(server.base(), (*s)["refresh_token"]).status == 401);
    }
    CHECK(cli_json(direct(server, {"user", "sessions", "sessions.cli@example.com"}))["data"].empty());
    // The account itself still works.
    signin(server.base(), "sessions.cli@example.com");
}

TEST_CASE("user delete needs --yes and removes the user", "[identity]") {
    Server server;
    create_user(server, "doomed@example.com");
    auto session = signin(server.base(), "doomed@example.com");

    auto unconfirmed = run_janua(direct(server, {"user", "delete", "doomed@example.com"}));
    CHECK(unconfirmed.exit_code == 2);
    CHECK(run_janua(direct(server, {"user", "get", "doomed@example.com"})).exit_code == 0);

    auto deleted = run_janua(direct(server, {"user", "delete", "doomed@example.com", "--yes"}));
    INFO(deleted.err);
    CHECK(deleted.exit_code == 0);
    CHECK(run_janua(direct(server, {"user", "get", "doomed@example.com"})).exit_code == 3);
    CHECK(signin_response(server.base(), "doomed@example.com", k_password).status == 401);
    CHECK(me_status(server.base(), session["access_token"]) == 401);
}

TEST_CASE("user commands exit 3 for unknown users and 4 for duplicates", "[identity]") {
    Server server;
    create_user(server, "exists@example.com");

    for (const auto& verb : {"get", "suspend", "reactivate", "sessions", "revoke-sessions"}) {
        INFO(verb);
        auto r = run_janua(direct(server, {"user", verb, "missing@example.com"}));
        CHECK(r.exit_code == 3);
        CHECK_FALSE(r.err.empty());
    }
    CHECK(run_janua(direct(server, {"user", "get", "00000000-0000-4000-8000-000000000000"})).exit_code == 3);
    CHECK(run_janua(direct(server, {"user", "delete", "missing@example.com", "--yes"})).exit_code == 3);
    CHECK(run_janua(direct(server, {"user", "update", "missing@example.com", "--first-name", "X"})).exit_code == 3);
    CHECK(run_janua(direct(server, {"user", "set-password", "missing@example.com", "--password-stdin"}), {},
                    k_other_password)
              .exit_code == 3);

    auto duplicate = run_janua(direct(server, {"user", "create", "--email", "EXISTS@example.com", "--password-stdin"}), {},
                               k_password);
    CHECK(duplicate.exit_code == 4);
    CHECK_FALSE(duplicate.err.empty());
}

TEST_CASE("user commands through the daemon print what direct mode prints", "[identity]") {
    Server server;
    create_user(server, "root@example.com", {"--platform-admin"});
    const std::string admin = signin(server.base(), "root@example.com")["access_token"];
    create_user(server, "target@example.com", {"--first-name", "Tess"});

    auto direct_get = cli_json(direct(server, {"user", "get", "target@example.com"}));
    auto remote_get = cli_json(remote(server, admin, {"user", "get", "target@example.com"}));
    CHECK(remote_get == direct_get);
    CHECK(cli_json(remote(server, admin, {"user", "get", direct_get["id"].get<std::string>()})) == direct_get);

    auto direct_list = cli_json(direct(server, {"user", "list", "--search", "target"}));
    auto remote_list = cli_json(remote(server, admin, {"user", "list", "--search", "target"}));
    CHECK(remote_list == direct_list);
    // Pages and cursors are interchangeable between the modes.
    auto direct_page = cli_json(direct(server, {"user", "list", "--limit", "1"}));
    auto remote_page = cli_json(remote(server, admin, {"user", "list", "--limit", "1"}));
    CHECK(remote_page == direct_page);
    REQUIRE(direct_page["next_cursor"].is_string());
    const std::string cursor = direct_page["next_cursor"];
    CHECK(cli_json(remote(server, admin, {"user", "list", "--limit", "1", "--cursor", cursor})) ==
          cli_json(direct(server, {"user", "list", "--limit", "1", "--cursor", cursor})));

    auto made = cli_json(remote(server, admin, {"user", "create", "--email", "remote.made@example.com", "--password-stdin"}),
                         k_password);
    CHECK(made["email"] == "remote.made@example.com");
    CHECK(cli_json(direct(server, {"user", "get", "remote.made@example.com"})) == made);
    auto made_session = signin(server.base(), "remote.made@example.com");

    auto updated = cli_json(remote(server, admin, {"user", "update", "target@example.com", "--first-name", "Theresa"}));
    CHECK(updated["first_name"] == "Theresa");
    CHECK(cli_json(direct(server, {"user", "get", "target@example.com"})) == updated);

    CHECK(cli_json(remote(server, admin, {"user", "suspend", "remote.made@example.com"}))["status"] == "SUSPENDED");
    CHECK(signin_response(server.base(), "remote.made@example.com", k_password).status == 403);
    CHECK(cli_json(remote(server, admin, {"user", "reactivate", "remote.made@example.com"}))["status"] == "ACTIVE");

    auto sessions_remote = cli_json(remote(server, admin, {"user", "sessions", "remote.made@example.com"}));
    auto sessions_direct = cli_json(direct(server, {"user", "sessions", "remote.made@example.com"}));
    CHECK(sessions_remote == sessions_direct);
    (void)made_session;

    auto set = run_janua(remote(server, admin, {"user", "set-password", "remote.made@example.com", "--password-stdin"}), {},
                         k_other_password);
    CHECK(set.exit_code == 0);
    signin(server.base(), "remote.made@example.com", k_other_password);
    CHECK(cli_json(remote(server, admin, {"user", "revoke-sessions", "remote.made@example.com"}))["revoked"].is_number());

    // Exit codes mean the same in both modes.
    CHECK(run_janua(remote(server, admin, {"user", "get", "missing@example.com"})).exit_code == 3);
    CHECK(run_janua(remote(server, admin, {"user", "create", "--email", "TARGET@example.com", "--password-stdin"}), {},
                    k_password)
              .exit_code == 4);
    CHECK(run_janua(remote(server, admin, {"user", "delete", "remote.made@example.com"})).exit_code == 2);
    CHECK(run_janua(remote(server, admin, {"user", "delete", "remote.made@example.com", "--yes"})).exit_code == 0);
    CHECK(run_janua(direct(server, {"user", "get", "remote.made@example.com"})).exit_code == 3);

    // A token without platform administration is refused.
    const std::string plain = signin(server.base(), "target@example.com")["access_token"];
    for (const auto& args : {std::vector<std::string>{"user", "get", "target@example.com"},
                             std::vector<std::string>{"user", "list"},
                             std::vector<std::string>{"user", "suspend", "root@example.com"}}) {
        auto r = run_janua(remote(server, plain, args));
        INFO(r.err);
        CHECK(r.exit_code == 5);
    }
    CHECK(cli_json(direct(server, {"user", "get", "root@example.com"}))["status"] == "ACTIVE");
    auto bad_token = run_janua(remote(server, "not-a-token", {"user", "list"}));
    CHECK(bad_token.exit_code == 5);
}
