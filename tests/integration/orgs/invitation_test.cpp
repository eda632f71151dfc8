// Invitations over real HTTP: mailed through the outbox (EMAIL_PROVIDER=file), accepted by a
// signed-in user or by signing up through the link; expired, revoked and reused links fail.
#include "tests/integration/orgs/org_support.hpp"

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

const std::string k_accept_link = "/accept-invitation";

struct InviteServer {
    MailDir mail;
    Server server;
    TestUser owner, member;
    std::string id;

    InviteServer() : server(mail.env()) {
        owner = make_user(server, "owner@example.com");
        member = make_user(server, "member@example.com");
        id = make_org(server, owner, "acme")["id"];
        add_member(server, id, owner.token, member, "member");
    }
    std::string path(const std::string& rest = "") const { return k_orgs + "/" + id + "/invitations" + rest; }
    json invite(const std::string& email, const std::string& role = "member") {
        return ok_json(call(server, "POST", path(), owner.token, {{"email", email}, {"role", role}}), 201);
    }
    HttpResponse accept(const std::string& token, const json& body = json::object(), const std::string& bearer_token = "") {
        return call(server, "POST", "/api/v1/invitations/" + token + "/accept", bearer_token, body);
    }
};

}  // namespace

TEST_CASE("an invitation is mailed and accepted by signing up through it", "[orgs][invitations]") {
    InviteServer s;
    auto invitation = s.invite("New.Hire@Example.com", "admin");
    CHECK(invitation["email"] == "new.hire@example.com");
    CHECK(invitation["status"] == "pending");
    CHECK_FALSE(invitation.contains("token"));
    const auto token = s.mail.wait_for_token("new.hire@example.com", k_accept_link);

    CHECK(s.accept(token, {{"password", "short"}}).status == 422);  // policy, nothing changes
    auto joined = s.accept(token, {{"password", k_password}, {"first_name", "New"}});
    auto body = ok_json(joined, 201);
    CHECK(body["user"]["email_verified"] == true);
    CHECK(body["invitation"]["status"] == "accepted");
    const std::string access = body["access_token"];
    auto mine = ok_json(call(s.server, "GET", k_orgs, access))["data"];
    REQUIRE(mine.size() == 1);
    CHECK(mine[0]["role"] == "admin");

    SECTION("a used link does not work twice") {
        auto again = s.accept(token, {{"password", k_password}});
        CHECK(again.status == 409);
        CHECK(error_of(again)["details"][0]["rule"] == "accepted");
    }
}

TEST_CASE("a signed-in user accepts with the invited address only", "[orgs][invitations]") {
    InviteServer s;
    auto guest = make_user(s.server, "guest@example.com");
    auto other = make_user(s.server, "other@example.com");
    s.invite("guest@example.com");
    const auto token = s.mail.wait_for_token("guest@example.com", k_accept_link);
    CHECK(s.accept(token, json::object(), other.token).status == 403);
    // Signing up through a link for an address that has an account is refused.
    CHECK(s.accept(token, {{"password", k_password}}).status == 409);
    auto accepted = ok_json(s.accept(token, json::object(), guest.token));
    CHECK(accepted["organization_id"] == s.id);
    CHECK(call(s.server, "GET", k_orgs + "/" + s.id, guest.token).status == 200);
}

TEST_CASE("an acceptance that fails changes nothing", "[orgs][invitations]") {
    InviteServer s;
    auto guest = make_user(s.server, "late-joiner@example.com");
    s.invite("late-joiner@example.com");
    const auto token = s.mail.wait_for_token("late-joiner@example.com", k_accept_link);
    // Added directly while the invitation was in the mail: accepting now conflicts half-way,
    // after the link would have verified the address; none of it may stay.
    sql(s.server, "UPDATE users SET email_verified = false WHERE email = 'late-joiner@example.com'");
    add_member(s.server, s.id, s.owner.token, guest, "viewer");
    auto r = s.accept(token, json::object(), guest.token);
    CHECK(r.status == 409);
    CHECK(count_rows(s.server, "SELECT count(*) FROM users WHERE email = 'late-joiner@example.com' AND email_verified") == 0);
    CHECK(count_rows(s.server, "SELECT count(*) FROM invitations WHERE status = 'pending'") == 1);
    CHECK(count_rows(s.server, "SELECT count(*) FROM audit_events WHERE action = 'invitation.accepted'") == 0);
}

