// Tenant isolation, proven over the daemon's own route table: every route whose pattern holds
// {org_id} must declare an organization permission, and every caller of organization A (owner,
// admin, member, viewer, an outsider, API keys) calling it against organization B's resources
// gets the same 404 and changes nothing of B. The owner of B and B's own key pass the same
// routes, so the test cannot pass by denying everything.
#include "core/config/config.hpp"
#include "daemon/routes/routes.hpp"
#include "daemon/services.hpp"
#include "tests/integration/events/sse_client.hpp"
#include "tests/integration/orgs/org_support.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

struct RouteInfo {
    std::string method;
    std::string pattern;
    janua::daemon::Access access;
    std::string permission;
};

// The route table januad serves, built in-process exactly as daemon/app.cpp builds it.
std::vector<RouteInfo> daemon_routes(const std::string& database_url) {
    janua::config::LoadInput input;
    input.flags["DATABASE_URL"] = database_url;
    auto loaded = janua::config::load(input);
    REQUIRE(loaded);
    janua::daemon::DaemonContext context;
    context.config = loaded->config;
    janua::daemon::build_services(context, janua::db::PoolSettings{database_url, 1, 3, 2000, 30000, "janua-test"});
    janua::daemon::Router router;
    janua::daemon::register_all_routes(router, context);
    std::vector<RouteInfo> out;
    for (const auto& r : router.routes()) out.push_back({r.method, r.pattern, r.access, r.permission});
    return out;
}

