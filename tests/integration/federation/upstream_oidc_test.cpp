// januad as a relying party of real upstream software: Node's oidc-provider is the OpenID
// Provider (social login through a generic OIDC issuer, an organization's enterprise OIDC
// connection), a GitHub-shaped fake stands in for github.com (the GitHub preset with its
// endpoints pointed at it). Every attack on the callback and the ID token is refused and
// creates nothing.
#include "tests/integration/federation/upstream_idp.hpp"

#include <pqxx/pqxx>

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::federation;

namespace {

const std::string k_social = "/api/v1/auth/oauth/corp-idp";

json accounts() {
    return {{"newbie", {{"email", "newbie@example.com"}, {"email_verified", true}, {"given_name", "New"}, {"family_name", "Bie"}}},
            {"alice", {{"email", "alice@example.com"}, {"email_verified", true}}},
            {"eve", {{"email", "eve@example.com"}, {"email_verified", false}}},
            {"bob", {{"email", "bob@example.com"}, {"email_verified", true}}},
            {"carol", {{"email", "carol@acme.example"}, {"email_verified", true}}},
            {"mallory", {{"email", "mallory@other.example"}, {"email_verified", true}}},
            {"dave", {{"email", "dave-upstream@example.net"}, {"email_verified", true}}}};
}

long long count(const Server& s, const std::string& sql) {
    pqxx::connection c{s.db.url()};
    pqxx::work w{c};
    return w.exec1(sql)[0].as<long long>();
}

struct Fixture {
    Server s{Env{{"UPSTREAM_IDP_ALLOW_PRIVATE", "true"}, {"ENABLE_SSO", "true"}}};
    UpstreamIdp idp{{s.base() + k_social + "/callback", s.base() + "/api/v1/sso/oidc/callback",
                     s.base() + "/api/v1/auth/oauth/github/callback"},
                    accounts()};
    SecretFile secret{k_client_secret + "\n"};

    Fixture() {
        idp_cli({"idp", "create", "--issuer", idp.issuer(), "--client-id", k_client_id, "--client-secret-file", secret.path,
                  "--slug", "corp-idp", "--name", "Corp IdP", "--database-url", s.db.url(), "--output", "json"});
    }
    HttpResponse login(const std::string& account) {
        return get(s.base(), callback_for(s.base(), k_social + "/authorize?redirect=false&login_hint=" + account));
    }
};

}  // namespace

TEST_CASE("social login through an OIDC issuer creates an account, links by verified email only", "[federation]") {
    Fixture f;
    const auto& s = f.s;

    // The CLI shows the configuration without the secret.
    auto shown = idp_cli({"idp", "get", "corp-idp", "--database-url", s.db.url(), "--output", "json"});
    CHECK(shown["client_secret_set"] == true);
    CHECK(shown.dump().find(k_client_secret) == std::string::npos);
    auto listed = body_of(get(s.base(), "/api/v1/auth/oauth/providers"));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["provider"] == "corp-idp");

    // A new user: an account is created with the verified address, and signed in like a password login.
    auto created = f.login("newbie");
    INFO(created.body << "\n" << f.idp.log());
    REQUIRE(created.status == 200);
    auto body = body_of(created);
    CHECK(body["created"] == true);
    CHECK(body["user"]["email"] == "newbie@example.com");
    CHECK(body["user"]["email_verified"] == true);
    CHECK(body["user"]["first_name"] == "New");
    CHECK(created.header("Set-Cookie").find("janua_session=") != std::string::npos);
    auto me = get(s.base(), "/api/v1/auth/me", body["access_token"]);
    REQUIRE(me.status == 200);
    CHECK(body_of(me)["id"] == body["user"]["id"]);
    CHECK(parse_jwt(body["access_token"]).payload["amr"] == json::array({"fed"}));
    CHECK_FALSE(parse_jwt(body["access_token"]).payload.contains("org_id"));  // social login: no organization
    // The next login finds the same account by (issuer, subject).
    auto again = body_of(f.login("newbie"));
    CHECK(again["created"] == false);
    CHECK(again["user"]["id"] == body["user"]["id"]);

    // An existing account with a verified address is linked to the upstream identity.
    auto alice = cli_json({"user", "create", "--email", "alice@example.com", "--password-stdin", "--email-verified",
                           "--database-url", s.db.url(), "--output", "json"},
                          k_password);
    auto linked = body_of(f.login("alice"));
    CHECK(linked["linked"] == true);
    CHECK(linked["created"] == false);
    CHECK(linked["user"]["id"] == alice["id"]);

    // An unverified upstream address creates nothing and links nothing.
    auto eve = f.login("eve");
    CHECK(eve.status == 403);
    CHECK(error_code(eve) == "SSO_PROVISIONING_ERROR");
    CHECK(reason_of(eve) == "email_not_verified");
    CHECK(count(s, "SELECT count(*) FROM users WHERE email = 'eve@example.com'") == 0);
    // ... nor does a verified upstream address whose januad account never verified its own.
    signup(s.base(), "bob@example.com");
    auto bob = f.login("bob");
    CHECK(bob.status == 403);
    CHECK(reason_of(bob) == "account_email_unverified");
    CHECK(count(s, "SELECT count(*) FROM user_identities i JOIN users u ON u.id = i.user_id WHERE u.email = 'bob@example.com'") == 0);

    // Every login and refusal is in the audit log.
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'upstream.login' AND outcome = 'success'") == 3);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'upstream.login' AND outcome = 'failure' "
                   "AND details->>'reason' IN ('email_not_verified', 'account_email_unverified')") == 2);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity.linked'") == 2);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity_provider.created'") == 1);
}