TEST_CASE("invitation failure paths: expired, revoked, resent, duplicates, permissions", "[orgs][invitations]") {
    InviteServer s;
    SECTION("expired") {
        s.invite("late@example.com");
        const auto token = s.mail.wait_for_token("late@example.com", k_accept_link);
        sql(s.server, "UPDATE invitations SET expires_at = now() - interval '1 second'");
        auto r = s.accept(token, {{"password", k_password}});
        CHECK(r.status == 409);
        CHECK(error_of(r)["details"][0]["rule"] == "expired");
        CHECK(ok_json(call(s.server, "GET", s.path("?status=expired"), s.owner.token))["data"].size() == 1);
        CHECK(count_rows(s.server, "SELECT count(*) FROM users WHERE email = 'late@example.com'") == 0);
        // An expired invitation does not block a new one.
        s.invite("late@example.com");
    }
    SECTION("revoked") {
        auto invitation = s.invite("gone@example.com");
        const auto token = s.mail.wait_for_token("gone@example.com", k_accept_link);
        CHECK(call(s.server, "DELETE", s.path("/" + invitation["id"].get<std::string>()), s.member.token).status == 403);
        CHECK(call(s.server, "DELETE", s.path("/" + invitation["id"].get<std::string>()), s.owner.token).status == 204);
        auto r = s.accept(token, {{"password", k_password}});
        CHECK(r.status == 409);
        CHECK(error_of(r)["details"][0]["rule"] == "revoked");
        CHECK(call(s.server, "DELETE", s.path("/" + invitation["id"].get<std::string>()), s.owner.token).status == 409);
    }
    SECTION("resend replaces the link") {
        auto invitation = s.invite("twice@example.com");
        const auto first = s.mail.wait_for_token("twice@example.com", k_accept_link);
        auto resent = ok_json(call(s.server, "POST", s.path("/" + invitation["id"].get<std::string>() + "/resend"), s.owner.token));
        CHECK(resent["sent_count"] == 2);
        auto tokens = s.mail.wait_for_tokens("twice@example.com", k_accept_link, 2);
        tokens.erase(first);
        CHECK(s.accept(first, {{"password", k_password}}).status == 404);
        CHECK(s.accept(*tokens.begin(), {{"password", k_password}}).status == 201);
    }
    SECTION("duplicates, members, unknown tokens, roles above the inviter") {
        s.invite("dup@example.com");
        CHECK(call(s.server, "POST", s.path(), s.owner.token, {{"email", "DUP@example.com"}}).status == 409);
        CHECK(call(s.server, "POST", s.path(), s.owner.token, {{"email", "member@example.com"}}).status == 409);
        CHECK(call(s.server, "POST", s.path(), s.owner.token, {{"email", "not-an-address"}}).status == 422);
        CHECK(call(s.server, "POST", s.path(), s.member.token, {{"email", "x@example.com"}}).status == 403);
        CHECK(s.accept("no-such-token", {{"password", k_password}}).status == 404);
        auto admin = make_user(s.server, "admin@example.com");
        add_member(s.server, s.id, s.owner.token, admin, "admin");
        CHECK(call(s.server, "POST", s.path(), admin.token, {{"email", "boss@example.com"}, {"role", "owner"}}).status == 403);
    }
    SECTION("bulk: one result per address") {
        auto bulk = ok_json(call(s.server, "POST", s.path("/bulk"), s.owner.token,
                                 {{"invitations", {{{"email", "a@example.com"}}, {{"email", "bad"}}, {{"email", "b@example.com"}, {"role", "viewer"}}}}}));
        CHECK(bulk["created"] == 2);
        CHECK(bulk["failed"] == 1);
        CHECK(bulk["data"][1]["error"]["code"] == "VALIDATION_ERROR");
        CHECK(ok_json(call(s.server, "GET", s.path("?status=pending"), s.owner.token))["data"].size() == 2);
        CHECK(call(s.server, "POST", s.path("/bulk"), s.owner.token, {{"invitations", json::array()}}).status == 422);
    }
}

TEST_CASE("adding a member by email does not tell whether the address has an account", "[orgs][invitations][security]") {
    InviteServer s;
    auto existing = make_user(s.server, "has-account@example.com");
    const std::string members = k_orgs + "/" + s.id + "/members";
    auto add = [&](const std::string& user) { return call(s.server, "POST", members, s.owner.token, {{"user_id", user}, {"role", "viewer"}}); };
    // The same answer for an account and for none: 202 with an invitation of the same shape.
    auto known = add("has-account@example.com");
    auto unknown = add("no-account@example.com");
    INFO(known.body << "\n" << unknown.body);
    REQUIRE(known.status == 202);
    REQUIRE(unknown.status == 202);
    auto a = json::parse(known.body), b = json::parse(unknown.body);
    CHECK(a["status"] == "invited");
    CHECK(b["status"] == "invited");
    CHECK(a["role"] == "viewer");
    std::set<std::string> keys_a, keys_b, inv_a, inv_b;
    for (const auto& [k, v] : a.items()) keys_a.insert(k);
    for (const auto& [k, v] : b.items()) keys_b.insert(k);
    for (const auto& [k, v] : a["invitation"].items()) inv_a.insert(k);
    for (const auto& [k, v] : b["invitation"].items()) inv_b.insert(k);
    CHECK(keys_a == keys_b);
    CHECK(inv_a == inv_b);
    CHECK(a.dump().find(existing.id) == std::string::npos);
    // Neither is a member yet; both were mailed a link. The account holder joins by accepting it.
    CHECK(call(s.server, "GET", k_orgs + "/" + s.id, existing.token).status == 404);
    const auto token = s.mail.wait_for_token("has-account@example.com", k_accept_link);
    s.mail.wait_for_token("no-account@example.com", k_accept_link);
    ok_json(s.accept(token, json::object(), existing.token));
    auto listed = ok_json(call(s.server, "GET", members, s.owner.token))["data"];
    bool viewer = false;
    for (const auto& m : listed)
        if (m["email"] == "has-account@example.com") viewer = m["role"] == "viewer";
    CHECK(viewer);
    // Asking again while an invitation is pending: the same 409 for both.
    CHECK(add("no-account@example.com").status == 409);
    CHECK(add("has-account@example.com").status == 409);  // now a member
    // By id, as before: 201 with the member; an unknown id is 404 (ids are not guessable).
    auto other = make_user(s.server, "by-id@example.com");
    CHECK(ok_json(add(other.id), 201)["user_id"] == other.id);
    CHECK(add("00000000-0000-4000-8000-000000000000").status == 404);
    // A bad address and a role the caller cannot grant are refused the same way for any address.
    CHECK(add("not-an-address@").status == 422);
    CHECK(call(s.server, "POST", members, s.owner.token, {{"user_id", "x@example.com"}, {"role", "nope"}}).status == 404);
}
