// /api/v1/policies and /api/v1/organizations/{org_id}/policies over real HTTP against one januad
// per test: CRUD, strict validation, tenant scoping, evaluation with explanations, audit.
#include "tests/integration/identity/identity_support.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;

namespace {

const std::string k_base = "/api/v1/policies";

struct PolicyServer : Server {
    std::string admin, plain, plain_id, admin_id;

    PolicyServer() {
        admin_id = cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin",
                             "--database-url", db.url(), "--output", "json"},
                            k_password)["id"];
        plain_id = cli_json({"user", "create", "--email", "plain@corp.example", "--password-stdin", "--database-url",
                             db.url(), "--output", "json"},
                            k_password)["id"];
        admin = signin(base(), "root@example.com")["access_token"];
        plain = signin(base(), "plain@corp.example")["access_token"];
    }

    HttpResponse call(const std::string& method, const std::string& path, const json& body = nullptr,
                      const std::string& token = "") const {
        return http(method, base(), path, body.is_null() ? std::string() : body.dump(),
                    bearer(token.empty() ? admin : token));
    }

    std::string sql_value(const std::string& sql) const {
        pqxx::connection c{db.url()};
        pqxx::work w{c};
        auto r = w.exec(sql);
        w.commit();
        return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
    }

    // An organization with `member` holding the system role `role` (organizations are created
    // through SQL here: this suite tests policies, not the organizations API).
    std::string organization(const std::string& slug, const std::string& member, const std::string& role) const {
        const std::string id = sql_value("INSERT INTO organizations (slug, name) VALUES ('" + slug + "', '" + slug +
                                         "') RETURNING id");
        sql_value("INSERT INTO memberships (organization_id, user_id, role_id) SELECT '" + id + "', '" + member +
                  "', id FROM roles WHERE organization_id IS NULL AND name = '" + role + "'");
        return id;
    }
};

json office_policy() {
    return {{"name", "office network only"},
            {"description", "writes to users only from the office"},
            {"effect", "deny"},
            {"actions", {"users:write", "users:delete"}},
            {"resources", {"*"}},
            {"subjects", {{{"type", "everyone"}}}},
            {"conditions", {{"not", {{"ip_ranges", {"10.0.0.0/8", "2001:db8::/32"}}}}}}};
}

std::string first_field(const HttpResponse& r) { return error_of(r)["details"][0]["field"]; }

}  // namespace

TEST_CASE("global policies: create, get, list, update, delete, all audited", "[policies]") {
    PolicyServer server;
    auto created = server.call("POST", k_base, office_policy());
    INFO(created.body);
    REQUIRE(created.status == 201);
    auto policy = body_of(created);
    const std::string id = policy["id"];
    CHECK(policy["organization_id"].is_null());
    CHECK(policy["effect"] == "deny");
    CHECK(policy["enabled"] == true);
    CHECK(policy["subjects"] == json::array({{{"type", "everyone"}}}));
    CHECK(policy["conditions"] == office_policy()["conditions"]);

    CHECK(body_of(server.call("GET", k_base + "/" + id)) == policy);
    auto listed = body_of(server.call("GET", k_base));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["id"] == id);

    auto patched = server.call("PATCH", k_base + "/" + id,
                               {{"enabled", false}, {"subjects", {{{"type", "user"}, {"name", "PLAIN@corp.example"}}}}});
    INFO(patched.body);
    REQUIRE(patched.status == 200);
    CHECK(body_of(patched)["enabled"] == false);
    CHECK(body_of(patched)["subjects"] ==
          json::array({{{"type", "user"}, {"id", server.plain_id}, {"name", "plain@corp.example"}}}));
    CHECK(body_of(patched)["name"] == "office network only");

    // Same name (any case) in the same scope: 409.
    json twin = office_policy();
    twin["name"] = "Office Network Only";
    CHECK(server.call("POST", k_base, twin).status == 409);

    CHECK(server.call("DELETE", k_base + "/" + id).status == 204);
    CHECK(server.call("GET", k_base + "/" + id).status == 404);
    CHECK(server.call("DELETE", k_base + "/" + id).status == 404);
    CHECK(server.call("GET", k_base + "/not-a-uuid").status == 404);

    CHECK(server.sql_value("SELECT string_agg(action, ',' ORDER BY seq) FROM audit_events WHERE target_id = '" + id +
                           "'") == "policy.created,policy.updated,policy.deleted");
    CHECK(server.sql_value("SELECT actor_id FROM audit_events WHERE action = 'policy.created'") == server.admin_id);
}

