// `janua org|role|apikey ...` in direct mode (--database-url) and remote mode (--server with a
// platform-admin key minted in direct mode): the same JSON and the same exit codes.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

struct CliServer : Server {
    std::string admin_key;
    TestUser owner, alice;

    CliServer() {
        owner = make_user(*this, "owner@example.com");
        alice = make_user(*this, "alice@example.com");
        admin_key = cli_json(direct_args(*this, {"apikey", "create", "--platform-admin", "--name", "cli"}))["key"];
    }
    ProcessResult direct(const std::vector<std::string>& args) const { return run_janua(direct_args(*this, args)); }
    ProcessResult remote(const std::vector<std::string>& args) const { return run_janua(remote_args(*this, admin_key, args)); }
};

json parsed(const ProcessResult& r) {
    INFO("exit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    auto out = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(out.is_discarded());
    return out;
}

// Run in both modes: the same exit code; on success the same JSON. Returns the direct result.
json both(const CliServer& s, const std::vector<std::string>& args, int exit_code = 0) {
    auto d = s.direct(args);
    auto r = s.remote(args);
    INFO("args: " << json(args).dump() << "\ndirect: " << d.exit_code << " " << d.out << d.err << "\nremote: "
                  << r.exit_code << " " << r.out << r.err);
    CHECK(d.exit_code == exit_code);
    CHECK(r.exit_code == exit_code);
    if (exit_code != 0) return nullptr;
    CHECK(parsed(d) == parsed(r));
    return parsed(d);
}

}  // namespace

TEST_CASE("janua org in direct and remote mode", "[orgs][cli]") {
    CliServer s;
    auto created = parsed(s.direct({"org", "create", "--slug", "acme", "--name", "Acme", "--owner", "owner@example.com",
                                    "--metadata", "{\"tier\":\"gold\"}"}));
    CHECK(created["owner_id"] == s.owner.id);
    CHECK(created["metadata"]["tier"] == "gold");
    auto remote_created = parsed(s.remote({"org", "create", "--slug", "globex", "--name", "Globex", "--owner", "alice@example.com"}));
    CHECK(remote_created["owner_id"] == s.alice.id);

    CHECK(both(s, {"org", "get", "acme"})["id"] == created["id"]);
    CHECK(both(s, {"org", "list"})["data"].size() == 2);
    both(s, {"org", "get", "nope"}, 3);
    both(s, {"org", "create", "--slug", "acme", "--name", "Again", "--owner", "alice@example.com"}, 4);
    both(s, {"org", "create", "--slug", "Not Valid", "--name", "x", "--owner", "alice@example.com"}, 2);
    both(s, {"org", "create", "--slug", "x", "--name", "x", "--settings", "[1]", "--owner", "alice@example.com"}, 2);

    parsed(s.direct({"org", "update", "acme", "--name", "Acme Inc"}));
    CHECK(both(s, {"org", "get", "acme"})["name"] == "Acme Inc");

    CHECK(parsed(s.direct({"org", "add-member", "acme", "alice@example.com", "--role", "admin"}))["role"] == "admin");
    both(s, {"org", "add-member", "acme", "alice@example.com"}, 4);
    both(s, {"org", "add-member", "acme", "ghost@example.com"}, 3);
    CHECK(both(s, {"org", "members", "acme"})["data"].size() == 2);
    CHECK(parsed(s.remote({"org", "set-role", "acme", "alice@example.com", "viewer"}))["role"] == "viewer");
    both(s, {"org", "set-role", "acme", "alice@example.com", "no-such-role"}, 3);
    both(s, {"org", "remove-member", "acme", "owner@example.com"}, 4);  // the last owner
    parsed(s.remote({"org", "remove-member", "acme", "alice@example.com"}));
    CHECK(both(s, {"org", "members", "acme"})["data"].size() == 1);

    auto invited = parsed(s.direct({"org", "invite", "acme", "new@example.com", "--role", "viewer"}));
    CHECK(invited["status"] == "pending");
    both(s, {"org", "invite", "acme", "new@example.com"}, 4);
    CHECK(parsed(s.remote({"org", "invite", "acme", "other@example.com"}))["role"] == "member");
    CHECK(count_rows(s, "SELECT count(*) FROM jobs WHERE kind = 'email'") >= 2);

    auto refused = s.direct({"org", "delete", "globex"});
    CHECK(refused.exit_code == 2);  // needs --yes
    CHECK(parsed(s.remote({"org", "delete", "globex", "--yes"}))["deleted"] == "globex");
    CHECK(parsed(s.direct({"org", "delete", "acme", "--yes"}))["deleted"] == "acme");
    both(s, {"org", "get", "acme"}, 3);
}

