// /api/v1/oauth/clients over real HTTP and `janua client ...` in direct and remote mode, against
// one januad per test.
#include "core/common/time.hpp"
#include "core/db/pool.hpp"
#include "core/oidc/client_service.hpp"
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

#include <unistd.h>

#include <cstdlib>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

const std::string k_base = "/api/v1/oauth/clients";

// A januad with a platform admin and a plain user, both signed in.
struct ClientServer : Server {
    std::string admin;
    std::string plain;

    ClientServer() {
        cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin",
                  "--database-url", db.url(), "--output", "json"},
                 k_password);
        cli_json({"user", "create", "--email", "plain@example.com", "--password-stdin", "--database-url", db.url(),
                  "--output", "json"},
                 k_password);
        admin = signin(base(), "root@example.com")["access_token"];
        plain = signin(base(), "plain@example.com")["access_token"];
    }

    HttpResponse call(const std::string& method, const std::string& path, const json& body = nullptr,
                      const std::string& token = "") const {
        return http(method, base(), path, body.is_null() ? std::string() : body.dump(),
                    bearer(token.empty() ? admin : token));
    }
};

std::vector<std::string> direct(const Server& server, std::vector<std::string> args) {
    args.insert(args.end(), {"--database-url", server.db.url(), "--output", "json"});
    return args;
}

std::vector<std::string> remote(const Server& server, const std::string& token, std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server.base(), "--token", token, "--output", "json"});
    return args;
}

json web_client(const std::string& client_id) {
    return {{"client_id", client_id},
            {"name", "Acme Web"},
            {"grant_types", {"authorization_code", "refresh_token"}},
            {"redirect_uris", {"https://acme.example/callback", "http://localhost:3000/callback"}},
            {"post_logout_redirect_uris", {"https://acme.example/"}},
            {"scopes", {"openid", "profile", "email", "offline_access"}}};
}

// A file holding `text` that is removed when the test ends.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text) {
        char pattern[] = "/tmp/janua-client-XXXXXX";
        const int fd = ::mkstemp(pattern);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path = pattern;
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

// ClientService::authenticate_secret in this process, against the server's database.
bool authenticates(const Server& server, const std::string& client_id, const std::string& secret) {
    janua::db::PoolSettings settings;
    settings.url = server.db.url();
    settings.size = 1;
    janua::db::Pool pool(settings);
    return janua::oidc::ClientService(pool).authenticate_secret(client_id, secret).ok();
}

}  // namespace

TEST_CASE("a confidential client's secret is returned once and never listed", "[clients]") {
    ClientServer server;
    auto created = server.call("POST", k_base, web_client("acme-web"));
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto client = body_of(created);
    CHECK(client["client_id"] == "acme-web");
    CHECK(client["is_public"] == false);
    CHECK(client["token_endpoint_auth_method"] == "client_secret_basic");
    CHECK(client["response_types"] == json::array({"code"}));
    CHECK(client["grant_types"] == json::array({"authorization_code", "refresh_token"}));
    CHECK(client["redirect_uris"] == web_client("x")["redirect_uris"]);
    CHECK(client["require_consent"] == true);
    CHECK(client["enabled"] == true);
    CHECK(client["created_by"].is_string());
    REQUIRE(client["client_secret"].is_string());
    const std::string secret = client["client_secret"];
    CHECK(secret.size() == 43);
    CHECK(authenticates(server, "acme-web", secret));

    const std::string hash = janua::oidc::hash_client_secret(secret);
    auto got = server.call("GET", k_base + "/acme-web");
    REQUIRE(got.status == 200);
    auto listed = server.call("GET", k_base);
    REQUIRE(listed.status == 200);
    for (const auto* r : {&got, &listed}) {
        CHECK(r->body.find(secret) == std::string::npos);
        CHECK(r->body.find(hash) == std::string::npos);
        CHECK(r->body.find("client_secret\"") == std::string::npos);
    }
    auto shown = body_of(got);
    client.erase("client_secret");
    CHECK(shown == client);
    // Besides the built-in janua-cli client (migration 0016), the list holds exactly this one.
    json others = json::array();
    const json listed_body = body_of(listed);
    for (const auto& c : listed_body["data"])
        if (c["client_id"] != "janua-cli") others.push_back(c);
    CHECK(others == json::array({client}));

    // A generated client_id when none is given.
    auto generated = server.call("POST", k_base, {{"name", "Machine"}, {"grant_types", {"client_credentials"}}});
    REQUIRE(generated.status == 201);
    CHECK(body_of(generated)["client_id"].get<std::string>().size() == 22);
    CHECK(body_of(generated)["redirect_uris"].empty());
    CHECK(body_of(generated)["response_types"].empty());
}