TEST_CASE("policy documents are validated and bad ones change nothing", "[policies]") {
    PolicyServer server;
    auto with = [](const std::string& key, json value) {
        json d = office_policy();
        d[key] = std::move(value);
        return d;
    };
    struct Case {
        json body;
        std::string field;
    };
    const std::vector<Case> cases = {
        {with("conditions", {{"ip_range", {"10.0.0.0/8"}}}), "conditions.ip_range"},
        {with("conditions", {{"ip_ranges", {"10.0.0.0/33"}}}), "conditions.ip_ranges[0]"},
        {with("conditions", {{"ip_ranges", {"10.1.0.0/8"}}}), "conditions.ip_ranges[0]"},
        {with("conditions", {{"ip_ranges", {"2001:db8::/200"}}}), "conditions.ip_ranges[0]"},
        {with("conditions", {{"time_window", {{"start", "9am"}, {"end", "17:00"}}}}), "conditions.time_window.start"},
        {with("conditions", {{"time_window", {{"start", "09:00"}, {"end", "17:00"}, {"tz", "CET"}}}}),
         "conditions.time_window.tz"},
        {with("conditions", {{"mfa", 1}}), "conditions.mfa"},
        {with("effect", "maybe"), "effect"},
        {with("actions", {"users"}), "actions[0]"},
        {with("subjects", {{{"type", "user"}, {"id", "not-a-uuid"}}}), "subjects[0].id"},
        {with("subjects", {{{"type", "user"}, {"name", "nobody@example.com"}}}), "subjects[0]"},
        {with("subjects", {{{"type", "role"}, {"name", "no-such-role"}}}), "subjects[0]"},
        {with("colour", "blue"), "colour"},
    };
    for (const auto& c : cases) {
        auto r = server.call("POST", k_base, c.body);
        INFO(c.body.dump() << " -> " << r.body);
        CHECK(r.status == 422);
        CHECK(error_code(r) == "VALIDATION_ERROR");
        CHECK(first_field(r) == c.field);
    }
    CHECK(server.call("POST", k_base, "[1]").status == 400);
    CHECK(body_of(server.call("GET", k_base))["data"].empty());
    CHECK(server.sql_value("SELECT count(*) FROM audit_events WHERE action LIKE 'policy.%'") == "0");

    auto created = body_of(server.call("POST", k_base, office_policy()));
    auto bad_patch = server.call("PATCH", k_base + "/" + created["id"].get<std::string>(),
                                 {{"conditions", {{"mfa", "sometimes"}}}, {"enabled", false}});
    CHECK(bad_patch.status == 422);
    CHECK(body_of(server.call("GET", k_base + "/" + created["id"].get<std::string>())) == created);
}

TEST_CASE("only platform admins manage global policies", "[policies]") {
    PolicyServer server;
    CHECK(server.call("GET", k_base, nullptr, server.plain).status == 403);
    CHECK(server.call("POST", k_base, office_policy(), server.plain).status == 403);
    CHECK(server.call("POST", k_base + "/evaluate", {{"action", "users:read"}, {"resource", "x"}}, server.plain).status == 403);
    CHECK(http("GET", server.base(), k_base).status == 401);
    CHECK(body_of(server.call("GET", k_base))["data"].empty());
}

