// Billing plans and subscriptions (core/billing) against a real januad and PostgreSQL: plans
// managed by platform admins and read by users, an organization's subscription, the plan limits
// enforced where organizations grow (members, invitations, SCIM provisioning tokens, SAML and
// enterprise OIDC connections), and the signed billing webhook (signature, timestamp, replay,
// ordering, unknown plan or organization), each change audited and each refusal changing nothing.
#include "tests/integration/orgs/org_support.hpp"

#include <ctime>
#include <fstream>
#include <iterator>

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

const std::string k_plans = "/api/v1/billing/plans";
const std::string k_secret = "billing-webhook-secret-0123456789";

std::string subscriptions(const std::string& org_id) { return "/api/v1/billing/subscriptions/" + org_id; }
std::string own_subscription(const std::string& org_id) { return k_orgs + "/" + org_id + "/subscription"; }

json plan_body(const std::string& id, const json& limits, bool is_default = false) {
    return {{"id", id}, {"name", "Plan " + id}, {"limits", limits}, {"default", is_default}};
}

// HMAC-SHA256 by the openssl command, independent of Janua's code.
std::string hmac_hex(const std::string& key, const std::string& message) {
    auto run = run_process({"/usr/bin/env", "openssl", "dgst", "-sha256", "-hmac", key}, {}, message);
    REQUIRE(run.exit_code == 0);
    std::string out = run.out.substr(run.out.rfind('=') + 1);
    out.erase(0, out.find_first_not_of(' '));
    out.erase(out.find_last_not_of("\r\n ") + 1);
    REQUIRE(out.size() == 64);
    return out;
}

HttpResponse send_event(const Server& s, const json& event, long long t, const std::string& secret = k_secret) {
    const std::string body = event.dump();
    const std::string signature = "t=" + std::to_string(t) + ",v1=" + hmac_hex(secret, std::to_string(t) + "." + body);
    return http("POST", s.base(), "/api/v1/billing/webhook", body, {{"Janua-Signature", signature}});
}

json event(const std::string& id, const std::string& type, const std::string& org_id, const json& data, long long created) {
    json d = data;
    d["organization_id"] = org_id;
    return {{"id", id}, {"type", type}, {"created", created}, {"data", d}};
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

std::string subscription_row(const Server& s, const std::string& org_id) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    auto r = w.exec_params("SELECT coalesce((SELECT row_to_json(x)::text FROM (SELECT plan_id, status, current_period_end, "
                           "provider, external_id, last_event_at, updated_at FROM billing_subscriptions WHERE organization_id = $1) x), '-')",
                           org_id);
    return r[0][0].as<std::string>();
}

long long audit_count(const Server& s, const std::string& action) {
    return count_rows(s, "SELECT count(*) FROM audit_events WHERE action = '" + action + "'");
}

void check_plan_limit(const HttpResponse& r, const std::string& limit) {
    INFO(r.status << " " << r.body);
    CHECK(r.status == 403);
    auto e = error_of(r);
    CHECK(e["code"] == "AUTHORIZATION_ERROR");
    CHECK(e["details"]["reason"] == "plan_limit");
    CHECK(e["details"]["limit"] == limit);
    CHECK(e["message"].get<std::string>().find("plan") != std::string::npos);
}