TEST_CASE("upstream callback: bad, replayed and foreign state and forged ID tokens are refused", "[federation]") {
    Fixture f;
    const auto& s = f.s;
    const auto users_before = count(s, "SELECT count(*) FROM users");

    // A state januad never issued.
    auto callback = callback_for(s.base(), k_social + "/authorize?redirect=false&login_hint=newbie");
    auto forged = get(s.base(), Callback{replace_param(callback.path, "state", "forged-state-value"), callback.binding});
    CHECK(forged.status == 401);
    CHECK(error_code(forged) == "SSO_AUTHENTICATION_ERROR");
    CHECK(reason_of(forged) == "state_invalid");
    // The genuine state works once; replaying the callback does not.
    REQUIRE(get(s.base(), callback).status == 200);
    auto replayed = get(s.base(), callback);
    CHECK(replayed.status == 401);
    CHECK(reason_of(replayed) == "state_invalid");
    // A state made for one provider is refused at another's callback (and is spent).
    auto elsewhere = callback_for(s.base(), k_social + "/authorize?redirect=false&login_hint=newbie");
    elsewhere.path.replace(elsewhere.path.find("/corp-idp/"), 10, "/github/");
    auto mixed = get(s.base(), elsewhere);
    CHECK(mixed.status == 401);
    CHECK(reason_of(mixed) == "state_invalid");
    // No state at all.
    CHECK(reason_of(get(s.base(), k_social + "/callback?code=abc")) == "state_invalid");

    // Login CSRF: a callback from a browser other than the one that started the sign-in (no
    // binding cookie, or another browser's) is refused and signs nobody in.
    for (const std::string& cookie : {std::string(), callback_for(s.base(), k_social + "/authorize?redirect=false&login_hint=bob").binding}) {
        auto started = get(s.base(), k_social + "/authorize?redirect=false&login_hint=newbie");
        const std::string line = set_cookie_of(started, "janua_sso_binding").second;
        CHECK(line.find("; HttpOnly") != std::string::npos);
        CHECK(line.find("; SameSite=Lax") != std::string::npos);
        CHECK(line.find("; Path=/api/v1/") != std::string::npos);
        CHECK(line.find("; Max-Age=") != std::string::npos);
        CHECK(line.find("Secure") == std::string::npos);  // BASE_URL is http here
        auto foreign = follow(started, s.base());
        foreign.binding = cookie;
        auto refused = get(s.base(), foreign);
        CHECK(refused.status == 401);
        CHECK(reason_of(refused) == "browser_mismatch");
    }
    // The browser's binding cookie is reused for its next sign-in (several tabs).
    auto first = get(s.base(), k_social + "/authorize?redirect=false");
    const std::string mine = set_cookie_of(first, "janua_sso_binding").first;
    auto second = http("GET", s.base(), k_social + "/authorize?redirect=false", {}, {{"Cookie", "janua_sso_binding=" + mine}});
    CHECK(set_cookie_of(second, "janua_sso_binding").first == mine);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'upstream.login' AND details->>'reason' = 'browser_mismatch'") == 2);

    // ID tokens the upstream's keys and the login request do not vouch for.
    const std::vector<std::pair<std::string, std::string>> attacks = {
        {"wrong_nonce", "nonce_mismatch"}, {"other_key", "signature_invalid"}, {"wrong_aud", "audience_mismatch"},
        {"expired", "expired"}};
    for (const auto& [mode, reason] : attacks) {
        INFO(mode);
        f.idp.set_mode(mode);
        auto refused = f.login("alice");
        CHECK(refused.status == 401);
        CHECK(error_code(refused) == "SSO_AUTHENTICATION_ERROR");
        CHECK(reason_of(refused) == reason);
    }
    f.idp.set_mode("none");
    // Only the one genuine login above created an account.
    CHECK(count(s, "SELECT count(*) FROM users") == users_before + 1);
    CHECK(count(s, "SELECT count(*) FROM users WHERE email = 'alice@example.com'") == 0);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'upstream.login' AND outcome = 'failure'") == 10);
}