TEST_CASE("evaluate explains which policy decided, deny wins, no match is not_applicable", "[policies]") {
    PolicyServer server;
    REQUIRE(server.call("POST", k_base, office_policy()).status == 201);
    json allow = {{"name", "corp users may write users with MFA"},
                  {"effect", "allow"},
                  {"actions", {"users:*"}},
                  {"resources", {"users/*"}},
                  {"subjects", {{{"type", "user"}, {"id", server.plain_id}}}},
                  {"conditions", {{"mfa", true}, {"subject", {{"email_domains", {"corp.example"}}}}}}};
    auto allow_created = server.call("POST", k_base, allow);
    REQUIRE(allow_created.status == 201);
    const std::string allow_id = body_of(allow_created)["id"];

    auto evaluate = [&](const json& context, const std::string& action = "users:write") {
        auto r = server.call("POST", k_base + "/evaluate",
                             {{"subject", {{"user_id", server.plain_id}}},
                              {"action", action},
                              {"resource", "users/" + server.plain_id},
                              {"context", context}});
        INFO(r.body);
        REQUIRE(r.status == 200);
        return body_of(r);
    };
    // In the office with MFA: the allow decides.
    auto inside = evaluate({{"ip", "10.20.30.40"}, {"amr", {"pwd", "otp"}}});
    CHECK(inside["decision"] == "allow");
    CHECK(inside["decided_by"]["policy_id"] == allow_id);
    CHECK(inside["decided_by"]["effect"] == "allow");
    REQUIRE(inside["evaluated"].size() == 2);
    CHECK(inside["evaluated"][0]["result"] == "conditions_not_met");  // the deny: inside the office
    CHECK(inside["evaluated"][0]["conditions"].back()["condition"] == "not");
    CHECK(inside["evaluated"][1]["result"] == "matched");

    // Outside the office: the deny wins even though the allow matches too.
    auto outside = evaluate({{"ip", "203.0.113.9"}, {"amr", {"pwd", "otp"}}});
    CHECK(outside["decision"] == "deny");
    CHECK(outside["decided_by"]["name"] == "office network only");
    CHECK(outside["evaluated"][1]["result"] == "matched");

    // IPv6 office range.
    CHECK(evaluate({{"ip", "2001:db8::7"}, {"amr", {"hwk"}}})["decision"] == "allow");

    // Without MFA the allow fails on "mfa" and nothing else applies.
    auto no_mfa = evaluate({{"ip", "10.0.0.1"}, {"amr", {"pwd"}}});
    CHECK(no_mfa["decision"] == "not_applicable");
    CHECK(no_mfa["decided_by"].is_null());
    bool saw_mfa_failure = false;
    for (const auto& c : no_mfa["evaluated"][1]["conditions"])
        if (c["condition"] == "mfa") saw_mfa_failure = c["matched"] == false;
    CHECK(saw_mfa_failure);

    // An action no policy names.
    CHECK(evaluate({{"ip", "10.0.0.1"}}, "sessions:read")["decision"] == "not_applicable");

    // Without a subject the caller is evaluated (the admin: only "everyone" policies attach).
    auto self = server.call("POST", k_base + "/evaluate",
                            {{"action", "users:write"}, {"resource", "users/x"}, {"context", {{"ip", "198.51.100.1"}}}});
    REQUIRE(self.status == 200);
    CHECK(body_of(self)["decision"] == "deny");
    CHECK(body_of(self)["subject"]["user_id"] == server.admin_id);

    // Bad requests name the field.
    auto bad = [&](const json& body, const std::string& field) {
        auto r = server.call("POST", k_base + "/evaluate", body);
        INFO(r.body);
        CHECK(r.status == 422);
        CHECK(first_field(r) == field);
    };
    bad({{"action", "users"}, {"resource", "x"}}, "action");
    bad({{"action", "users:*"}, {"resource", "x"}}, "action");
    bad({{"action", "users:read"}}, "resource");
    bad({{"action", "users:read"}, {"resource", "x"}, {"context", {{"ip", "10.0.0.300"}}}}, "context.ip");
    bad({{"action", "users:read"}, {"resource", "x"}, {"context", {{"time", "yesterday"}}}}, "context.time");
    bad({{"action", "users:read"}, {"resource", "x"}, {"context", {{"weather", "rain"}}}}, "context.weather");
    bad({{"action", "users:read"}, {"resource", "x"}, {"subject", {{"user_id", "00000000-0000-0000-0000-000000000000"}}}},
        "subject.user_id");
}

TEST_CASE("time windows are evaluated at the requested time", "[policies]") {
    PolicyServer server;
    json hours = {{"name", "business hours in Berlin"},
                  {"effect", "allow"},
                  {"actions", {"reports:read"}},
                  {"resources", {"reports/*"}},
                  {"subjects", {{{"type", "everyone"}}}},
                  {"conditions",
                   {{"time_window",
                     {{"days", {"mon", "tue", "wed", "thu", "fri"}}, {"start", "09:00"}, {"end", "17:00"}, {"utc_offset", "+01:00"}}}}}};
    REQUIRE(server.call("POST", k_base, hours).status == 201);
    auto at = [&](const std::string& time) {
        auto r = server.call("POST", k_base + "/evaluate",
                             {{"action", "reports:read"}, {"resource", "reports/q3"}, {"context", {{"time", time}}}});
        REQUIRE(r.status == 200);
        return body_of(r)["decision"].get<std::string>();
    };
    CHECK(at("2026-11-23T08:30:00Z") == "allow");           // Monday 09:30 in Berlin
    CHECK(at("2026-11-23T07:59:00Z") == "not_applicable");  // 08:59
    CHECK(at("2026-11-23T16:00:00Z") == "not_applicable");  // 17:00, the end is exclusive
    CHECK(at("2026-11-22T10:00:00Z") == "not_applicable");  // Sunday
    CHECK(at("2026-11-23T09:30:00.250+01:00") == "allow");   // an offset in the request time counts
    CHECK(at("2026-11-23T12:30:00+05:00") == "not_applicable");  // 07:30 UTC = 08:30 in Berlin
}