TEST_CASE("a public client gets no secret and cannot rotate one", "[clients]") {
    ClientServer server;
    auto created = server.call("POST", k_base,
                               {{"client_id", "acme-spa"},
                                {"name", "Acme SPA"},
                                {"is_public", true},
                                {"redirect_uris", {"http://127.0.0.1:5173/cb", "com.acme.app:/oauth2redirect"}}});
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto client = body_of(created);
    CHECK(client["is_public"] == true);
    CHECK(client["token_endpoint_auth_method"] == "none");
    CHECK_FALSE(client.contains("client_secret"));

    auto rotate = server.call("POST", k_base + "/acme-spa/rotate-secret");
    CHECK(rotate.status == 422);
    auto credentials = server.call("POST", k_base,
                                   {{"name", "Bad"}, {"is_public", true}, {"grant_types", {"client_credentials"}}});
    CHECK(credentials.status == 422);
    CHECK(error_code(credentials) == "VALIDATION_ERROR");
}

TEST_CASE("a duplicate client_id is a conflict", "[clients]") {
    ClientServer server;
    REQUIRE(server.call("POST", k_base, web_client("taken")).status == 201);
    auto again = server.call("POST", k_base, web_client("taken"));
    CHECK(again.status == 409);
    CHECK(error_code(again) == "CONFLICT_ERROR");

    const std::vector<std::string> create = {"client", "create", "--name", "Again", "--id", "taken", "--grant-type",
                                             "client_credentials"};
    auto in_direct = run_janua(direct(server, create));
    CHECK(in_direct.exit_code == 4);
    CHECK(in_direct.err.find("taken") != std::string::npos);
    CHECK(run_janua(remote(server, server.admin, create)).exit_code == 4);
}

TEST_CASE("invalid redirect URIs are refused with one detail each", "[clients]") {
    ClientServer server;
    auto body = web_client("bad-uris");
    body["redirect_uris"] = {"https://acme.example/cb#fragment", "http://acme.example/cb", "/relative",
                             "https://acme.example/ok", "javascript:alert(1)"};
    auto refused = server.call("POST", k_base, body);
    INFO(refused.body);
    REQUIRE(refused.status == 422);
    auto error = error_of(refused);
    CHECK(error["code"] == "VALIDATION_ERROR");
    std::map<std::string, std::string> rules;
    for (const auto& d : error["details"]) rules[d["field"]] = d["rule"];
    CHECK(rules == std::map<std::string, std::string>{{"redirect_uris[0]", "fragment"},
                                                      {"redirect_uris[1]", "insecure_scheme"},
                                                      {"redirect_uris[2]", "not_absolute"},
                                                      {"redirect_uris[4]", "scheme"}});
    CHECK(server.call("GET", k_base + "/bad-uris").status == 404);

    auto none = web_client("no-uris");
    none.erase("redirect_uris");
    auto missing = server.call("POST", k_base, none);
    CHECK(missing.status == 422);
    CHECK(error_of(missing)["details"][0]["field"] == "redirect_uris");

    auto cli = run_janua(direct(server, {"client", "create", "--name", "CLI", "--grant-type", "authorization_code",
                                         "--redirect-uri", "http://app.example/cb"}));
    CHECK(cli.exit_code == 2);
    CHECK(cli.err.find("redirect_uris[0]") != std::string::npos);
}

