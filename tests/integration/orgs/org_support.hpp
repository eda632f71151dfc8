#pragma once
// Shared pieces of the organization tests: a januad with users signed in, JSON calls with any
// bearer token, organizations and API keys made through the API, and the CLI in both modes.

#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

namespace janua::test::orgs {

using namespace janua::test::identity;
using nlohmann::json;

inline const std::string k_orgs = "/api/v1/organizations";

inline HttpResponse call(const Server& server, const std::string& method, const std::string& path,
                         const std::string& token, const json& body = nullptr) {
    return http(method, server.base(), path, body.is_null() ? std::string() : body.dump(), bearer(token));
}

inline json ok_json(const HttpResponse& r, int status = 200) {
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == status);
    return r.body.empty() ? json(nullptr) : body_of(r);
}

// A user created through the CLI and signed in: {id, email, token}.
struct TestUser {
    std::string id;
    std::string email;
    std::string token;
};

inline TestUser make_user(const Server& server, const std::string& email, bool platform_admin = false) {
    if (!platform_admin) {
        auto created = signup(server.base(), email);
        return TestUser{created["user"]["id"], email, created["access_token"]};
    }
    auto created = cli_json({"user", "create", "--email", email, "--password-stdin", "--email-verified",
                             "--platform-admin", "--database-url", server.db.url(), "--output", "json"},
                            k_password);
    return TestUser{created["id"], email, signin(server.base(), email)["access_token"]};
}

inline json make_org(const Server& server, const TestUser& owner, const std::string& slug) {
    return ok_json(call(server, "POST", k_orgs, owner.token, {{"slug", slug}, {"name", "Org " + slug}}), 201);
}

inline void add_member(const Server& server, const std::string& org_id, const std::string& token,
                       const TestUser& user, const std::string& role) {
    ok_json(call(server, "POST", k_orgs + "/" + org_id + "/members", token, {{"user_id", user.id}, {"role", role}}), 201);
}

// A key made by `owner` through the API: the created JSON, whose "key" is the secret.
inline json make_key(const Server& server, const TestUser& owner, const json& permissions,
                     const std::optional<std::string>& org_id = std::nullopt) {
    json body = {{"name", "key of " + owner.email}, {"permissions", permissions}};
    if (org_id) body["organization_id"] = *org_id;
    return ok_json(call(server, "POST", "/api/v1/api-keys", owner.token, body), 201);
}

// Direct SQL on the test database, for what the API cannot do (moving clocks back).
inline void sql(const Server& server, const std::string& statement) {
    pqxx::connection c(server.db.url());
    pqxx::work w(c);
    w.exec(statement);
    w.commit();
}

inline long long count_rows(const Server& server, const std::string& query) {
    pqxx::connection c(server.db.url());
    pqxx::work w(c);
    return w.exec1(query)[0].as<long long>();
}

inline std::vector<std::string> direct_args(const Server& server, std::vector<std::string> args) {
    args.insert(args.end(), {"--database-url", server.db.url(), "--output", "json"});
    return args;
}

inline std::vector<std::string> remote_args(const Server& server, const std::string& token, std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server.base(), "--token", token, "--output", "json"});
    return args;
}

}  // namespace janua::test::orgs