// Everything of organization `id` in the database, as one text, to compare before and after.
std::string state_of(const Server& s, const std::string& id) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    std::string out;
    for (const std::string query :
         {"SELECT row_to_json(o)::text FROM organizations o WHERE id = $1",
          "SELECT coalesce(json_agg(m ORDER BY user_id)::text, '') FROM memberships m WHERE organization_id = $1",
          "SELECT coalesce(json_agg(r ORDER BY name)::text, '') FROM roles r WHERE organization_id = $1",
          "SELECT coalesce(json_agg(i ORDER BY id)::text, '') FROM invitations i WHERE organization_id = $1",
          "SELECT coalesce(json_agg(k.id ORDER BY id)::text, '') FROM api_keys k WHERE organization_id = $1",
          "SELECT coalesce(json_agg(p ORDER BY id)::text, '') FROM policies p WHERE organization_id = $1",
          "SELECT coalesce(json_agg(p ORDER BY category)::text, '') FROM organization_retention_policies p "
          "WHERE organization_id = $1",
          "SELECT coalesce(json_agg(json_build_array(e.id, e.url, e.enabled, e.event_types) ORDER BY id)::text, '') "
          "FROM webhook_endpoints e WHERE organization_id = $1",
          "SELECT coalesce(json_agg(json_build_array(c.enabled, c.idp_entity_id, c.settings))::text, '') "
          "FROM saml_connections c WHERE organization_id = $1",
          "SELECT row_to_json(s)::text FROM billing_subscriptions s WHERE organization_id = $1",
          "SELECT coalesce(json_agg(json_build_array(d.id, d.name, c.client_id, c.secret_hash, c.enabled) ORDER BY d.id)::text, '') "
          "FROM iot_devices d JOIN oauth_clients c ON c.id = d.client_pk WHERE d.organization_id = $1",
          "SELECT coalesce(json_agg(b)::text, '') FROM organization_branding b WHERE organization_id = $1",
          "SELECT coalesce(json_agg(t ORDER BY locale)::text, '') FROM organization_translations t WHERE organization_id = $1"}) {
        auto rows = w.exec_params(query, id);
        out += rows.empty() || rows[0][0].is_null() ? std::string("-") : rows[0][0].as<std::string>();
        out += "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("tenant isolation: no caller of organization A reaches organization B through any {org_id} route",
          "[orgs][isolation]") {
    Server s(Env{{"WEBHOOK_ALLOW_PRIVATE", "true"}});  // B's webhook points at a closed local port
    auto owner_a = make_user(s, "owner-a@example.com");
    auto admin_a = make_user(s, "admin-a@example.com");
    auto member_a = make_user(s, "member-a@example.com");
    auto viewer_a = make_user(s, "viewer-a@example.com");
    auto outsider = make_user(s, "outsider@example.com");
    auto owner_b = make_user(s, "owner-b@example.com");
    auto member_b = make_user(s, "member-b@example.com");
    const std::string a = make_org(s, owner_a, "org-a")["id"];
    const std::string b = make_org(s, owner_b, "org-b")["id"];
    add_member(s, a, owner_a.token, admin_a, "admin");
    add_member(s, a, owner_a.token, member_a, "member");
    add_member(s, a, owner_a.token, viewer_a, "viewer");
    add_member(s, b, owner_b.token, member_b, "member");
    const std::string alert_rule_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/alerts/rules", owner_b.token,
                     {{"name", "b-alert"}, {"action", "role.*"}, {"threshold", 1}, {"window_seconds", 60}}), 201)["id"];
    ok_json(call(s, "POST", k_orgs + "/" + b + "/roles", owner_b.token, {{"name", "b-role"}, {"permissions", {"org:read"}}}), 201);
    std::string alert_b;  // fired by the role's creation
    for (int i = 0; i < 300 && alert_b.empty(); ++i) {
        auto fired = ok_json(call(s, "GET", k_orgs + "/" + b + "/alerts", owner_b.token))["data"];
        if (!fired.empty()) alert_b = fired[0]["id"];
        else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE_FALSE(alert_b.empty());
    const std::string invitation_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/invitations", owner_b.token, {{"email", "invitee-b@example.com"}}), 201)["id"];
    const std::string policy_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/policies", owner_b.token,
                     {{"name", "b-policy"}, {"effect", "deny"}, {"actions", {"members:delete"}},
                      {"resources", {"org:" + b + "/*"}}, {"subjects", {{{"type", "everyone"}}}}}), 201)["id"];
    const std::string webhook_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/webhooks", owner_b.token,
                     {{"url", "http://127.0.0.1:9/b-hook"}, {"event_types", {"member.*"}}}), 201)["id"];
    const std::string scim_token_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/scim/tokens", owner_b.token, {{"name", "b-idp"}}), 201)["id"];
    const std::string idp_b =
        ok_json(call(s, "POST", k_orgs + "/" + b + "/identity-providers", owner_b.token,
                     {{"slug", "b-oidc"}, {"issuer", "https://idp-b.example.com"}, {"client_id", "b-client"}}), 201)["id"];
    {  // B's SAML connection (an IdP certificate made by openssl)
        const std::string dir = "/tmp/janua-isolation-" + b;
        auto made = janua::test::run_process({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                              "-subj", "/CN=b-idp", "-keyout", dir + ".key", "-out", dir + ".crt"});
        REQUIRE(made.exit_code == 0);
        std::ifstream in(dir + ".crt");
        const std::string cert((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::remove((dir + ".key").c_str());
        std::remove((dir + ".crt").c_str());
        ok_json(call(s, "PUT", k_orgs + "/" + b + "/sso", owner_b.token,
                     {{"idp_entity_id", "https://b-idp.example/saml"}, {"idp_sso_url", "https://b-idp.example/sso"},
                      {"idp_certificates", {cert}}}), 201);
    }
    const auto device_b = ok_json(call(s, "POST", k_orgs + "/" + b + "/iot/devices", owner_b.token, {{"name", "b-device"}}), 201);
    const std::string device_b_id = device_b["id"];
    const std::string key_a = make_key(s, owner_a, {"*"}, a)["key"];
    const std::string key_a_unbound = make_key(s, admin_a, {"*"})["key"];
    const std::string key_b = make_key(s, owner_b, {"*"}, b)["key"];

    const std::map<std::string, std::string> attackers = {
        {"owner of A", owner_a.token},   {"admin of A", admin_a.token},   {"member of A", member_a.token},
        {"viewer of A", viewer_a.token}, {"non-member", outsider.token}, {"key bound to A", key_a},
        {"unbound key of A's admin", key_a_unbound}};
    // Nothing that names B may come back to them.
    const std::vector<std::string> secrets_of_b = {b, "org-b", "b-role", member_b.id, "member-b@example.com",
                                                   "invitee-b@example.com", invitation_b, owner_b.id,
                                                   policy_b, "b-policy", webhook_b, "b-hook", scim_token_b, "b-idp",
                                                   idp_b, "b-oidc", "idp-b.example.com", "b-alert", alert_rule_b, alert_b,
                                                   device_b_id, "b-device",
                                                   device_b["client_id"].get<std::string>()};

    auto routes = daemon_routes(s.db.url());
    std::vector<RouteInfo> scoped;
    for (const auto& r : routes)
        if (r.pattern.find("{org_id}") != std::string::npos) scoped.push_back(r);
    REQUIRE(scoped.size() >= 17);

    // Sample values for every path parameter an organization route may have; a new parameter
    // without a sample fails the test, so new routes cannot slip through unexercised.
    const std::map<std::string, std::string> samples = {
        {"user_id", member_b.id}, {"role", "b-role"}, {"invitation_id", invitation_b}, {"policy_id", policy_b},
        {"id", webhook_b},        // webhook endpoints
        {"delivery_id", "00000000-0000-4000-8000-000000000001"},  // none exist; the pipeline answers first
        {"token_id", scim_token_b},
        {"provider_id", idp_b},   // enterprise OIDC connections
        {"category", "sessions"},   // retention policies
        {"rule_id", alert_rule_b},  // alert rules
        {"alert_id", alert_b},      // fired alerts
        {"device_id", device_b_id},  // IoT devices
        {"locale", "es"}};          // translation overrides
    auto path_for = [&](const RouteInfo& r, const std::string& org_ref) {
        std::string path = r.pattern;
        path.replace(path.find("{org_id}"), 8, org_ref);
        static const std::regex param("\\{([a-z_]+)\\}");
        std::smatch m;
        while (std::regex_search(path, m, param)) {
            INFO(r.method << " " << r.pattern << " has a parameter without a sample: " << m[1]);
            REQUIRE(samples.count(m[1]) == 1);
            path.replace(m.position(0), m.length(0), samples.at(m[1]));
        }
        return path;
    };
    auto body_for = [&](const RouteInfo& r) -> json {
        const auto ends = [&](const std::string& tail) {
            return r.pattern.size() >= tail.size() && r.pattern.compare(r.pattern.size() - tail.size(), tail.size(), tail) == 0;
        };
        if (r.method == "GET" || r.method == "DELETE") return nullptr;
        if (ends("/members") && r.method == "POST") return {{"user_id", outsider.id}, {"role", "viewer"}};
        if (ends("/members/{user_id}")) return {{"role", "viewer"}};
        if (ends("/roles") && r.method == "POST") return {{"name", "new-role"}, {"permissions", {"org:read"}}};
        if (ends("/roles/{role}")) return {{"permissions", {"org:read", "members:read"}}};
        if (ends("/invitations") && r.method == "POST") return {{"email", "new-invitee@example.com"}};
        if (ends("/invitations/bulk")) return {{"invitations", {{{"email", "bulk@example.com"}}}}};
        if (ends("/transfer-ownership")) return {{"user_id", owner_b.id}};
        if (ends("{org_id}") && r.method == "PATCH") return {{"name", "Renamed"}};
        if (ends("/retention-policies/{category}")) return {{"retention_days", 1}};
        if (ends("/iot/devices") && r.method == "POST") return {{"name", "intruder"}};
        if (ends("/sso") && r.method == "PUT") return {{"enabled", false}, {"allowed_domains", {"attacker.example"}}};
        if (ends("/translations/{locale}")) return {{"texts", {{"login.submit", "Hacked"}}}};
        if (r.pattern.find("/white-label/") != std::string::npos) return {{"product_name", "Hacked"}};
        return json::object();
    };

    const std::string before = state_of(s, b);
    int calls = 0;
    for (std::size_t i = 0; i < scoped.size(); ++i) {
        const auto& route = scoped[i];
        INFO(route.method << " " << route.pattern);
        // Declared through the one mechanism the pipeline enforces, with a permission.
        CHECK(route.access == janua::daemon::Access::organization);
        CHECK_FALSE(route.permission.empty());
        for (const auto& org_ref : {b, std::string("org-b")}) {
            const std::string path = path_for(route, org_ref);
            for (const auto& [who, token] : attackers) {
                INFO(who << " -> " << path);
                auto r = call(s, route.method, path, token, body_for(route));
                ++calls;
                CHECK(r.status == 404);
                CHECK(error_of(r)["message"] == "organization not found");
                for (const auto& secret : secrets_of_b) CHECK(r.body.find(secret) == std::string::npos);
            }
        }
    }
    CHECK(calls == static_cast<int>(scoped.size() * 2 * attackers.size()));
    CHECK(state_of(s, b) == before);

    SECTION("each role of A gets what its role grants in A") {
        struct Case {
            std::string who, token, method, path;
            json body;
            int status;
        };
        const std::string pa = k_orgs + "/" + a;
        const std::vector<Case> cases = {
            {"viewer", viewer_a.token, "GET", pa, nullptr, 200},
            {"viewer", viewer_a.token, "GET", pa + "/members", nullptr, 403},
            {"member", member_a.token, "GET", pa + "/members", nullptr, 200},
            {"member", member_a.token, "GET", pa + "/invitations", nullptr, 403},
            {"admin", admin_a.token, "GET", pa + "/invitations", nullptr, 200},
            {"admin", admin_a.token, "POST", pa + "/roles", {{"name", "a-role"}, {"permissions", {"org:read"}}}, 201},
            {"admin", admin_a.token, "DELETE", pa, nullptr, 403},
            {"key bound to A", key_a, "GET", pa + "/roles", nullptr, 200},
            {"unbound key of A's admin", key_a_unbound, "PATCH", pa, {{"name", "A renamed"}}, 200},
            {"non-member", outsider.token, "GET", pa, nullptr, 404},
            {"owner", owner_a.token, "DELETE", pa, nullptr, 204},
        };
        for (const auto& c : cases) {
            INFO(c.who << " " << c.method << " " << c.path);
            auto r = call(s, c.method, c.path, c.token, c.body);
            INFO(r.body);
            CHECK(r.status == c.status);
        }
    }
    SECTION("B's owner and B's key pass the pipeline on every route") {
        std::stable_partition(scoped.begin(), scoped.end(), [](const RouteInfo& r) {
            return !(r.method == "DELETE" && r.pattern == "/api/v1/organizations/{org_id}");
        });
        // The event stream never ends by itself: read its status off the socket, then hang up.
        auto is_stream = [](const RouteInfo& r) { return r.pattern.size() > 7 && r.pattern.ends_with("/events"); };
        for (const auto& route : scoped) {
            if (route.method != "GET") continue;
            INFO("key of B: " << route.method << " " << route.pattern);
            if (is_stream(route)) {
                janua::test::sse::Client stream(s.daemon->port(), path_for(route, b), {{"Authorization", "Bearer " + key_b}});
                CHECK(stream.status() == 200);
                continue;
            }
            CHECK(call(s, "GET", path_for(route, b), key_b).status == 200);
        }
        for (const auto& route : scoped) {
            const std::string path = path_for(route, b);
            if (is_stream(route)) {
                janua::test::sse::Client stream(s.daemon->port(), path, {{"Authorization", "Bearer " + owner_b.token}});
                CHECK(stream.status() == 200);
                continue;
            }
            auto r = call(s, route.method, path, owner_b.token, body_for(route));
            INFO("owner of B: " << route.method << " " << path << " -> " << r.status << " " << r.body);
            CHECK(r.status != 403);
            CHECK(r.status < 500);
            if (r.status == 404) CHECK(error_of(r)["message"] != "organization not found");
        }
        CHECK(call(s, "GET", k_orgs + "/" + b, owner_b.token).status == 404);  // the DELETE ran last
    }
}