TEST_CASE("PATCH changes some settings and keeps the rest", "[clients]") {
    ClientServer server;
    auto created = body_of(server.call("POST", k_base, web_client("patched")));
    const std::string secret = created["client_secret"];

    auto patched = server.call("PATCH", k_base + "/patched",
                               {{"name", "Renamed"}, {"redirect_uris", {"https://new.example/cb"}}, {"access_token_ttl_seconds", 300}});
    INFO(patched.body);
    REQUIRE(patched.status == 200);
    auto client = body_of(patched);
    CHECK(client["name"] == "Renamed");
    CHECK(client["redirect_uris"] == json::array({"https://new.example/cb"}));
    CHECK(client["access_token_ttl_seconds"] == 300);
    CHECK(client["grant_types"] == created["grant_types"]);
    CHECK(client["scopes"] == created["scopes"]);
    CHECK(authenticates(server, "patched", secret));

    CHECK(server.call("PATCH", k_base + "/patched", {{"redirect_uris", json::array()}}).status == 422);
    CHECK(server.call("PATCH", k_base + "/patched", {{"is_public", true}}).status == 422);
    CHECK(server.call("PATCH", k_base + "/patched", {{"client_secret", std::string(40, 'x')}}).status == 422);
    CHECK(server.call("PATCH", k_base + "/patched", {{"colour", "red"}}).status == 422);
    CHECK(server.call("PATCH", k_base + "/missing", {{"name", "X"}}).status == 404);
    CHECK(body_of(server.call("GET", k_base + "/patched")) == client);
}

TEST_CASE("rotate-secret over HTTP returns the new secret and the old one's expiry", "[clients]") {
    ClientServer server;
    const std::string first = body_of(server.call("POST", k_base, web_client("rotated")))["client_secret"];

    auto rotated = server.call("POST", k_base + "/rotated/rotate-secret", {{"grace_seconds", 600}});
    INFO(rotated.body);
    REQUIRE(rotated.status == 200);
    auto body = body_of(rotated);
    CHECK(body["client_id"] == "rotated");
    REQUIRE(body["client_secret"].is_string());
    REQUIRE(body["previous_secret_expires_at"].is_string());
    const auto expires = janua::parse_rfc3339(body["previous_secret_expires_at"]);
    REQUIRE(expires);
    CHECK(std::abs(*expires - (janua::unix_seconds_now() + 600)) < 120);
    CHECK(authenticates(server, "rotated", first));
    CHECK(authenticates(server, "rotated", body["client_secret"]));
    CHECK(body_of(server.call("GET", k_base + "/rotated"))["previous_secret_expires_at"] == body["previous_secret_expires_at"]);

    // No body: the default grace period (24 h).
    auto defaulted = body_of(server.call("POST", k_base + "/rotated/rotate-secret"));
    CHECK(std::abs(*janua::parse_rfc3339(defaulted["previous_secret_expires_at"]) - (janua::unix_seconds_now() + 86400)) < 120);
    CHECK_FALSE(authenticates(server, "rotated", first));

    CHECK(server.call("POST", k_base + "/rotated/rotate-secret", {{"grace_seconds", -5}}).status == 422);
    CHECK(server.call("POST", k_base + "/rotated/rotate-secret", {{"grace_seconds", "soon"}}).status == 422);
    CHECK(server.call("POST", k_base + "/missing/rotate-secret").status == 404);
}

TEST_CASE("a deleted client is gone", "[clients]") {
    ClientServer server;
    const std::string secret = body_of(server.call("POST", k_base, web_client("doomed")))["client_secret"];
    CHECK(server.call("DELETE", k_base + "/doomed").status == 204);
    CHECK(server.call("GET", k_base + "/doomed").status == 404);
    CHECK(server.call("DELETE", k_base + "/doomed").status == 404);
    CHECK_FALSE(authenticates(server, "doomed", secret));
    // The client_id can be registered again.
    CHECK(server.call("POST", k_base, web_client("doomed")).status == 201);
}