TEST_CASE("organization policies stay inside their organization", "[policies]") {
    PolicyServer server;
    const std::string acme = server.organization("acme", server.plain_id, "member");
    const std::string globex = server.organization("globex", server.admin_id, "owner");
    const std::string acme_base = "/api/v1/organizations/" + acme + "/policies";
    const std::string globex_base = "/api/v1/organizations/" + globex + "/policies";

    json members = {{"name", "members read their organization's reports"},
                    {"effect", "allow"},
                    {"actions", {"reports:read"}},
                    {"resources", {"org:" + acme + "/reports/*"}},
                    {"subjects", {{{"type", "role"}, {"name", "member"}}}}};
    auto created = server.call("POST", acme_base, members);
    INFO(created.body);
    REQUIRE(created.status == 201);
    const auto policy = body_of(created);
    CHECK(policy["organization_id"] == acme);
    CHECK(policy["subjects"][0]["name"] == "member");
    const std::string id = policy["id"];

    // Resources outside the organization are refused.
    json escape = members;
    escape["name"] = "escape";
    escape["resources"] = {"org:" + globex + "/reports/*"};
    auto refused = server.call("POST", acme_base, escape);
    CHECK(refused.status == 422);
    CHECK(first_field(refused) == "resources[0]");
    escape["resources"] = {"*"};
    CHECK(server.call("POST", acme_base, escape).status == 422);
    // Attaching a user who is not a member reads like an unknown user.
    escape["resources"] = {"org:" + acme + "/x"};
    escape["subjects"] = {{{"type", "user"}, {"id", server.admin_id}}};
    auto stranger = server.call("POST", acme_base, escape);
    CHECK(stranger.status == 422);
    CHECK(error_of(stranger)["message"].get<std::string>().find("not a member") != std::string::npos);

    // Another organization's path does not reach the policy; global listings do not show it.
    CHECK(server.call("GET", globex_base + "/" + id).status == 404);
    CHECK(server.call("PATCH", globex_base + "/" + id, {{"enabled", false}}).status == 404);
    CHECK(server.call("DELETE", globex_base + "/" + id).status == 404);
    CHECK(server.call("GET", k_base + "/" + id).status == 404);
    CHECK(body_of(server.call("GET", globex_base))["data"].empty());
    CHECK(body_of(server.call("GET", k_base))["data"].empty());
    CHECK(body_of(server.call("GET", acme_base))["data"].size() == 1);
    CHECK(server.call("GET", "/api/v1/organizations/" + std::string("00000000-0000-0000-0000-000000000000") +
                                 "/policies")
              .status == 404);

    // Evaluation: the member's role attaches the policy in acme.
    auto evaluate = [&](const std::string& base, const std::string& resource, const std::string& user) {
        return server.call("POST", base + "/evaluate",
                           {{"subject", {{"user_id", user}}}, {"action", "reports:read"}, {"resource", resource}});
    };
    auto allowed = evaluate(acme_base, "org:" + acme + "/reports/q3", server.plain_id);
    INFO(allowed.body);
    REQUIRE(allowed.status == 200);
    CHECK(body_of(allowed)["decision"] == "allow");
    CHECK(body_of(allowed)["decided_by"]["policy_id"] == id);
    // The same resource name under globex is out of the policy's scope.
    auto other = evaluate(globex_base, "org:" + globex + "/reports/q3", server.admin_id);
    REQUIRE(other.status == 200);
    CHECK(body_of(other)["decision"] == "not_applicable");
    CHECK(body_of(other)["evaluated"].empty());  // acme's policy is not even shown to globex
    // An organization's evaluate only takes its own resources and members.
    CHECK(evaluate(acme_base, "org:" + globex + "/reports/q3", server.plain_id).status == 422);
    CHECK(evaluate(globex_base, "org:" + globex + "/reports/q3", server.plain_id).status == 422);

    // Deleting the organization deletes its policies.
    server.sql_value("DELETE FROM organizations WHERE id = '" + acme + "'");
    CHECK(server.sql_value("SELECT count(*) FROM policies") == "0");
}