std::string test_certificate(const std::string& name) {
    const std::string base = "/tmp/janua-billing-" + name;
    auto made = run_process({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                             "/CN=" + name, "-keyout", base + ".key", "-out", base + ".crt"});
    REQUIRE(made.exit_code == 0);
    std::ifstream in(base + ".crt");
    const std::string cert((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove((base + ".key").c_str());
    std::remove((base + ".crt").c_str());
    return cert;
}

}  // namespace

TEST_CASE("billing plans are managed by platform admins and read by signed-in users", "[billing]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    auto user = make_user(s, "user@example.com");

    CHECK(http("GET", s.base(), k_plans).status == 401);
    CHECK(ok_json(call(s, "GET", k_plans, user.token))["data"].empty());
    auto created = ok_json(call(s, "POST", k_plans, admin.token,
                                {{"id", "team"}, {"name", "Team"}, {"description", "for teams"},
                                 {"limits", {{"max_members", 10}, {"sso_allowed", false}}}, {"metadata", {{"price", "10 EUR"}}}}),
                           201);
    CHECK(created["limits"] == json{{"max_members", 10}, {"sso_allowed", false}, {"scim_allowed", true}});
    CHECK(created["default"] == false);
    auto listed = ok_json(call(s, "GET", k_plans, user.token))["data"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["metadata"]["price"] == "10 EUR");
    CHECK(ok_json(call(s, "GET", k_plans + "/team", user.token))["name"] == "Team");
    CHECK(call(s, "GET", k_plans + "/nope", user.token).status == 404);

    // Only platform admins change plans; refusals and bad input change nothing.
    const auto before = ok_json(call(s, "GET", k_plans, user.token));
    CHECK(call(s, "POST", k_plans, user.token, plan_body("mine", json::object())).status == 403);
    CHECK(call(s, "PATCH", k_plans + "/team", user.token, {{"name", "Mine"}}).status == 403);
    CHECK(call(s, "DELETE", k_plans + "/team", user.token).status == 403);
    for (const json& bad : {json{{"id", "Bad Id"}, {"name", "x"}}, json{{"id", "x"}}, json{{"id", "x"}, {"name", "x"}, {"limits", {{"max_members", 0}}}},
                            json{{"id", "x"}, {"name", "x"}, {"limits", {{"max_api_keys", 1}}}}, json{{"id", "x"}, {"name", "x"}, {"price", 1}}}) {
        INFO(bad.dump());
        auto r = call(s, "POST", k_plans, admin.token, bad);
        CHECK(r.status == 422);
        CHECK(error_of(r)["code"] == "VALIDATION_ERROR");
    }
    CHECK(call(s, "POST", k_plans, admin.token, plan_body("team", json::object())).status == 409);
    CHECK(ok_json(call(s, "GET", k_plans, user.token)) == before);

    auto patched = ok_json(call(s, "PATCH", k_plans + "/team", admin.token, {{"limits", {{"max_members", nullptr}}}, {"default", true}}));
    CHECK(patched["limits"]["max_members"].is_null());
    CHECK(patched["default"] == true);
    // One default at a time.
    ok_json(call(s, "POST", k_plans, admin.token, plan_body("free", {{"max_members", 3}}, true)), 201);
    CHECK(ok_json(call(s, "GET", k_plans + "/team", user.token))["default"] == false);

    // A plan in use cannot be deleted.
    const std::string org = make_org(s, user, "acme")["id"];
    ok_json(call(s, "PUT", subscriptions(org), admin.token, {{"plan_id", "team"}}));
    auto in_use = call(s, "DELETE", k_plans + "/team", admin.token);
    CHECK(in_use.status == 409);
    CHECK(error_of(in_use)["code"] == "CONFLICT_ERROR");
    CHECK(call(s, "DELETE", subscriptions(org), admin.token).status == 204);
    CHECK(call(s, "DELETE", k_plans + "/team", admin.token).status == 204);
    CHECK(call(s, "GET", k_plans + "/team", user.token).status == 404);

    CHECK(audit_count(s, "billing.plan_created") == 2);
    CHECK(audit_count(s, "billing.plan_updated") == 1);
    CHECK(audit_count(s, "billing.plan_deleted") == 1);
    CHECK(audit_count(s, "billing.subscription_updated") == 1);
    CHECK(audit_count(s, "billing.subscription_removed") == 1);
}

TEST_CASE("plan limits are enforced on members, invitations, SCIM tokens and SSO connections", "[billing]") {
    MailDir mail;
    Server s(mail.env());
    auto admin = make_user(s, "root@example.com", true);
    auto owner = make_user(s, "owner@example.com");
    auto second = make_user(s, "second@example.com");
    auto third = make_user(s, "third@example.com");
    auto outsider = make_user(s, "outsider@example.com");
    const std::string org = make_org(s, owner, "acme")["id"];
    const std::string other_org = make_org(s, outsider, "other")["id"];
    ok_json(call(s, "POST", k_plans, admin.token, plan_body("small", {{"max_members", 2}, {"sso_allowed", false}, {"scim_allowed", false}})), 201);
    ok_json(call(s, "POST", k_plans, admin.token, plan_body("big", {{"max_members", nullptr}})), 201);

    // No subscription and no default plan: nothing is limited, as before billing existed.
    auto unlimited = ok_json(call(s, "GET", own_subscription(org), owner.token));
    CHECK(unlimited["source"] == "none");
    CHECK(unlimited["plan"].is_null());

    // Only platform admins set a plan; nothing changes otherwise.
    CHECK(call(s, "PUT", subscriptions(org), owner.token, {{"plan_id", "big"}}).status == 403);
    auto unknown = call(s, "PUT", subscriptions(org), admin.token, {{"plan_id", "gold"}});
    CHECK(unknown.status == 422);
    CHECK(call(s, "PUT", subscriptions(org), admin.token, {{"plan_id", "small"}, {"status", "paused"}}).status == 422);
    CHECK(subscription_row(s, org) == "-");
    auto set = ok_json(call(s, "PUT", subscriptions(org), admin.token,
                            {{"plan_id", "small"}, {"status", "trialing"}, {"current_period_end", "2030-01-31T00:00:00Z"}}));
    CHECK(set["source"] == "subscription");
    CHECK(set["status"] == "trialing");
    CHECK(set["plan"]["id"] == "small");
    CHECK(set["current_period_end"].get<std::string>().rfind("2030-01-31T00:00:00", 0) == 0);
    CHECK(set["provider"] == "manual");

    SECTION("the organization's admins read the subscription; members and other organizations cannot") {
        add_member(s, org, owner.token, second, "admin");
        CHECK(ok_json(call(s, "GET", own_subscription(org), second.token))["plan"]["id"] == "small");
        CHECK(ok_json(call(s, "GET", own_subscription(org), owner.token))["usage"]["members"] == 2);
        CHECK(ok_json(call(s, "GET", subscriptions(org), admin.token))["plan"]["id"] == "small");
        CHECK(call(s, "GET", subscriptions(org), owner.token).status == 403);
        auto other = call(s, "GET", own_subscription(org), outsider.token);
        CHECK(other.status == 404);
        CHECK(error_of(other)["message"] == "organization not found");
        ok_json(call(s, "PATCH", k_orgs + "/" + org + "/members/" + second.id, owner.token, {{"role", "member"}}));
        CHECK(call(s, "GET", own_subscription(org), second.token).status == 403);
    }

    SECTION("members beyond the plan are refused until the plan grows") {
        add_member(s, org, owner.token, second, "member");  // 2 of 2
        const auto members = count_rows(s, "SELECT count(*) FROM memberships WHERE organization_id = '" + org + "'");
        check_plan_limit(call(s, "POST", k_orgs + "/" + org + "/members", owner.token, {{"user_id", third.id}, {"role", "member"}}),
                         "max_members");
        auto refused = call(s, "POST", k_orgs + "/" + org + "/members", owner.token, {{"user_id", third.id}});
        CHECK(error_of(refused)["details"]["max_members"] == 2);
        CHECK(error_of(refused)["details"]["members"] == 2);

        // An invitation can be sent, but accepting it (here by signing up) waits for room.
        ok_json(call(s, "POST", k_orgs + "/" + org + "/invitations", owner.token, {{"email", "newcomer@example.com"}}), 201);
        const auto token = mail.wait_for_token("newcomer@example.com", "/accept-invitation");
        const std::string accept = "/api/v1/invitations/" + token + "/accept";
        check_plan_limit(call(s, "POST", accept, "", {{"password", k_password}}), "max_members");
        CHECK(count_rows(s, "SELECT count(*) FROM users WHERE email = 'newcomer@example.com'") == 0);
        CHECK(count_rows(s, "SELECT count(*) FROM invitations WHERE status = 'pending'") == 1);
        CHECK(count_rows(s, "SELECT count(*) FROM memberships WHERE organization_id = '" + org + "'") == members);

        // A canceled subscription falls back to the default plan (none here: unlimited).
        ok_json(call(s, "PUT", subscriptions(org), admin.token, {{"plan_id", "small"}, {"status", "canceled"}}));
        CHECK(ok_json(call(s, "GET", own_subscription(org), owner.token))["source"] == "none");
        ok_json(call(s, "POST", accept, "", {{"password", k_password}}), 201);
        add_member(s, org, owner.token, third, "member");
        CHECK(count_rows(s, "SELECT count(*) FROM memberships WHERE organization_id = '" + org + "'") == 4);
    }

    SECTION("SCIM tokens and SSO connections need a plan that includes them") {
        check_plan_limit(call(s, "POST", k_orgs + "/" + org + "/scim/tokens", owner.token, {{"name", "okta"}}), "scim_allowed");
        check_plan_limit(call(s, "POST", k_orgs + "/" + org + "/identity-providers", owner.token,
                              {{"slug", "corp-oidc"}, {"issuer", "https://idp.example.com"}, {"client_id", "c"}}),
                         "sso_allowed");
        const std::string cert = test_certificate("acme-idp");
        const json saml = {{"idp_entity_id", "https://idp.example.com/saml"}, {"idp_sso_url", "https://idp.example.com/sso"},
                           {"idp_certificates", {cert}}};
        check_plan_limit(call(s, "PUT", k_orgs + "/" + org + "/sso", owner.token, saml), "sso_allowed");
        CHECK(count_rows(s, "SELECT count(*) FROM scim_tokens") == 0);
        CHECK(count_rows(s, "SELECT count(*) FROM saml_connections") == 0);
        CHECK(count_rows(s, "SELECT count(*) FROM identity_providers") == 0);

        ok_json(call(s, "PUT", subscriptions(org), admin.token, {{"plan_id", "big"}}));
        ok_json(call(s, "POST", k_orgs + "/" + org + "/scim/tokens", owner.token, {{"name", "okta"}}), 201);
        ok_json(call(s, "PUT", k_orgs + "/" + org + "/sso", owner.token, saml), 201);
        ok_json(call(s, "POST", k_orgs + "/" + org + "/identity-providers", owner.token,
                     {{"slug", "corp-oidc"}, {"issuer", "https://idp.example.com"}, {"client_id", "c"}}),
                201);
    }

    SECTION("organizations without a subscription follow the default plan") {
        ok_json(call(s, "PATCH", k_plans + "/small", admin.token, {{"default", true}}));
        auto defaulted = ok_json(call(s, "GET", own_subscription(other_org), outsider.token));
        CHECK(defaulted["source"] == "default");
        CHECK(defaulted["plan"]["id"] == "small");
        check_plan_limit(call(s, "POST", k_orgs + "/" + other_org + "/scim/tokens", outsider.token, {{"name", "x"}}), "scim_allowed");
        add_member(s, other_org, outsider.token, second, "member");
        check_plan_limit(call(s, "POST", k_orgs + "/" + other_org + "/members", outsider.token, {{"user_id", third.id}}), "max_members");
        // Creating an organization (its owner is its first member) still works.
        make_org(s, third, "third-org");
    }
}

TEST_CASE("the billing webhook applies signed events once and refuses the rest", "[billing]") {
    Server s(Env{{"BILLING_WEBHOOK_SECRET", k_secret}});
    auto admin = make_user(s, "root@example.com", true);
    auto owner = make_user(s, "owner@example.com");
    const std::string org = make_org(s, owner, "acme")["id"];
    ok_json(call(s, "POST", k_plans, admin.token, plan_body("pro", {{"max_members", 50}})), 201);
    ok_json(call(s, "POST", k_plans, admin.token, plan_body("free", {{"max_members", 1}, {"sso_allowed", false}}, true)), 201);
    const long long t = now();

    auto created = event("evt_1", "subscription.created", org,
                         {{"plan_id", "pro"}, {"status", "active"}, {"current_period_end", "2030-02-01T00:00:00Z"},
                          {"provider", "stripe"}, {"external_id", "sub_123"}},
                         t - 60);
    auto applied = ok_json(send_event(s, created, t));
    CHECK(applied["outcome"] == "applied");
    CHECK(applied["event_id"] == "evt_1");
    auto sub = ok_json(call(s, "GET", own_subscription(org), owner.token));
    CHECK(sub["source"] == "subscription");
    CHECK(sub["plan"]["id"] == "pro");
    CHECK(sub["status"] == "active");
    CHECK(sub["provider"] == "stripe");
    CHECK(sub["current_period_end"].get<std::string>().rfind("2030-02-01T00:00:00", 0) == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'billing.subscription_updated' AND "
                        "details->>'event_id' = 'evt_1' AND organization_id = '" + org + "'") == 1);
    const std::string after_first = subscription_row(s, org);

    struct Refusal {
        std::string name;
        HttpResponse response;
        int status;
        std::string code;
    };
    auto updated = event("evt_2", "subscription.updated", org, {{"plan_id", "free"}, {"status", "past_due"}}, t);
    const std::string body = updated.dump();
    const std::vector<Refusal> refusals = {
        {"bad signature", send_event(s, updated, t, k_secret + "-wrong"), 401, "AUTHENTICATION_ERROR"},
        {"stale timestamp", send_event(s, updated, t - 400), 401, "AUTHENTICATION_ERROR"},
        {"future timestamp", send_event(s, updated, t + 400), 401, "AUTHENTICATION_ERROR"},
        {"no signature", http("POST", s.base(), "/api/v1/billing/webhook", body), 401, "AUTHENTICATION_ERROR"},
        {"body changed after signing",
         http("POST", s.base(), "/api/v1/billing/webhook", body + " ",
              {{"Janua-Signature", "t=" + std::to_string(t) + ",v1=" + hmac_hex(k_secret, std::to_string(t) + "." + body)}}),
         401, "AUTHENTICATION_ERROR"},
        {"unknown plan", send_event(s, event("evt_3", "subscription.updated", org, {{"plan_id", "gold"}, {"status", "active"}}, t), t),
         422, "VALIDATION_ERROR"},
        {"unknown organization",
         send_event(s, event("evt_4", "subscription.updated", "00000000-0000-4000-8000-000000000000", {{"plan_id", "pro"}, {"status", "active"}}, t), t),
         422, "VALIDATION_ERROR"},
        {"bad status", send_event(s, event("evt_5", "subscription.updated", org, {{"plan_id", "pro"}, {"status", "paused"}}, t), t),
         422, "VALIDATION_ERROR"},
        {"replayed event", send_event(s, created, t), 200, ""},
    };
    for (const auto& r : refusals) {
        INFO(r.name << ": " << r.response.status << " " << r.response.body);
        CHECK(r.response.status == r.status);
        if (!r.code.empty()) CHECK(error_of(r.response)["code"] == r.code);
        CHECK(subscription_row(s, org) == after_first);
    }
    CHECK(error_of(refusals[1].response)["details"]["reason"] == "stale_timestamp");
    CHECK(body_of(refusals.back().response)["outcome"] == "duplicate");
    // Refused events are not remembered: the same id can be delivered again once it is right.
    CHECK(count_rows(s, "SELECT count(*) FROM billing_events") == 1);
    CHECK(audit_count(s, "billing.subscription_updated") == 1);

    // A later update applies; an event older than it (out-of-order delivery) changes nothing.
    CHECK(ok_json(send_event(s, updated, t))["outcome"] == "applied");
    CHECK(ok_json(call(s, "GET", own_subscription(org), owner.token))["status"] == "past_due");
    const std::string after_update = subscription_row(s, org);
    auto older = event("evt_6", "subscription.updated", org, {{"plan_id", "pro"}, {"status", "active"}}, t - 30);
    CHECK(ok_json(send_event(s, older, t))["outcome"] == "stale");
    CHECK(subscription_row(s, org) == after_update);
    CHECK(ok_json(send_event(s, older, t))["outcome"] == "duplicate");

    // Past due keeps the plan's limits (free: 1 member); canceled falls back to the default plan.
    auto third = make_user(s, "third@example.com");
    check_plan_limit(call(s, "POST", k_orgs + "/" + org + "/members", owner.token, {{"user_id", third.id}}), "max_members");
    auto canceled = event("evt_7", "subscription.canceled", org, json::object(), t + 1);
    CHECK(ok_json(send_event(s, canceled, t))["outcome"] == "applied");
    auto after_cancel = ok_json(call(s, "GET", own_subscription(org), owner.token));
    CHECK(after_cancel["status"] == "canceled");
    CHECK(after_cancel["subscribed_plan_id"] == "free");
    CHECK(after_cancel["source"] == "default");
    CHECK(after_cancel["plan"]["id"] == "free");
    CHECK(audit_count(s, "billing.subscription_updated") == 3);
}

TEST_CASE("the billing webhook is off without a secret", "[billing]") {
    Server s;
    auto r = http("POST", s.base(), "/api/v1/billing/webhook", R"({"id":"e"})", {{"Janua-Signature", "t=1,v1=00"}});
    CHECK(r.status == 404);
    CHECK(error_of(r)["code"] == "NOT_FOUND_ERROR");
}