TEST_CASE("only platform admins manage clients", "[clients]") {
    ClientServer server;
    REQUIRE(server.call("POST", k_base, web_client("guarded")).status == 201);
    const std::vector<std::pair<std::string, std::string>> routes = {
        {"GET", k_base}, {"POST", k_base}, {"GET", k_base + "/guarded"}, {"PATCH", k_base + "/guarded"},
        {"DELETE", k_base + "/guarded"}, {"POST", k_base + "/guarded/rotate-secret"}};
    for (const auto& [method, path] : routes) {
        INFO(method << " " << path);
        auto as_user = server.call(method, path, json::object(), server.plain);
        CHECK(as_user.status == 403);
        CHECK(error_code(as_user) == "AUTHORIZATION_ERROR");
        CHECK(http(method, server.base(), path, "{}").status == 401);
    }
    CHECK(server.call("GET", k_base + "/guarded").status == 200);
    CHECK(run_janua(remote(server, server.plain, {"client", "list"})).exit_code == 5);
}

TEST_CASE("client list pages through every client once", "[clients]") {
    ClientServer server;
    std::set<std::string> created;
    for (int i = 0; i < 5; ++i) {
        const std::string id = "pager-" + std::to_string(i);
        REQUIRE(server.call("POST", k_base, web_client(id)).status == 201);
        created.insert(id);
    }
    std::set<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        auto body = body_of(server.call("GET", k_base + "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor)));
        CHECK(body["data"].size() <= 2);
        for (const auto& c : body["data"]) CHECK(seen.insert(c["client_id"].get<std::string>()).second);
        if (body["next_cursor"].is_null()) break;
        cursor = body["next_cursor"];
    }
    seen.erase("janua-cli");  // the client of `janua login`, seeded by migration 0016
    CHECK(seen == created);
    CHECK(body_of(server.call("GET", k_base + "?q=pager-3"))["data"].size() == 1);
    CHECK(server.call("GET", k_base + "?limit=0").status == 422);
    CHECK(server.call("GET", k_base + "?cursor=garbage").status == 422);
}

TEST_CASE("janua client prints the same JSON directly and through the daemon", "[clients]") {
    ClientServer server;
    // Created directly, with an operator-chosen secret and a client_id that needs URL encoding.
    const std::string chosen = "an-operator-chosen-secret-of-40-chars-xx";
    TempFile secret_file(chosen + "\n");
    auto created = cli_json(direct(server, {"client", "create", "--name", "Acme Web", "--id", "urn:acme:web",
                                            "--grant-type", "authorization_code", "--grant-type", "refresh_token",
                                            "--redirect-uri", "https://acme.example/callback", "--scope", "openid",
                                            "--scope", "offline_access", "--secret-file", secret_file.path}));
    CHECK(created["client_id"] == "urn:acme:web");
    CHECK_FALSE(created.contains("client_secret"));
    CHECK(created["scopes"] == json::array({"openid", "offline_access"}));
    CHECK(authenticates(server, "urn:acme:web", chosen));

    auto direct_get = cli_json(direct(server, {"client", "get", "urn:acme:web"}));
    auto remote_get = cli_json(remote(server, server.admin, {"client", "get", "urn:acme:web"}));
    CHECK(remote_get == direct_get);
    CHECK(direct_get == created);
    CHECK(body_of(server.call("GET", k_base + "/urn%3Aacme%3Aweb")) == direct_get);

    // Created remotely, with a generated secret.
    auto made = cli_json(remote(server, server.admin, {"client", "create", "--name", "Native", "--id", "acme-native",
                                                       "--public", "--grant-type", "authorization_code",
                                                       "--redirect-uri", "com.acme.app:/cb"}));
    CHECK(made["is_public"] == true);
    CHECK_FALSE(made.contains("client_secret"));
    auto service = cli_json(remote(server, server.admin, {"client", "create", "--name", "Service", "--grant-type",
                                                          "client_credentials", "--token-auth-method",
                                                          "client_secret_post"}));
    REQUIRE(service["client_secret"].is_string());
    CHECK(service["token_endpoint_auth_method"] == "client_secret_post");
    CHECK(authenticates(server, service["client_id"], service["client_secret"]));

    auto direct_list = cli_json(direct(server, {"client", "list", "--search", "acme"}));
    auto remote_list = cli_json(remote(server, server.admin, {"client", "list", "--search", "acme"}));
    CHECK(remote_list == direct_list);
    CHECK(direct_list["data"].size() == 2);

    auto updated = cli_json(remote(server, server.admin, {"client", "update", "urn:acme:web", "--name", "Acme",
                                                          "--require-consent", "false"}));
    CHECK(updated["name"] == "Acme");
    CHECK(updated["require_consent"] == false);
    CHECK(cli_json(direct(server, {"client", "get", "urn:acme:web"})) == updated);
    CHECK(run_janua(direct(server, {"client", "update", "urn:acme:web"})).exit_code == 2);

    // rotate-secret: generated in both modes, grace 0 ends the old secret at once.
    auto rotated = cli_json(direct(server, {"client", "rotate-secret", "urn:acme:web", "--grace-seconds", "0"}));
    CHECK(rotated["client_id"] == "urn:acme:web");
    CHECK(rotated["previous_secret_expires_at"].is_null());
    CHECK_FALSE(authenticates(server, "urn:acme:web", chosen));
    CHECK(authenticates(server, "urn:acme:web", rotated["client_secret"]));
    auto remote_rotated = cli_json(remote(server, server.admin, {"client", "rotate-secret", "urn:acme:web"}));
    CHECK(remote_rotated["previous_secret_expires_at"].is_string());
    CHECK(authenticates(server, "urn:acme:web", rotated["client_secret"]));
    CHECK(authenticates(server, "urn:acme:web", remote_rotated["client_secret"]));
    CHECK(run_janua(direct(server, {"client", "rotate-secret", "urn:acme:web", "--grace-seconds", "soon"})).exit_code == 2);

    // Exit codes mean the same in both modes.
    CHECK(run_janua(direct(server, {"client", "get", "missing"})).exit_code == 3);
    CHECK(run_janua(remote(server, server.admin, {"client", "get", "missing"})).exit_code == 3);
    CHECK(run_janua(direct(server, {"client", "create", "--name", "X", "--grant-type", "password"})).exit_code == 2);
    CHECK(run_janua(remote(server, server.admin, {"client", "create", "--name", "X", "--grant-type", "password"})).exit_code == 2);
    CHECK(run_janua(direct(server, {"client", "create", "--name", "X"})).exit_code == 2);
    TempFile short_secret("too-short\n");
    CHECK(run_janua(direct(server, {"client", "create", "--name", "X", "--grant-type", "client_credentials",
                                    "--secret-file", short_secret.path}))
              .exit_code == 2);
    CHECK(run_janua(direct(server, {"client", "create", "--name", "X", "--grant-type", "client_credentials",
                                    "--secret-file", "/nonexistent/secret"}))
              .exit_code == 2);

    CHECK(run_janua(direct(server, {"client", "delete", "acme-native"})).exit_code == 2);
    auto deleted = cli_json(remote(server, server.admin, {"client", "delete", "acme-native", "--yes"}));
    CHECK(deleted == json{{"deleted", "acme-native"}});
    CHECK(run_janua(direct(server, {"client", "get", "acme-native"})).exit_code == 3);
    CHECK(cli_json(direct(server, {"client", "delete", "urn:acme:web", "--yes"})) == json{{"deleted", "urn:acme:web"}});
    CHECK(run_janua(remote(server, server.admin, {"client", "delete", "urn:acme:web", "--yes"})).exit_code == 3);
}