TEST_CASE("enterprise OIDC: JIT login into an organization, allowed domains, management API", "[federation]") {
    Fixture f;
    const auto& s = f.s;
    auto owner = signup(s.base(), "owner@acme.example");
    const std::string owner_token = owner["access_token"];
    auto org = body_of(post(s.base(), "/api/v1/organizations", {{"slug", "acme"}, {"name", "Acme"}}, owner_token));
    const std::string org_id = org["id"];
    const std::string connections = "/api/v1/organizations/" + org_id + "/identity-providers";

    // Bad configurations are refused with the field named, and nothing is stored.
    auto bad = post(s.base(), connections, {{"slug", "bad"}, {"issuer", "ftp://idp"}, {"client_id", "x"}}, owner_token);
    CHECK(bad.status == 422);
    CHECK(error_of(bad)["details"][0]["field"] == "issuer");
    CHECK(post(s.base(), connections, {{"issuer", f.idp.issuer()}, {"client_id", "x"}, {"slug", "a"}, {"default_role", "owner"}},
               owner_token).status == 422);
    CHECK(body_of(get(s.base(), connections, owner_token))["data"].empty());

    auto created = post(s.base(), connections,
                        {{"slug", "acme-sso"}, {"issuer", f.idp.issuer()}, {"client_id", k_client_id},
                         {"client_secret", k_client_secret}, {"allowed_domains", {"acme.example"}}},
                        owner_token);
    INFO(created.body);
    REQUIRE(created.status == 201);
    CHECK(body_of(created)["client_secret_set"] == true);
    CHECK(created.body.find(k_client_secret) == std::string::npos);
    // test: discovery and keys are reachable.
    auto tested = post(s.base(), connections + "/acme-sso/test", json::object(), owner_token);
    INFO(tested.body);
    CHECK(tested.status == 200);
    CHECK(body_of(tested)["issuer"] == f.idp.issuer());
    // A member without sso:write cannot change it.
    auto member = signup(s.base(), "member@acme.example");
    REQUIRE(post(s.base(), "/api/v1/organizations/" + org_id + "/members",
                 {{"user_id", member["user"]["id"]}, {"role", "member"}}, owner_token).status == 201);
    CHECK(http("PATCH", s.base(), connections + "/acme-sso", json{{"enabled", false}}.dump(),
               bearer(member["access_token"])).status == 403);

    // carol@acme.example signs in through the connection: account and membership are created.
    auto callback = callback_for(s.base(), "/api/v1/sso/oidc/initiate?org=acme&redirect=false&login_hint=carol");
    auto carol = get(s.base(), callback);
    INFO(carol.body);
    REQUIRE(carol.status == 200);
    auto body = body_of(carol);
    CHECK(body["created"] == true);
    CHECK(body["organization_id"] == org_id);
    // The sign-in was for the organization: its access token names it, refreshed ones too.
    CHECK(parse_jwt(body["access_token"]).payload["org_id"] == org_id);
    auto refreshed = post(s.base(), "/api/v1/auth/refresh", {{"refresh_token", body["refresh_token"]}});
    INFO(refreshed.body);
    REQUIRE(refreshed.status == 200);
    CHECK(parse_jwt(body_of(refreshed)["access_token"]).payload["org_id"] == org_id);
    auto members = body_of(get(s.base(), "/api/v1/organizations/" + org_id + "/members", owner_token));
    bool found = false;
    for (const auto& m : members["data"])
        if (m["email"] == "carol@acme.example") found = m["role"] == "member";
    CHECK(found);

    // By email domain, and back into a pending authorization request (redirect mode).
    auto by_domain = callback_for(s.base(), "/api/v1/sso/oidc/initiate?domain=acme.example&redirect=false&login_hint=carol"
                                            "&return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dx");
    auto redirected = get(s.base(), by_domain);
    CHECK(redirected.status == 302);
    CHECK(redirected.header("Location") == "/oauth/authorize?client_id=x");
    const std::string session = set_cookie_of(redirected, "janua_session").first;
    REQUIRE_FALSE(session.empty());
    // An app signing carol in with that browser session gets tokens naming the organization.
    janua::test::sso::register_tenant_app(s);
    auto app = janua::test::sso::app_tokens(s, session);
    CHECK(app.access["org_id"] == org_id);
    CHECK(app.id["org_id"] == org_id);
    CHECK(app.refreshed_access["org_id"] == org_id);
    // An open redirect is refused before anything is sent upstream.
    CHECK(get(s.base(), "/api/v1/sso/oidc/initiate?org=acme&redirect=false&return_to=https%3A%2F%2Fevil.example%2F").status == 422);

    // A verified address outside the allowed domains is refused.
    auto mallory = get(s.base(), callback_for(s.base(), "/api/v1/sso/oidc/initiate?org=acme&redirect=false&login_hint=mallory"));
    CHECK(mallory.status == 403);
    CHECK(reason_of(mallory) == "domain_not_allowed");
    CHECK(count(s, "SELECT count(*) FROM users WHERE email = 'mallory@other.example'") == 0);

    // Changes are audited; deleting the connection removes its links.
    REQUIRE(http("PATCH", s.base(), connections + "/acme-sso", json{{"jit_provisioning", false}}.dump(), bearer(owner_token)).status == 200);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity_provider.updated' AND organization_id IS NOT NULL") == 1);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'member.added' AND details->>'via' = 'sso_jit'") == 1);
    REQUIRE(http("DELETE", s.base(), connections + "/acme-sso", "", bearer(owner_token)).status == 204);
    CHECK(count(s, "SELECT count(*) FROM user_identities") == 0);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity_provider.deleted'") == 1);
}

