// The CLI in both modes against the same expectations: direct (--database-url, the core
// services) and remote (--server/--token, januad's API). Each TEST_CASE runs once per mode
// (GENERATE) on a fresh database and daemon. Covers janua apply / export (idempotence, dry
// runs, prune, partial files, errors with line and field, secrets never printed, round trips),
// list/get of what apply made, output hygiene, and janua login / logout.
#include "tests/integration/orgs/org_support.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

const std::string k_web_secret = "acme-web-secret-0123456789-abcdefghijklmnop";

std::string temp_dir() {
    static std::mt19937_64 rng{std::random_device{}()};
    auto dir = std::filesystem::temp_directory_path() / ("janua-apply-" + std::to_string(rng()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

struct Modes : Server {
    std::string mode;
    std::string dir = temp_dir();
    std::string admin_key;
    TestUser owner, ops, dev;

    explicit Modes(std::string m)
        : Server(Env{{"WEBHOOK_ALLOW_PRIVATE", "true"}, {"UPSTREAM_IDP_ALLOW_PRIVATE", "true"}}), mode(std::move(m)) {
        owner = make_user(*this, "owner@example.com");
        ops = make_user(*this, "ops@example.com");
        dev = make_user(*this, "dev@example.com");
        admin_key = cli_json(direct_args(*this, {"apikey", "create", "--platform-admin", "--name", "ci"}))["key"];
    }
    ~Modes() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string file(const std::string& name, const std::string& text) const {
        const auto path = dir + "/" + name;
        std::ofstream(path) << text;
        return path;
    }
    // The command in this test's mode; `output` json or table.
    ProcessResult run(std::vector<std::string> args, const std::string& output = "json", Env env = {}) const {
        env["WEBHOOK_ALLOW_PRIVATE"] = "true";
        env["UPSTREAM_IDP_ALLOW_PRIVATE"] = "true";
        env.emplace("ACME_WEB_SECRET", k_web_secret);  // a test may give another
        if (mode == "direct") args.insert(args.end(), {"--database-url", db.url()});
        else args.insert(args.end(), {"--server", base(), "--token", admin_key});
        args.insert(args.end(), {"--output", output});
        return run_janua(args, env);
    }
    json ok(const std::vector<std::string>& args) const {
        auto r = run(args);
        INFO(mode << " " << json(args).dump() << "\nexit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        auto parsed = json::parse(r.out, nullptr, false);
        REQUIRE_FALSE(parsed.is_discarded());
        return parsed;
    }
};

const char* k_tenant = R"(# a whole tenant
organizations:
  - slug: acme
    name: Acme Inc
    owner: owner@example.com
    settings: {plan: pro, seats: 25}
    roles:
      - name: auditor
        description: reads the audit log
        permissions: ["audit:read", "members:read"]
    members:
      - email: owner@example.com
        role: owner
      - email: ops@example.com
        role: admin
      - email: dev@example.com
        role: auditor
    webhooks:
      - url: https://hooks.example.com/janua
        event_types: ["user.*", "org.*"]
        description: audit sink
        save_secret_to: hook-secret
    scim_tokens:
      - name: okta
        save_secret_to: okta-token
clients:
  - client_id: acme-web
    name: Acme Web
    redirect_uris: ["https://acme.example.com/callback"]
    grant_types: [authorization_code, refresh_token]
    secret_from: {env: ACME_WEB_SECRET}
  - client_id: acme-spa
    name: Acme SPA
    is_public: true
    token_endpoint_auth_method: none
    redirect_uris: ["https://app.acme.example.com/cb"]
)";

int count_of(const json& report, const char* action) { return report["summary"][action].get<int>(); }

bool has_change(const json& report, const std::string& action, const std::string& kind, const std::string& name) {
    for (const auto& c : report["changes"])
        if (c["action"] == action && c["kind"] == kind && c["name"] == name) return true;
    return false;
}

json names(const json& list, const char* key) {
    json out = json::array();
    for (const auto& item : list) out.push_back(item[key]);
    return out;
}

}  // namespace

TEST_CASE("apply provisions a tenant and a second apply changes nothing and list and get agree", "[cli][apply]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    const auto tenant = s.file("tenant.yaml", k_tenant);

    // --dry-run plans everything and writes nothing.
    auto plan = s.ok({"apply", "-f", tenant, "--dry-run"});
    CHECK(plan["dry_run"] == true);
    CHECK(plan["applied"] == false);
    CHECK(count_of(plan, "create") == 8);  // org, role, ops, dev (the owner joins with the org), webhook, token, 2 clients
    CHECK(has_change(plan, "create", "organization", "acme"));
    CHECK(has_change(plan, "create", "client", "acme-web"));
    CHECK(s.run({"org", "get", "acme"}).exit_code == 3);
    CHECK(s.run({"client", "get", "acme-web"}).exit_code == 3);

    // The real thing: the secret is used but never printed, and issued secrets go to their files.
    auto applied = s.run({"apply", "-f", tenant});
    INFO(applied.out << applied.err);
    REQUIRE(applied.exit_code == 0);
    auto report = json::parse(applied.out);
    CHECK(report["applied"] == true);
    CHECK(report["changes"] == plan["changes"]);
    CHECK(applied.out.find(k_web_secret) == std::string::npos);
    CHECK(applied.err.find(k_web_secret) == std::string::npos);
    CHECK(applied.out.find("jsc_") == std::string::npos);
    for (const char* name : {"/okta-token", "/hook-secret"}) {
        struct stat st {};
        REQUIRE(::stat((s.dir + name).c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    std::string okta;
    std::getline(std::ifstream(s.dir + "/okta-token"), okta);
    CHECK(okta.rfind("jsc_", 0) == 0);

    // Idempotent: nothing left to do, exit 0, and the table output says so.
    auto again = s.ok({"apply", "-f", tenant});
    CHECK(again["changes"].empty());
    CHECK(again["applied"] == false);
    auto text = s.run({"apply", "-f", tenant}, "table");
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("No changes") != std::string::npos);

    // What apply made, read back with the ordinary commands.
    auto org = s.ok({"org", "get", "acme"});
    CHECK(org["name"] == "Acme Inc");
    CHECK(org["owner_id"] == s.owner.id);
    CHECK(org["settings"] == json({{"plan", "pro"}, {"seats", 25}}));
    auto roles = s.ok({"role", "list", "acme"})["data"];
    bool found_auditor = false;
    for (const auto& r : roles)
        if (r["name"] == "auditor") {
            found_auditor = true;
            CHECK(r["permissions"] == json({"audit:read", "members:read"}));
            CHECK(r["description"] == "reads the audit log");
        }
    CHECK(found_auditor);
    auto members = s.ok({"org", "members", "acme"})["data"];
    CHECK(members.size() == 3);
    for (const auto& m : members) {
        if (m["email"] == "ops@example.com") CHECK(m["role"] == "admin");
        if (m["email"] == "dev@example.com") CHECK(m["role"] == "auditor");
    }
    auto web = s.ok({"client", "get", "acme-web"});
    CHECK(web["redirect_uris"] == json({"https://acme.example.com/callback"}));
    CHECK(web["is_public"] == false);
    CHECK(s.ok({"client", "get", "acme-spa"})["is_public"] == true);
    auto hooks = s.ok({"webhook", "list", "--org", org["id"]})["data"];
    REQUIRE(hooks.size() == 1);
    CHECK(hooks[0]["url"] == "https://hooks.example.com/janua");
    CHECK(hooks[0]["description"] == "audit sink");
    auto tokens = s.ok({"scim", "token", "list", "--org", "acme"})["data"];
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0]["name"] == "okta");

    // The secret from the environment is the client's secret; the issued SCIM token works.
    auto introspect = [&](const std::string& secret) {
        std::string basic = base64url_encode("acme-web:" + secret);  // as standard base64, padded
        std::replace(basic.begin(), basic.end(), '-', '+');
        std::replace(basic.begin(), basic.end(), '_', '/');
        while (basic.size() % 4) basic += '=';
        return http("POST", s.base(), "/oauth/introspect", "token=x", {{"Authorization", "Basic " + basic}},
                    "application/x-www-form-urlencoded");
    };
    CHECK(introspect(k_web_secret).status == 200);
    CHECK(introspect("wrong-secret-0123456789-0123456789-0123").status == 401);
    CHECK(get(s.base(), "/scim/v2/Users", okta).status == 200);

    // A changed file updates only what changed, and says what.
    std::string changed = k_tenant;
    changed.replace(changed.find("Acme Inc"), 8, "Acme Corporation");
    changed.replace(changed.find("role: auditor"), 13, "role: member");
    auto update = s.ok({"apply", "-f", s.file("changed.yaml", changed)});
    CHECK(count_of(update, "update") == 2);
    CHECK(count_of(update, "create") == 0);
    CHECK(count_of(update, "delete") == 0);
    CHECK(has_change(update, "update", "organization", "acme"));
    CHECK(has_change(update, "update", "member", "dev@example.com"));
    CHECK(s.ok({"org", "get", "acme"})["name"] == "Acme Corporation");
}

TEST_CASE("apply never deletes without --prune --yes and partial or empty files delete nothing", "[cli][apply]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    s.ok({"apply", "-f", s.file("tenant.yaml", k_tenant)});

    // Empty file, partial file: nothing to do, nothing deleted.
    CHECK(s.ok({"apply", "-f", s.file("empty.yaml", "")})["changes"].empty());
    CHECK(s.ok({"apply", "-f", s.file("partial.yaml", "organizations:\n  - slug: acme\n")})["changes"].empty());
    // Even with --prune, a list the file leaves out is not managed.
    CHECK(s.ok({"apply", "-f", s.file("partial.yaml", "organizations:\n  - slug: acme\n"), "--prune", "--yes"})["changes"].empty());

    // A file that no longer names dev, the auditor role, the webhook and the token.
    const auto smaller = s.file("smaller.yaml", R"(organizations:
  - slug: acme
    roles: []
    members:
      - email: owner@example.com
        role: owner
      - email: ops@example.com
        role: admin
    webhooks: []
    scim_tokens: []
)");
    auto kept = s.run({"apply", "-f", smaller});
    REQUIRE(kept.exit_code == 0);
    CHECK(json::parse(kept.out)["changes"].empty());
    CHECK(json::parse(kept.out)["unmanaged"] == 4);
    CHECK(kept.err.find("--prune --yes") != std::string::npos);

    // --prune shows the deletions in a dry run, and refuses to make them without --yes.
    auto planned = s.ok({"apply", "-f", smaller, "--prune", "--dry-run"});
    CHECK(count_of(planned, "delete") == 4);
    CHECK(has_change(planned, "delete", "member", "dev@example.com"));
    CHECK(has_change(planned, "delete", "role", "auditor"));
    CHECK(has_change(planned, "delete", "webhook", "https://hooks.example.com/janua"));
    CHECK(has_change(planned, "delete", "scim_token", "okta"));
    auto refused = s.run({"apply", "-f", smaller, "--prune"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--yes") != std::string::npos);
    CHECK(s.ok({"org", "members", "acme"})["data"].size() == 3);
    CHECK(s.ok({"scim", "token", "list", "--org", "acme"})["data"][0]["status"] == "active");

    auto pruned = s.ok({"apply", "-f", smaller, "--prune", "--yes"});
    CHECK(pruned["applied"] == true);
    CHECK(count_of(pruned, "delete") == 4);
    CHECK(names(s.ok({"org", "members", "acme"})["data"], "email") == json({"owner@example.com", "ops@example.com"}));
    for (const auto& r : s.ok({"role", "list", "acme"})["data"]) CHECK(r["is_system"] == true);
    CHECK(s.ok({"scim", "token", "list", "--org", "acme"})["data"][0]["status"] == "revoked");
    // Organizations and clients the file does not name are never pruned.
    CHECK(s.ok({"apply", "-f", s.file("empty.yaml", ""), "--prune", "--yes"})["changes"].empty());
    CHECK(s.run({"client", "get", "acme-web"}).exit_code == 0);
    CHECK(s.ok({"apply", "-f", smaller, "--prune", "--yes"})["changes"].empty());
}

TEST_CASE("apply errors name the file and line and field and change nothing", "[cli][apply]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    auto failing = [&](const std::string& name, const std::string& text, int exit_code = 2) {
        const auto path = s.file(name, text);
        auto r = s.run({"apply", "-f", path}, "json", {{"UNSET_SECRET", ""}});
        INFO(r.out << r.err);
        CHECK(r.exit_code == exit_code);
        CHECK(r.out.empty());
        return r.err;
    };
    auto err = failing("typo.yaml", "organizations:\n  - slug: acme\n    name: Acme\n    owner: owner@example.com\n"
                                    "    roles:\n      - name: auditor\n        permisions: [\"audit:read\"]\n");
    CHECK(err.find("typo.yaml:7: organizations[0].roles[0].permisions: unknown field") != std::string::npos);
    err = failing("perm.yaml", "organizations:\n  - slug: acme\n    name: Acme\n    owner: owner@example.com\n"
                               "    roles:\n      - name: auditor\n        permissions:\n          - audit:read\n          - nonsense\n");
    CHECK(err.find("perm.yaml:9: organizations[0].roles[0].permissions[1]: must look like") != std::string::npos);
    err = failing("yaml.yaml", "organizations:\n  - slug: acme\n    name: [unclosed\n");
    CHECK(err.find("yaml.yaml:") != std::string::npos);
    CHECK(err.find("not valid YAML") != std::string::npos);
    // Problems found while planning (against the server) also point into the file.
    err = failing("user.yaml", "organizations:\n  - slug: acme\n    name: Acme\n    owner: owner@example.com\n"
                               "    members:\n      - email: nobody@example.com\n        role: admin\n");
    CHECK(err.find("user.yaml:6: organizations[0].members[0].email: no user 'nobody@example.com'") != std::string::npos);
    err = failing("secret.yaml", "clients:\n  - client_id: c1\n    name: C1\n    redirect_uris: [\"https://c1.example.com/cb\"]\n"
                                 "    secret_from: {env: UNSET_SECRET}\n");
    CHECK(err.find("secret.yaml:5: clients[0].secret_from: environment variable UNSET_SECRET is not set") != std::string::npos);
    err = failing("nosecret.yaml", "clients:\n  - client_id: c1\n    name: C1\n    redirect_uris: [\"https://c1.example.com/cb\"]\n");
    CHECK(err.find("clients[0].secret_from: a new confidential client needs its secret") != std::string::npos);
    err = failing("client.yaml", "clients:\n  - client_id: c1\n    name: C1\n    grant_types: [password]\n"
                                 "    secret_from: {env: ACME_WEB_SECRET}\n");
    CHECK(err.find("client.yaml:2: clients[0].grant_types") != std::string::npos);
    err = failing("sso.yaml", "organizations:\n  - slug: acme\n    name: Acme\n    owner: owner@example.com\n"
                              "    sso:\n      protocol: saml\n");
    CHECK(err.find("sso.yaml:6: organizations[0].sso.protocol: unknown field") != std::string::npos);
    CHECK(s.ok({"apply", "-f", s.file("empty.yaml", "")})["changes"].empty());  // an empty file is fine
    CHECK(s.run({"apply", "-f", s.dir + "/does-not-exist.yaml"}).exit_code == 2);
    // None of these created anything.
    CHECK(s.run({"org", "get", "acme"}).exit_code == 3);
    CHECK(s.run({"client", "get", "c1"}).exit_code == 3);
}

TEST_CASE("export writes what apply reads and the round trip changes nothing and carries no secrets", "[cli][apply]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    s.ok({"apply", "-f", s.file("tenant.yaml", k_tenant)});
    auto exported = s.run({"export", "--org", "acme", "--clients"}, "table");
    INFO(exported.out << exported.err);
    REQUIRE(exported.exit_code == 0);
    CHECK(exported.out.find(k_web_secret) == std::string::npos);
    CHECK(exported.out.find("jsc_") == std::string::npos);
    CHECK(exported.out.find("secret not exported") != std::string::npos);
    CHECK(exported.err.find("Secrets are not exported") != std::string::npos);
    const auto round = s.file("exported.yaml", exported.out);
    auto again = s.ok({"apply", "-f", round});
    CHECK(again["changes"].empty());
    CHECK(s.ok({"apply", "-f", round, "--prune", "--dry-run"})["changes"].empty());
    // --to writes the file instead.
    REQUIRE(s.run({"export", "--org", "acme", "--to", s.dir + "/to.yaml"}, "table").exit_code == 0);
    CHECK(s.ok({"apply", "-f", s.dir + "/to.yaml"})["changes"].empty());
    CHECK(s.run({"export", "--org", "nope"}, "table").exit_code == 3);
    CHECK(s.run({"export"}, "table").exit_code == 2);
}

TEST_CASE("output for scripts is json without log lines and --quiet ids and no colour off a terminal", "[cli][apply]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    const auto tenant = s.file("tenant.yaml", k_tenant);
    // LOG_LEVEL=debug must still leave stdout pure JSON.
    auto r = s.run({"apply", "-f", tenant, "--dry-run"}, "json", {{"LOG_LEVEL", "debug"}});
    REQUIRE(r.exit_code == 0);
    CHECK_FALSE(json::parse(r.out, nullptr, false).is_discarded());
    auto table = s.run({"apply", "-f", tenant, "--dry-run", "--no-color"}, "table");
    CHECK(table.out.find("+ create organization acme") != std::string::npos);
    CHECK(table.out.find("Dry run: nothing was changed.") != std::string::npos);
    CHECK(table.out.find('\033') == std::string::npos);
    CHECK(table.out.find(k_web_secret) == std::string::npos);
    auto quiet = s.run({"apply", "-f", tenant, "--quiet"}, "table");
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.out.find("create organization acme\n") != std::string::npos);
    CHECK(quiet.out.find("Plan") == std::string::npos);
    auto ids = s.run({"org", "list", "--quiet"}, "table");
    CHECK(ids.out == s.ok({"org", "get", "acme"})["id"].get<std::string>() + "\n");
    auto yaml = s.run({"org", "get", "acme"}, "yaml");
    CHECK(yaml.out.find("slug: acme") != std::string::npos);
}

TEST_CASE("janua login --api-key-stdin saves a private profile that remote commands use", "[cli][login]") {
    Modes s("remote");
    const auto home = s.dir + "/config";
    Env env = {{"XDG_CONFIG_HOME", home}, {"DATABASE_URL", ""}, {"JANUA_SERVER", ""}, {"JANUA_TOKEN", ""}};
    auto login = run_janua({"login", "--server", s.base(), "--profile", "ci", "--api-key-stdin", "--output", "json"}, env,
                           s.admin_key + "\n");
    INFO(login.out << login.err);
    REQUIRE(login.exit_code == 0);
    CHECK(json::parse(login.out) == json({{"profile", "ci"}, {"server", s.base()}, {"kind", "api_key"}}));
    CHECK(login.out.find(s.admin_key) == std::string::npos);
    struct stat st {};
    REQUIRE(::stat((home + "/janua/credentials").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat((home + "/janua").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    // No --server, no --token: the profile (the default after login, or named).
    s.ok({"apply", "-f", s.file("tenant.yaml", "organizations:\n  - slug: acme\n    name: Acme\n    owner: owner@example.com\n")});
    auto listed = run_janua({"org", "list", "--output", "json"}, env);
    INFO(listed.err);
    REQUIRE(listed.exit_code == 0);
    CHECK(json::parse(listed.out)["data"][0]["slug"] == "acme");
    CHECK(run_janua({"org", "get", "acme", "--profile", "ci", "--output", "json"}, env).exit_code == 0);
    // A flag beats the profile: a bad --token fails with the auth exit code.
    CHECK(run_janua({"org", "list", "--token", "jk_not_a_key", "--output", "json"}, env).exit_code == 5);
    CHECK(run_janua({"org", "list", "--profile", "nope"}, env).exit_code == 3);
    // A wrong key is refused and not saved.
    CHECK(run_janua({"login", "--server", s.base(), "--profile", "bad", "--api-key-stdin"}, env, "jk_wrong\n").exit_code == 5);
    CHECK(run_janua({"org", "list", "--profile", "bad"}, env).exit_code == 3);
    // A credentials file others can read is refused.
    ::chmod((home + "/janua/credentials").c_str(), 0644);
    CHECK(run_janua({"org", "list", "--output", "json"}, env).exit_code == 5);
    ::chmod((home + "/janua/credentials").c_str(), 0600);

    auto out = run_janua({"logout", "--output", "json"}, env);
    REQUIRE(out.exit_code == 0);
    CHECK(json::parse(out.out)["logged_out"] == "ci");
    CHECK(run_janua({"logout"}, env).exit_code == 3);
    // Without a login nor a database, the command says what is missing.
    CHECK(run_janua({"org", "list"}, env).exit_code != 0);
}

namespace {

// A self-signed certificate, as an IdP administrator would make it.
std::string make_certificate(const std::string& dir, const std::string& name) {
    auto made = run_process({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                             "-subj", "/CN=janua-apply-" + name, "-keyout", dir + "/" + name + ".key", "-out",
                             dir + "/" + name + ".crt"});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    return dir + "/" + name + ".crt";
}

std::string sso_tenant(const std::string& cert, const std::string& group_role = "engineer") {
    return R"(organizations:
  - slug: acme
    name: Acme Inc
    owner: owner@example.com
    roles:
      - name: engineer
        permissions: ["members:read"]
    sso:
      saml:
        idp_entity_id: https://idp.example.com/saml
        idp_sso_url: https://idp.example.com/sso
        idp_certificates:
          - file: )" + cert + R"(
        allowed_domains: [Example.COM]
        group_roles: {Engineering: )" + group_role + R"(}
        clock_skew_seconds: 60
      identity_providers:
        - slug: okta
          preset: oidc
          display_name: Okta
          issuer: http://127.0.0.1:9/okta
          client_id: okta-client
          secret_from: {env: OKTA_SECRET}
          allowed_domains: [example.com]
          default_role: engineer
)";
}

const std::string k_okta_secret = "okta-upstream-secret-0123456789-abcdef";
const std::string k_okta_rotated = "okta-upstream-secret-rotated-9876543210";

}  // namespace

TEST_CASE("apply manages SAML connections and upstream identity providers and rotates their secrets", "[cli][apply][sso]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    const auto cert = make_certificate(s.dir, "idp");
    const auto tenant = s.file("sso.yaml", sso_tenant(cert));
    const Env okta{{"OKTA_SECRET", k_okta_secret}};
    auto run_ok = [&](const std::vector<std::string>& args, const Env& env) {
        auto r = s.run(args, "json", env);
        INFO(s.mode << " " << json(args).dump() << "\nexit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find(k_okta_secret) == std::string::npos);
        CHECK(r.out.find(k_okta_rotated) == std::string::npos);
        CHECK(r.err.find(k_okta_secret) == std::string::npos);
        CHECK(r.err.find(k_okta_rotated) == std::string::npos);
        return json::parse(r.out);
    };

    auto plan = run_ok({"apply", "-f", tenant, "--dry-run"}, okta);
    CHECK(has_change(plan, "create", "saml_connection", "acme"));
    CHECK(has_change(plan, "create", "identity_provider", "okta"));
    CHECK(s.run({"sso", "get", "--org", "acme"}).exit_code == 3);
    auto applied = run_ok({"apply", "-f", tenant}, okta);
    CHECK(applied["applied"] == true);
    CHECK(run_ok({"apply", "-f", tenant}, okta)["changes"].empty());  // idempotent

    auto connection = s.ok({"sso", "get", "--org", "acme"});
    CHECK(connection["idp"]["entity_id"] == "https://idp.example.com/saml");
    CHECK(connection["allowed_domains"] == json({"example.com"}));
    CHECK(connection["group_roles"] == json({{"Engineering", "engineer"}}));
    CHECK(connection["clock_skew_seconds"] == 60);
    auto providers = s.ok({"idp", "list", "--org", "acme"})["data"];
    REQUIRE(providers.size() == 1);
    CHECK(providers[0]["slug"] == "okta");
    CHECK(providers[0]["client_secret_set"] == true);
    CHECK(providers[0]["default_role"] == "engineer");
    const std::string org_id = s.ok({"org", "get", "acme"})["id"];
    auto secret_is = [&](const std::string& secret) {
        auto r = post(s.base(), "/api/v1/organizations/" + org_id + "/identity-providers/" + providers[0]["id"].get<std::string>() +
                                    "/client-secret/check",
                      {{"client_secret", secret}}, s.admin_key);
        INFO(r.body);
        REQUIRE(r.status == 200);
        CHECK(r.header("Cache-Control") == "no-store");
        return body_of(r)["matches"].get<bool>();
    };
    CHECK(secret_is(k_okta_secret));
    CHECK_FALSE(secret_is(k_okta_rotated));

    // A new upstream secret in the environment: the plan says so without showing it, apply sets it.
    const Env rotated{{"OKTA_SECRET", k_okta_rotated}};
    auto rotation = run_ok({"apply", "-f", tenant, "--dry-run"}, rotated);
    REQUIRE(rotation["changes"].size() == 1);
    CHECK(has_change(rotation, "update", "identity_provider", "okta"));
    CHECK(rotation["changes"][0]["fields"][0]["field"] == "client_secret");
    CHECK(secret_is(k_okta_secret));
    run_ok({"apply", "-f", tenant}, rotated);
    CHECK(secret_is(k_okta_rotated));
    CHECK_FALSE(secret_is(k_okta_secret));
    CHECK(run_ok({"apply", "-f", tenant}, rotated)["changes"].empty());

    // A changed setting updates only that.
    auto changed = run_ok({"apply", "-f", s.file("sso2.yaml", sso_tenant(cert, "member"))}, rotated);
    REQUIRE(changed["changes"].size() == 1);
    CHECK(has_change(changed, "update", "saml_connection", "acme"));
    CHECK(changed["changes"][0]["fields"][0]["field"] == "group_roles");
    CHECK(s.ok({"sso", "get", "--org", "acme"})["group_roles"] == json({{"Engineering", "member"}}));

    // Export writes the SSO section (certificates, no secret) and the round trip changes nothing.
    auto exported = s.run({"export", "--org", "acme"}, "table");
    REQUIRE(exported.exit_code == 0);
    CHECK(exported.out.find("BEGIN CERTIFICATE") != std::string::npos);
    CHECK(exported.out.find("client secret not exported") != std::string::npos);
    CHECK(exported.out.find(k_okta_rotated) == std::string::npos);
    const auto round = s.file("exported.yaml", exported.out);
    CHECK(run_ok({"apply", "-f", round}, rotated)["changes"].empty());
    CHECK(run_ok({"apply", "-f", round, "--prune", "--dry-run"}, rotated)["changes"].empty());

    // Errors point into the file; nothing changes.
    auto bad = s.run({"apply", "-f", s.file("bad.yaml", R"(organizations:
  - slug: acme
    sso:
      saml:
        metadata_file: missing.xml
      identity_providers:
        - slug: okta
          client_secret: inline
)")},
                     "json", rotated);
    INFO(bad.err);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad.yaml:5: organizations[0].sso.saml.metadata_file: cannot read") != std::string::npos);
    CHECK(bad.err.find("bad.yaml:8: organizations[0].sso.identity_providers[0].client_secret: never write a secret") !=
          std::string::npos);
    CHECK(bad.err.find("inline") == std::string::npos);
    auto role = s.run({"apply", "-f", s.file("role.yaml", R"(organizations:
  - slug: acme
    sso:
      identity_providers:
        - slug: other
          preset: oidc
          issuer: http://127.0.0.1:9/other
          client_id: other
          default_role: nope
)")},
                      "json", rotated);
    CHECK(role.exit_code == 2);
    CHECK(role.err.find("role.yaml:5: organizations[0].sso.identity_providers[0].default_role: no role 'nope'") !=
          std::string::npos);
    CHECK(s.ok({"idp", "list", "--org", "acme"})["data"].size() == 1);

    // `saml: null` and an empty provider list: kept without --prune, deleted with it.
    const auto none = s.file("none.yaml", "organizations:\n  - slug: acme\n    sso:\n      saml: null\n      identity_providers: []\n");
    auto kept = run_ok({"apply", "-f", none}, rotated);
    CHECK(kept["changes"].empty());
    CHECK(kept["unmanaged"] == 2);
    auto pruned = run_ok({"apply", "-f", none, "--prune", "--yes"}, rotated);
    CHECK(has_change(pruned, "delete", "saml_connection", "acme"));
    CHECK(has_change(pruned, "delete", "identity_provider", "okta"));
    CHECK(s.run({"sso", "get", "--org", "acme"}).exit_code == 3);
    CHECK(s.ok({"idp", "list", "--org", "acme"})["data"].empty());
    CHECK(run_ok({"apply", "-f", none, "--prune", "--yes"}, rotated)["changes"].empty());
}

TEST_CASE("apply sets a new OAuth client secret from secret_from and the old one stops working", "[cli][apply][rotate]") {
    Modes s(GENERATE(as<std::string>{}, "direct", "remote"));
    INFO("mode " << s.mode);
    s.ok({"apply", "-f", s.file("tenant.yaml", k_tenant)});
    auto works = [&](const std::string& secret) {
        std::string basic = base64url_encode("acme-web:" + secret);
        std::replace(basic.begin(), basic.end(), '-', '+');
        std::replace(basic.begin(), basic.end(), '_', '/');
        while (basic.size() % 4) basic += '=';
        return http("POST", s.base(), "/oauth/introspect", "token=x", {{"Authorization", "Basic " + basic}},
                    "application/x-www-form-urlencoded")
                   .status == 200;
    };
    REQUIRE(works(k_web_secret));
    const std::string second = "acme-web-second-secret-0123456789-abcdefgh";
    const std::string third = "acme-web-third-secret-0123456789-abcdefghi";
    std::string immediate = k_tenant;
    immediate.replace(immediate.find("    secret_from: {env: ACME_WEB_SECRET}\n"), 0, "    secret_grace_seconds: 0\n");
    const auto file = s.file("rotate.yaml", immediate);

    // The plan shows the rotation, never the secrets.
    auto plan = s.run({"apply", "-f", file, "--dry-run"}, "table", {{"ACME_WEB_SECRET", second}});
    INFO(plan.out << plan.err);
    REQUIRE(plan.exit_code == 0);
    CHECK(plan.out.find("~ update client acme-web") != std::string::npos);
    CHECK(plan.out.find("client_secret: (another secret) -> (from secret_from; the old secret stops working at once)") !=
          std::string::npos);
    CHECK(plan.out.find(second) == std::string::npos);
    CHECK(plan.out.find(k_web_secret) == std::string::npos);
    CHECK(works(k_web_secret));

    auto applied = s.run({"apply", "-f", file}, "json", {{"ACME_WEB_SECRET", second}});
    REQUIRE(applied.exit_code == 0);
    CHECK(applied.out.find(second) == std::string::npos);
    CHECK(works(second));
    CHECK_FALSE(works(k_web_secret));  // secret_grace_seconds: 0
    CHECK(json::parse(s.run({"apply", "-f", file}, "json", {{"ACME_WEB_SECRET", second}}).out)["changes"].empty());

    // Without secret_grace_seconds the server's grace period applies: both work for now.
    const auto tenant = s.file("tenant.yaml", k_tenant);
    REQUIRE(s.run({"apply", "-f", tenant}, "json", {{"ACME_WEB_SECRET", third}}).exit_code == 0);
    CHECK(works(third));
    CHECK(works(second));
    CHECK(json::parse(s.run({"apply", "-f", tenant}, "json", {{"ACME_WEB_SECRET", third}}).out)["changes"].empty());

    // A public client has no secret to set.
    auto err = s.run({"apply", "-f", s.file("public.yaml", "clients:\n  - client_id: acme-spa\n    secret_from: {env: ACME_WEB_SECRET}\n")});
    CHECK(err.exit_code == 2);
    CHECK(err.err.find("public.yaml:2: clients[0].secret_from: client 'acme-spa' authenticates with none") != std::string::npos);
}