TEST_CASE("janua role in direct and remote mode", "[orgs][cli][rbac]") {
    CliServer s;
    parsed(s.direct({"org", "create", "--slug", "acme", "--name", "Acme", "--owner", "owner@example.com"}));
    auto role = parsed(s.direct({"role", "create", "acme", "auditor", "--permission", "org:read", "--description", "reads"}));
    CHECK(role["permissions"] == json::array({"org:read"}));
    both(s, {"role", "create", "acme", "auditor", "--permission", "org:read"}, 4);
    both(s, {"role", "create", "acme", "bad", "--permission", "not-a-permission"}, 2);
    CHECK(both(s, {"role", "list", "acme"})["data"].size() == 5);
    CHECK(parsed(s.remote({"role", "grant", "acme", "auditor", "members:read", "invitations:read"}))["permissions"] ==
          json::array({"org:read", "members:read", "invitations:read"}));
    CHECK(parsed(s.direct({"role", "revoke", "acme", "auditor", "members:read"}))["permissions"] ==
          json::array({"org:read", "invitations:read"}));
    CHECK(parsed(s.remote({"role", "update", "acme", "auditor", "--permission", "audit:read"}))["permissions"] ==
          json::array({"audit:read"}));
    both(s, {"role", "update", "acme", "admin", "--permission", "*"}, 4);  // built-in
    both(s, {"role", "grant", "acme", "nobody", "org:read"}, 3);
    parsed(s.direct({"org", "add-member", "acme", "alice@example.com", "--role", "auditor"}));
    both(s, {"role", "delete", "acme", "auditor"}, 4);  // still held
    parsed(s.direct({"org", "set-role", "acme", "alice@example.com", "member"}));
    CHECK(parsed(s.remote({"role", "delete", "acme", "auditor"}))["deleted"] == "auditor");
    CHECK(both(s, {"role", "list", "acme"})["data"].size() == 4);
}

TEST_CASE("janua apikey in direct and remote mode", "[orgs][cli][api_keys]") {
    CliServer s;
    parsed(s.direct({"org", "create", "--slug", "acme", "--name", "Acme", "--owner", "owner@example.com"}));
    auto key = parsed(s.direct({"apikey", "create", "--name", "reporting", "--user", "owner@example.com", "--org", "acme",
                                "--permission", "members:read", "--expires-in-days", "30"}));
    CHECK(key["key"].get<std::string>().rfind("jk_", 0) == 0);
    CHECK_FALSE(key["expires_at"].is_null());
    auto other = parsed(s.remote({"apikey", "create", "--name", "remote", "--user", "owner@example.com", "--permission", "org:read"}));
    CHECK(other["user_id"] == s.owner.id);
    // Over what the user holds: refused in both modes.
    both(s, {"apikey", "create", "--name", "x", "--user", "alice@example.com", "--org", "acme", "--permission", "org:read"}, 3);
    parsed(s.direct({"org", "add-member", "acme", "alice@example.com", "--role", "viewer"}));
    both(s, {"apikey", "create", "--name", "x", "--user", "alice@example.com", "--org", "acme", "--permission", "members:read"}, 5);
    both(s, {"apikey", "create", "--name", "x", "--permission", "org:read"}, 2);  // no user

    auto listed = both(s, {"apikey", "list"});
    CHECK(listed["data"].size() == 3);  // with the CLI's own platform-admin key
    for (const auto& k : listed["data"]) CHECK_FALSE(k.contains("key"));

    const std::string id = key["id"];
    auto rotated = parsed(s.remote({"apikey", "rotate", id, "--grace-seconds", "0"}));
    CHECK(rotated["key"] != key["key"]);
    CHECK(call(s, "GET", k_orgs + "/acme/members", key["key"]).status == 401);
    CHECK(call(s, "GET", k_orgs + "/acme/members", rotated["key"]).status == 200);
    CHECK(parsed(s.direct({"apikey", "revoke", id}))["revoked"] == id);
    both(s, {"apikey", "revoke", id}, 4);
    both(s, {"apikey", "rotate", "00000000-0000-0000-0000-000000000000"}, 3);
    CHECK(call(s, "GET", k_orgs + "/acme/members", rotated["key"]).status == 401);

    auto bad_token = run_janua(remote_args(s, "jk_wrong", {"org", "list"}));
    CHECK(bad_token.exit_code == 5);
}