TEST_CASE("link and unlink upstream accounts, the last sign-in method stays", "[federation]") {
    Fixture f;
    const auto& s = f.s;
    auto dave = signup(s.base(), "dave@example.com");
    const std::string token = dave["access_token"];

    CHECK(post(s.base(), k_social + "/link", json::object()).status == 401);
    auto started = post(s.base(), k_social + "/link", {{"login_hint", "dave"}}, token);
    INFO(started.body);
    REQUIRE(started.status == 200);
    auto linked = get(s.base(), follow(started, s.base()));
    INFO(linked.body);
    REQUIRE(linked.status == 200);
    CHECK(body_of(linked)["linked"] == true);
    auto accounts_list = body_of(get(s.base(), "/api/v1/auth/oauth/accounts", token));
    REQUIRE(accounts_list["data"].size() == 1);
    CHECK(accounts_list["data"][0]["provider"] == "corp-idp");
    CHECK(accounts_list["data"][0]["email"] == "dave-upstream@example.net");
    // The upstream account now signs in as dave.
    CHECK(body_of(f.login("dave"))["user"]["id"] == dave["user"]["id"]);

    // Someone else cannot link the same upstream account.
    auto other = signup(s.base(), "other@example.com");
    auto again = post(s.base(), k_social + "/link", {{"login_hint", "dave"}}, other["access_token"]);
    auto taken = get(s.base(), follow(again, s.base()));
    CHECK(taken.status == 403);
    CHECK(reason_of(taken) == "already_linked");

    // dave has a password: unlinking is fine, and audited.
    CHECK(http("DELETE", s.base(), k_social + "/link", "", bearer(token)).status == 204);
    CHECK(body_of(get(s.base(), "/api/v1/auth/oauth/accounts", token))["data"].empty());
    CHECK(http("DELETE", s.base(), k_social + "/link", "", bearer(token)).status == 404);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity.unlinked'") == 1);

    // An account made by social login has no password: its only link stays.
    auto newbie = body_of(f.login("newbie"));
    auto last = http("DELETE", s.base(), k_social + "/link", "", bearer(newbie["access_token"]));
    CHECK(last.status == 409);
    CHECK(body_of(get(s.base(), "/api/v1/auth/oauth/accounts", newbie["access_token"]))["data"].size() == 1);
}

