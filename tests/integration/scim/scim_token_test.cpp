// SCIM tokens: organization routes with scim:read / scim:write, shown once, stored hashed,
// revocable, accepted only by /scim/v2 and only for their own organization; the CLI in direct mode.
#include "tests/integration/scim/scim_support.hpp"

using namespace janua::test;
using namespace janua::test::scim;

TEST_CASE("SCIM tokens - create list revoke - least privilege - only on scim v2", "[scim][tokens]") {
    Server s;
    auto owner = make_user(s, "scim-owner@example.com");
    auto member = make_user(s, "scim-member@example.com");
    const std::string org = make_org(s, owner, "scim-org")["id"];
    add_member(s, org, owner.token, member, "member");
    const std::string path = k_orgs + "/" + org + "/scim/tokens";

    auto created = ok_json(call(s, "POST", path, owner.token, {{"name", "okta"}}), 201);
    const std::string secret = created["token"];
    CHECK(secret.rfind("jsc_", 0) == 0);
    CHECK(created["prefix"] == secret.substr(0, 12));
    CHECK(created["status"] == "active");
    // Stored as a digest only: the secret is nowhere in the table.
    CHECK(count_rows(s, "SELECT count(*) FROM scim_tokens WHERE token_hash = sha256('" + secret + "'::bytea)") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM scim_tokens t WHERE strpos(row_to_json(t)::text, '" + secret.substr(12) + "') > 0") == 0);

    auto listed = ok_json(call(s, "GET", path, owner.token));
    REQUIRE(listed["data"].size() == 1);
    CHECK_FALSE(listed["data"][0].contains("token"));  // shown once
    CHECK(listed["data"][0]["name"] == "okta");

    // Members hold neither scim:read nor scim:write.
    CHECK(call(s, "GET", path, member.token).status == 403);
    CHECK(call(s, "POST", path, member.token, {{"name", "x"}}).status == 403);
    // Bad input: clear error, nothing created.
    CHECK(call(s, "POST", path, owner.token, {{"name", ""}}).status == 422);
    CHECK(call(s, "POST", path, owner.token, {{"name", "a"}, {"scope", "x"}}).status == 422);
    CHECK(ok_json(call(s, "GET", path, owner.token))["data"].size() == 1);

    // The token works on /scim/v2 and nowhere else.
    CHECK(scim_call(s, "GET", "/Users", secret).status == 200);
    CHECK(call(s, "GET", k_orgs + "/" + org, secret).status == 401);
    CHECK(call(s, "GET", "/api/v1/auth/me", secret).status == 401);
    // A user's access token or an API key is not a SCIM token.
    CHECK(scim_type_of(scim_call(s, "GET", "/Users", owner.token), 401).empty());
    CHECK(scim_call(s, "GET", "/Users", "").status == 401);
    CHECK(scim_call(s, "GET", "/Users", secret + "x").status == 401);
    CHECK(scim_call(s, "GET", "/Users", secret).header("Content-Type").find("application/scim+json") == 0);

    // Revoke: 204, then the token stops working; a second revoke is idempotent; unknown: 404.
    const std::string id = created["id"];
    CHECK(call(s, "DELETE", path + "/" + id, member.token).status == 403);
    CHECK(call(s, "DELETE", path + "/" + id, owner.token).status == 204);
    CHECK(scim_call(s, "GET", "/Users", secret).status == 401);
    CHECK(ok_json(call(s, "GET", path, owner.token))["data"][0]["status"] == "revoked");
    CHECK(call(s, "DELETE", path + "/00000000-0000-0000-0000-000000000000", owner.token).status == 404);
    CHECK(call(s, "DELETE", path + "/not-a-uuid", owner.token).status == 404);

    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'scim_token.created' AND target_id = '" + id + "'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'scim_token.revoked' AND target_id = '" + id + "'") == 1);

    SECTION("the CLI in direct mode creates, lists and revokes") {
        auto made = cli_json(direct_args(s, {"scim", "token", "create", "--org", "scim-org", "--name", "azure"}));
        const std::string cli_secret = made["token"];
        CHECK(scim_call(s, "GET", "/ServiceProviderConfig", cli_secret).status == 200);
        auto all = cli_json(direct_args(s, {"scim", "token", "list", "--org", "scim-org"}));
        CHECK(all["data"].size() == 2);
        cli_json(direct_args(s, {"scim", "token", "revoke", made["id"], "--org", "scim-org"}));
        CHECK(scim_call(s, "GET", "/ServiceProviderConfig", cli_secret).status == 401);
        auto bad = janua::test::run_janua(direct_args(s, {"scim", "token", "create", "--org", "scim-org"}));
        CHECK(bad.exit_code != 0);
        CHECK(bad.err.find("--name") != std::string::npos);
        auto unknown = janua::test::run_janua(direct_args(s, {"scim", "token", "create", "--org", "no-such-org", "--name", "x"}));
        CHECK(unknown.exit_code != 0);
    }
}