TEST_CASE("GitHub preset: verified primary email from /user/emails (endpoints pointed at a local fake)", "[federation]") {
    Fixture f;
    const auto& s = f.s;
    idp_cli({"idp", "create", "--preset", "github", "--client-id", k_client_id, "--client-secret-file", f.secret.path,
              "--authorization-endpoint", f.idp.github_base() + "/login/oauth/authorize", "--token-endpoint",
              f.idp.github_base() + "/login/oauth/access_token", "--userinfo-endpoint", f.idp.github_base() + "/user",
              "--emails-endpoint", f.idp.github_base() + "/user/emails", "--database-url", s.db.url(), "--output", "json"});
    auto github = [&](const std::string& login) {
        return get(s.base(), callback_for(s.base(), "/api/v1/auth/oauth/github/authorize?redirect=false&login_hint=" + login));
    };
    auto ok = github("newbie");
    INFO(ok.body << "\n" << f.idp.log());
    REQUIRE(ok.status == 200);
    CHECK(body_of(ok)["user"]["email"] == "newbie@example.com");
    const std::string subject = body_of(ok)["linked_account"]["subject"];  // GitHub's numeric user id
    CHECK(!subject.empty());
    CHECK(subject.find_first_not_of("0123456789") == std::string::npos);
    auto refused = github("eve");  // primary address not verified
    CHECK(refused.status == 403);
    CHECK(reason_of(refused) == "email_not_verified");
}

TEST_CASE("an account linked at Auth0 is found by its upstream subject, not its email, and claimed once", "[federation][migration]") {
    Fixture f;
    const auto& s = f.s;
    // Dave's address at the IdP (dave-upstream@example.net) is not his account's: only the link imported
    // from Auth0's identities[] (provider named like the Janua provider's slug) can find him.
    const json exported = {{"user_id", "auth0|dave1"}, {"email", "dave@example.com"}, {"email_verified", true},
                           {"created_at", "2024-01-02T03:04:05.000Z"},
                           {"identities", {{{"provider", "auth0"}, {"connection", "Username-Password-Authentication"}, {"user_id", "dave1"}, {"isSocial", false}},
                                           {{"provider", "corp-idp"}, {"connection", "corp-idp"}, {"user_id", "dave"}, {"isSocial", true},
                                            {"access_token", "upstream-token"}, {"profileData", {{"email", "dave-upstream@example.net"}}}}}}};
    char path[] = "/tmp/janua-auth0-export-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string line = exported.dump() + "\n";
    REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    ::close(fd);
    auto imported = run_janua({"migrate", "auth0", path, "--database-url", s.db.url(), "--output", "json"});
    ::unlink(path);
    INFO(imported.out << imported.err);
    REQUIRE(imported.exit_code == 0);
    CHECK(count(s, "SELECT count(*) FROM user_identities WHERE provider_id IS NULL AND provider_key = 'corp-idp' AND subject = 'dave'") == 1);

    auto first = f.login("dave");
    INFO(first.body << "\n" << f.idp.log());
    REQUIRE(first.status == 200);
    auto body = body_of(first);
    CHECK(body["created"] == false);
    CHECK(body["user"]["email"] == "dave@example.com");
    CHECK(body["linked_account"]["provider"] == "corp-idp");
    CHECK(body["linked_account"]["source"] == "auth0");
    // Claimed: bound to the provider from now on, and the claim is audited.
    CHECK(count(s, "SELECT count(*) FROM user_identities WHERE provider_id IS NOT NULL AND subject = 'dave'") == 1);
    CHECK(count(s, "SELECT count(*) FROM user_identities") == 1);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity.linked' AND details->>'via' = 'imported'") == 1);
    CHECK(count(s, "SELECT count(*) FROM users WHERE email = 'dave-upstream@example.net'") == 0);
    auto again = body_of(f.login("dave"));
    CHECK(again["user"]["id"] == body["user"]["id"]);
    CHECK(count(s, "SELECT count(*) FROM audit_events WHERE action = 'identity.linked'") == 1);
    auto accounts = body_of(get(s.base(), "/api/v1/auth/oauth/accounts", body["access_token"]));
    REQUIRE(accounts["data"].size() == 1);
    CHECK(accounts["data"][0]["subject"] == "dave");
}

TEST_CASE("the hosted /login page offers the enabled providers, and its links start their sign-in", "[federation]") {
    Fixture f;
    const auto& s = f.s;
    // A second provider, disabled: not offered.
    idp_cli({"idp", "create", "--preset", "github", "--client-id", k_client_id, "--client-secret-file", f.secret.path,
              "--disabled", "--database-url", s.db.url(), "--output", "json"});
    const std::string pending = "/oauth/authorize?client_id=tenant-app&response_type=code";
    auto page = http("GET", s.base(), "/login?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dtenant-app%26response_type%3Dcode");
    INFO(page.body);
    REQUIRE(page.status == 200);
    const std::string link = "/api/v1/auth/oauth/corp-idp/authorize?return_to=%2Foauth%2Fauthorize%3Fclient_id%3Dtenant-app%26response_type%3Dcode";
    CHECK(page.body.find("href=\"" + link + "\">Sign in with Corp IdP</a>") != std::string::npos);
    CHECK(page.body.find("/api/v1/auth/oauth/github/") == std::string::npos);
    CHECK(page.body.find("Sign in with GitHub") == std::string::npos);
    // ENABLE_SSO: the work-email form for enterprise SSO; no external asset anywhere.
    CHECK(page.body.find("<form method=\"get\" action=\"/login/sso\">") != std::string::npos);
    CHECK(page.body.find("http://") == std::string::npos);
    CHECK(page.body.find("https://") == std::string::npos);
    CHECK(page.header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);

    // The link starts the flow: to the upstream with a binding cookie, back to the pending request signed in.
    auto start = http("GET", s.base(), link + "&login_hint=newbie");  // the test IdP's account chooser
    REQUIRE(start.status == 302);
    const std::string binding = set_cookie_of(start, "janua_sso_binding").first;
    REQUIRE(binding.size() == 43);
    CHECK(start.header("Location").rfind(f.idp.issuer(), 0) == 0);
    auto back = get(s.base(), Callback{drive_upstream(start.header("Location"), s.base()), binding});
    INFO(back.body);
    CHECK(back.status == 302);
    CHECK(back.header("Location") == pending);
    CHECK_FALSE(set_cookie_of(back, "janua_session").first.empty());

    // Enabled again, it is offered again; without a pending request the links end at /login/signed-in.
    idp_cli({"idp", "update", "github", "--enable", "--database-url", s.db.url(), "--output", "json"});
    auto plain = http("GET", s.base(), "/login");
    CHECK(plain.body.find("href=\"/api/v1/auth/oauth/github/authorize?return_to=%2Flogin%2Fsigned-in\">Sign in with GitHub</a>") !=
          std::string::npos);
    CHECK(http("GET", s.base(), "/login/signed-in").status == 200);
    // The work-email form with a domain nobody signs in: a page saying so, nothing started.
    auto nobody = http("GET", s.base(), "/login/sso?email=someone%40nowhere.example&return_to=%2Flogin%2Fsigned-in");
    CHECK(nobody.status == 404);
    CHECK(set_cookie_of(nobody, "janua_sso_binding").first.empty());
}
