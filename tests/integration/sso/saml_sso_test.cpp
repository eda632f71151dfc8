// SAML 2.0 SSO against a real peer: samlify (tests/e2e/saml-idp.js) as the IdP with keys made by
// openssl, januad as the service provider. A JIT login, then every attack of the issue refused
// with its error code and reason, single logout both ways, the management API, and the CLI.
#include "tests/integration/sso/app_tokens.hpp"
#include "tests/integration/sso/saml_support.hpp"

using namespace janua::test;
using namespace janua::test::sso;

namespace {

struct Fixture {
    Server s{Env{{"FRONTEND_URL", "http://127.0.0.1:1"}}};
    SamlIdp idp;
    TestUser owner = make_user(s, "owner@acme.example");
    std::string org = make_org(s, owner, "acme")["id"];
    std::string sso = k_orgs + "/" + org + "/sso";
    std::string binding;  // the browser's janua_sso_binding cookie after the last initiate()

    json configure(json extra = json::object()) {
        json body = {{"metadata_xml", idp.metadata()},
                     {"allowed_domains", {"acme.example"}},
                     {"group_roles", {{"Admins", "admin"}}},
                     {"idp_slo_url", idp.slo_url()}};
        body.update(extra);
        return body_of(call(s, "PUT", sso, owner.token, body));
    }
    std::string sp_metadata() {
        auto r = http("GET", s.base(), "/api/v1/sso/saml/metadata/" + org);
        REQUIRE(r.status == 200);
        return r.body;
    }
    // januad's redirect to the IdP for a new SP-initiated sign-in.
    std::string initiate(const std::string& query = "org=acme&return_to=%2Faccount%3Ftab%3D1") {
        auto r = http("GET", s.base(), "/api/v1/sso/initiate?" + query);
        INFO(r.body);
        REQUIRE(r.status == 302);
        REQUIRE(location(r).rfind(idp.sso_url() + "?SAMLRequest=", 0) == 0);
        binding = set_cookie_of(r, "janua_sso_binding").first;
        REQUIRE(binding.size() == 43);
        return location(r);
    }
    // A Response from the IdP to a fresh AuthnRequest, shaped by `spec`.
    json respond(json spec = json::object()) {
        json full = {{"op", "response"}, {"request_url", initiate()}, {"sp_metadata", sp_metadata()},
                     {"email", "ann@acme.example"}, {"first_name", "Ann"}, {"last_name", "Lee"},
                     {"groups", {"Engineering"}}, {"evil_email", "boss@acme.example"}};
        full.update(spec);
        auto answer = idp.run(full);
        answer["binding_cookie"] = binding;
        return answer;
    }
};

// The error code and reason januad answered a refused Response with.
std::pair<std::string, std::string> refusal(const HttpResponse& r, int status) {
    INFO(r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(session_cookie(r).empty());
    auto e = error_of(r);
    std::string reason;
    if (e["details"].is_array() && !e["details"].empty()) reason = e["details"][0].value("reason", "");
    return {e["code"].get<std::string>(), reason};
}

using Refusal = std::pair<std::string, std::string>;

}  // namespace

TEST_CASE("SAML SSO with a samlify IdP: a JIT login, then every attack refused with its error code", "[sso][saml]") {
    Fixture f;
    auto configured = f.configure();
    CHECK(configured["protocol"] == "saml");
    CHECK(configured["idp"]["entity_id"] == f.idp.entity_id());
    CHECK(configured["idp"]["certificates"].size() == 1);
    CHECK(configured["sp"]["acs_url"] == f.s.base() + "/api/v1/sso/saml/acs");
    CHECK(configured["sp"]["entity_id"] == f.s.base() + "/api/v1/sso/saml/metadata/" + f.org);
    CHECK(configured["created"] == true);
    const std::string md = f.sp_metadata();
    CHECK(md.find("AuthnRequestsSigned=\"true\"") != std::string::npos);
    CHECK(md.find("WantAssertionsSigned=\"true\"") != std::string::npos);

    // samlify checks the AuthnRequest's signature against the SP metadata, then answers it.
    auto first = f.respond({{"groups", {"Engineering", "Admins"}}});
    auto login = post_acs(f.s, first);
    INFO(login.body);
    REQUIRE(login.status == 303);
    CHECK(location(login) == "/account?tab=1");
    const std::string cookie = session_cookie(login);
    REQUIRE_FALSE(cookie.empty());
    // Just-in-time: the user exists, verified, named, a member with the role its group maps to.
    CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'ann@acme.example' AND email_verified "
                          "AND first_name = 'Ann' AND last_name = 'Lee'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON "
                          "r.id = m.role_id WHERE u.email = 'ann@acme.example' AND r.name = 'admin' AND m.organization_id = '" +
                              f.org + "'") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id JOIN saml_sessions x ON "
                          "x.session_id = s.id WHERE u.email = 'ann@acme.example' AND s.revoked_at IS NULL AND 'saml' = ANY (s.amr)") == 1);
    CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'sso.login' AND outcome = 'success'") == 1);
    // The cookie is the browser token of that januad session, as after a password login on /login.
    CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = "
                          "'ann@acme.example' AND s.browser_token_hash = sha256('" + cookie + "'::bytea)") == 1);

    SECTION("every attack is refused with its code, and signs nobody in") {
        const long long sessions_before = count_rows(f.s, "SELECT count(*) FROM sessions");
        struct Attack {
            const char* name;
            json spec;
            int status;
            Refusal expected;
        };
        const std::vector<Attack> attacks = {
            {"tampered assertion", {{"mutate", "tamper"}}, 401, {"SSO_AUTHENTICATION_ERROR", "saml_signature_invalid"}},
            {"signature by another key", {{"sign_key", f.idp.evil().key}, {"sign_cert", f.idp.evil().cert}}, 401,
             {"SSO_AUTHENTICATION_ERROR", "saml_signature_invalid"}},
            {"unsigned assertion beside the signed one", {{"mutate", "wrap_beside"}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_wrapped_assertion"}},
            {"unsigned assertion inside the signed one", {{"mutate", "wrap_inside"}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_wrapped_assertion"}},
            {"duplicate ID", {{"mutate", "duplicate_id"}}, 400, {"SSO_VALIDATION_ERROR", "saml_duplicate_id"}},
            {"wrong audience", {{"audience", "https://another-sp.example.test"}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_audience_mismatch"}},
            {"wrong recipient", {{"recipient", "https://another-sp.example.test/acs"}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_recipient_mismatch"}},
            {"expired NotOnOrAfter", {{"not_on_or_after", "2020-01-01T00:00:00Z"}}, 400, {"SSO_VALIDATION_ERROR", "saml_expired"}},
            {"unsolicited response while IdP-initiated login is off", {{"in_response_to", ""}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_unsolicited_response"}},
            {"answer to a request never sent", {{"in_response_to", "_never-sent"}}, 400,
             {"SSO_VALIDATION_ERROR", "saml_unknown_in_response_to"}},
            {"XML bomb", {{"mutate", "bomb"}}, 400, {"SSO_VALIDATION_ERROR", "saml_dtd_forbidden"}},
            {"DOCTYPE with an external entity", {{"mutate", "doctype"}}, 400, {"SSO_VALIDATION_ERROR", "saml_dtd_forbidden"}},
            {"email outside the allowed domains", {{"email", "mallory@evil.example"}}, 403,
             {"SSO_PROVISIONING_ERROR", "saml_email_domain_not_allowed"}},
        };
        for (const auto& attack : attacks) {
            INFO(attack.name);
            CHECK(refusal(post_acs(f.s, f.respond(attack.spec)), attack.status) == attack.expected);
        }
        // The same Response twice: a replay.
        CHECK(refusal(post_acs(f.s, first), 400) == Refusal{"SSO_VALIDATION_ERROR", "saml_replayed_assertion"});
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions") == sessions_before);
        CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email IN ('boss@acme.example', 'mallory@evil.example', "
                              "'xann@acme.example')") == 0);
        // Each refusal is audited with its reason.
        CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'sso.login' AND outcome = 'failure'") ==
              static_cast<long long>(attacks.size() + 1));
        CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'sso.login' AND outcome = 'failure' AND "
                              "details->>'reason' = 'saml_wrapped_assertion'") == 2);
        // A browser gets a page, not JSON.
        auto page = http("POST", f.s.base(), "/api/v1/sso/saml/acs", "SAMLResponse=bm90IHhtbA%3D%3D", {{"Accept", "text/html"}},
                         "application/x-www-form-urlencoded");
        CHECK(page.status == 400);
        CHECK(page.header("Content-Type").find("text/html") == 0);
        CHECK(page.body.find("SSO_VALIDATION_ERROR") != std::string::npos);
    }

    SECTION("the tokens an app gets for the SSO session carry the organization (org_id)") {
        register_tenant_app(f.s);
        auto tokens = app_tokens(f.s, cookie);
        CHECK(tokens.access["org_id"] == f.org);
        CHECK(tokens.id["org_id"] == f.org);
        CHECK(tokens.refreshed_access["org_id"] == f.org);
        CHECK(tokens.id["amr"] == json::array({"saml"}));
        // The SSO browser session and the app's session both remember the organization.
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = "
                              "'ann@acme.example' AND s.organization_id = '" + f.org + "'") >= 2);
    }

    SECTION("the Response is accepted only from the browser that started the sign-in (login CSRF)") {
        // The cookie: HttpOnly, for the API only, as long as the AuthnRequest lives; no SameSite over
        // plain http (the ACS is reached by a cross-site POST), SameSite=None; Secure over https.
        auto started = http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme");
        const auto [value, line] = set_cookie_of(started, "janua_sso_binding");
        CHECK(line.find("; HttpOnly") != std::string::npos);
        CHECK(line.find("; Path=/api/v1/") != std::string::npos);
        CHECK(line.find("; Max-Age=600") != std::string::npos);
        CHECK(line.find("SameSite") == std::string::npos);
        CHECK(line.find("Secure") == std::string::npos);
        // The browser's cookie is reused (two tabs), a foreign or malformed one is not.
        auto again = http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme", {}, {{"Cookie", "janua_sso_binding=" + value}});
        CHECK(set_cookie_of(again, "janua_sso_binding").first == value);
        CHECK(set_cookie_of(http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme", {}, {{"Cookie", "janua_sso_binding=x"}}),
                            "janua_sso_binding").first.size() == 43);

        // An attacker starts a sign-in and gets the victim's browser to post the answer: refused.
        const long long sessions_before = count_rows(f.s, "SELECT count(*) FROM sessions");
        auto answer = f.respond({{"email", "bob@acme.example"}});
        CHECK(refusal(post_acs(f.s, answer, std::string()), 400) == Refusal{"SSO_VALIDATION_ERROR", "saml_browser_mismatch"});
        CHECK(refusal(post_acs(f.s, answer, value), 400) == Refusal{"SSO_VALIDATION_ERROR", "saml_browser_mismatch"});
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions") == sessions_before);
        CHECK(count_rows(f.s, "SELECT count(*) FROM users WHERE email = 'bob@acme.example'") == 0);
        CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'sso.login' AND outcome = 'failure' AND "
                              "details->>'reason' = 'saml_browser_mismatch'") == 2);
        // The browser that started it finishes it (the refusals spent nothing).
        auto ok = post_acs(f.s, answer);
        INFO(ok.body);
        CHECK(ok.status == 303);
        CHECK_FALSE(session_cookie(ok).empty());
    }

    SECTION("IdP-initiated login only when enabled; RelayState only to this server") {
        body_of(call(f.s, "PUT", f.sso, f.owner.token, {{"allow_idp_initiated", true}, {"default_return_to", "/welcome"}}));
        json unsolicited = {{"op", "response"}, {"sp_metadata", f.sp_metadata()}, {"email", "bob@acme.example"},
                            {"in_response_to", ""}, {"relay_state", "https://evil.example.test/steal"}};
        auto r = post_acs(f.s, f.idp.run(unsolicited));
        INFO(r.body);
        REQUIRE(r.status == 303);
        CHECK(location(r) == "/welcome");  // the foreign RelayState is not followed
        CHECK_FALSE(session_cookie(r).empty());
        unsolicited["relay_state"] = f.s.base() + "/oauth/authorize?client_id=x";
        r = post_acs(f.s, f.idp.run(unsolicited));
        REQUIRE(r.status == 303);
        CHECK(location(r) == "/oauth/authorize?client_id=x");
        // The default role for a user without a mapped group.
        CHECK(count_rows(f.s, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON "
                              "r.id = m.role_id WHERE u.email = 'bob@acme.example' AND r.name = 'member'") == 1);
    }

    SECTION("an existing account outside the organization is not taken over; JIT off refuses unknown users") {
        signup(f.s.base(), "carol@acme.example");
        CHECK(refusal(post_acs(f.s, f.respond({{"email", "carol@acme.example"}})), 403) ==
              Refusal{"SSO_PROVISIONING_ERROR", "saml_account_exists"});
        body_of(call(f.s, "PUT", f.sso, f.owner.token, {{"jit_provisioning", false}}));
        CHECK(refusal(post_acs(f.s, f.respond({{"email", "dave@acme.example"}})), 403) ==
              Refusal{"SSO_PROVISIONING_ERROR", "saml_jit_disabled"});
        // Ann is linked already: she still signs in.
        CHECK(post_acs(f.s, f.respond()).status == 303);
    }

    SECTION("single logout: SP-initiated round trip, and the IdP's signed LogoutRequest") {
        auto out = http("GET", f.s.base(), "/api/v1/sso/saml/logout?return_to=%2Fbye", {}, {{"Cookie", "janua_session=" + cookie}});
        INFO(out.body);
        REQUIRE(out.status == 302);
        REQUIRE(location(out).rfind(f.idp.slo_url() + "?SAMLRequest=", 0) == 0);
        CHECK(location(out).find("&Signature=") != std::string::npos);
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = "
                              "'ann@acme.example' AND s.revoked_at IS NULL") == 0);
        auto answer = f.idp.run({{"op", "logout_response"}, {"request_url", location(out)},
                                 {"destination", f.s.base() + "/api/v1/sso/saml/slo"}});
        CHECK(answer["request"].get<std::string>().find("ann@acme.example") != std::string::npos);
        auto back = http("GET", f.s.base(), path_of(f.s, answer["url"]));
        INFO(back.body);
        CHECK(back.status == 302);
        CHECK(location(back) == "/bye");
        // The same LogoutResponse again: nothing pending any more.
        CHECK(http("GET", f.s.base(), path_of(f.s, answer["url"])).status == 400);

        // IdP-initiated: a new login, then the IdP logs the subject out.
        auto again = post_acs(f.s, f.respond({{"session_index", "_idp-session-7"}}));
        REQUIRE(again.status == 303);
        json request = {{"op", "logout_request"}, {"destination", f.s.base() + "/api/v1/sso/saml/slo"},
                        {"name_id", "ann@acme.example"}, {"session_index", "_idp-session-7"}};
        auto unsigned_request = request;
        unsigned_request["unsigned"] = true;
        auto refused = http("GET", f.s.base(), path_of(f.s, f.idp.run(unsigned_request)["url"]));
        CHECK(refusal(refused, 401) == Refusal{"SSO_AUTHENTICATION_ERROR", "saml_signature_missing"});
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = "
                              "'ann@acme.example' AND s.revoked_at IS NULL") == 1);
        auto ended = http("GET", f.s.base(), path_of(f.s, f.idp.run(request)["url"]));
        INFO(ended.body);
        REQUIRE(ended.status == 302);
        CHECK(location(ended).rfind(f.idp.slo_url() + "?SAMLResponse=", 0) == 0);
        CHECK(count_rows(f.s, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = "
                              "'ann@acme.example' AND s.revoked_at IS NULL") == 0);
        CHECK(count_rows(f.s, "SELECT count(*) FROM audit_events WHERE action = 'sso.logout'") >= 3);
    }
}

TEST_CASE("SAML connection management: validation, permissions, SSRF defence, test, delete", "[sso][saml]") {
    Fixture f;
    auto member = make_user(f.s, "member@acme.example");
    add_member(f.s, f.org, f.owner.token, member, "member");

    // Nothing configured yet.
    CHECK(refusal(call(f.s, "GET", f.sso, f.owner.token), 404).second == "saml_not_configured");
    CHECK(http("GET", f.s.base(), "/api/v1/sso/saml/metadata/" + f.org).status == 404);
    CHECK(error_code(http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme")) == "SSO_CONFIGURATION_ERROR");
    // Bad input: a clear error, nothing stored.
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token, {{"allowed_domains", {"acme.example"}}}), 422).first ==
          "SSO_CONFIGURATION_ERROR");
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_xml", "<not-metadata/>"}}), 422) ==
          Refusal{"SSO_METADATA_ERROR", "saml_metadata_not_entity"});
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_xml", "<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"}}), 422) ==
          Refusal{"SSO_METADATA_ERROR", "saml_dtd_forbidden"});
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token,
                       {{"idp_entity_id", "https://idp"}, {"idp_sso_url", "https://idp/sso"}, {"idp_certificates", {"garbage"}}}),
                  422) == Refusal{"SSO_CERTIFICATE_ERROR", "saml_bad_certificate"});
    CHECK(error_code(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_xml", f.idp.metadata()}, {"colour", "red"}})) ==
          "VALIDATION_ERROR");
    CHECK(error_code(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_xml", f.idp.metadata()}, {"default_role", "nope"}})) ==
          "VALIDATION_ERROR");
    // A metadata URL pointing at this machine is refused (the webhook SSRF defences).
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_url", "http://127.0.0.1:9/metadata"}}), 422) ==
          Refusal{"SSO_METADATA_ERROR", "saml_metadata_url_refused"});
    CHECK(refusal(call(f.s, "PUT", f.sso, f.owner.token, {{"metadata_url", "https://169.254.169.254/latest"}}), 422).second ==
          "saml_metadata_url_refused");
    CHECK(count_rows(f.s, "SELECT count(*) FROM saml_connections") == 0);

    // Members hold neither sso:read nor sso:write.
    CHECK(call(f.s, "GET", f.sso, member.token).status == 403);
    CHECK(call(f.s, "PUT", f.sso, member.token, {{"metadata_xml", f.idp.metadata()}}).status == 403);

    // Manual configuration with two certificates (a key rollover), then an update of one setting.
    json manual = {{"idp_entity_id", f.idp.entity_id()}, {"idp_sso_url", f.idp.sso_url()},
                   {"idp_certificates", {f.idp.evil().cert, f.idp.keys().cert}}, {"allowed_domains", {"acme.example"}}};
    auto r = call(f.s, "PUT", f.sso, f.owner.token, manual);
    REQUIRE(r.status == 201);
    CHECK(body_of(r)["idp"]["certificates"].size() == 2);
    r = call(f.s, "PUT", f.sso, f.owner.token, {{"clock_skew_seconds", 30}});
    REQUIRE(r.status == 200);
    CHECK(body_of(r)["clock_skew_seconds"] == 30);
    CHECK(body_of(r)["idp"]["certificates"].size() == 2);
    CHECK(body_of(r).dump().find("PRIVATE KEY") == std::string::npos);
    // The private SP key is stored encrypted.
    CHECK(count_rows(f.s, "SELECT count(*) FROM saml_connections WHERE sp_private_key LIKE '%PRIVATE KEY%'") == 0);
    // Initiate by email domain; a login signed with the second certificate works.
    auto go = http("GET", f.s.base(), "/api/v1/sso/initiate?domain=someone%40acme.example");
    REQUIRE(go.status == 302);
    CHECK(error_code(http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme&return_to=https%3A%2F%2Fevil.test%2F")) ==
          "VALIDATION_ERROR");
    CHECK(post_acs(f.s, f.respond()).status == 303);
    // The hosted /login page offers the work-email form once a SAML connection exists; it starts
    // the organization's SAML sign-in (bound to the browser like /api/v1/sso/initiate).
    auto login_page = http("GET", f.s.base(), "/login");
    CHECK(login_page.body.find("<form method=\"get\" action=\"/login/sso\">") != std::string::npos);
    auto from_page = http("GET", f.s.base(), "/login/sso?email=ann%40acme.example&return_to=%2Flogin%2Fsigned-in");
    INFO(from_page.body);
    REQUIRE(from_page.status == 302);
    CHECK(location(from_page).rfind(f.idp.sso_url() + "?SAMLRequest=", 0) == 0);
    CHECK(set_cookie_of(from_page, "janua_sso_binding").first.size() == 43);
    CHECK(http("GET", f.s.base(), "/login/sso?email=not-an-address").status == 400);

    auto tested = body_of(call(f.s, "POST", f.sso + "/test", f.owner.token,
                               {{"attributes", {{"email", {"zed@acme.example"}}, {"groups", {"Admins"}}}}}));
    CHECK(tested["ok"] == true);
    CHECK(tested["mapped"]["email"] == "zed@acme.example");
    CHECK(tested["mapped"]["domain_allowed"] == true);

    // Disabled: no sign-in starts; deleted: gone, audited.
    body_of(call(f.s, "PUT", f.sso, f.owner.token, {{"enabled", false}}));
    CHECK(refusal(http("GET", f.s.base(), "/api/v1/sso/initiate?org=acme"), 422).second == "saml_connection_disabled");
    CHECK(call(f.s, "DELETE", f.sso, member.token).status == 403);
    CHECK(call(f.s, "DELETE", f.sso, f.owner.token).status == 204);
    CHECK(call(f.s, "DELETE", f.sso, f.owner.token).status == 404);
    for (const char* action : {"sso.connection_created", "sso.connection_updated", "sso.connection_deleted", "sso.connection_tested"})
        CHECK(count_rows(f.s, std::string("SELECT count(*) FROM audit_events WHERE action = '") + action + "'") >= 1);
}

TEST_CASE("janua sso in direct and remote mode", "[sso][saml][cli]") {
    Fixture f;
    const std::string md_file = f.idp.dir() + "/idp-metadata.xml";
    std::ofstream(md_file) << f.idp.metadata();

    auto made = cli_json(direct_args(f.s, {"sso", "configure", "--org", "acme", "--metadata-file", md_file,
                                           "--allowed-domain", "acme.example", "--group-role", "Admins=admin",
                                           "--idp-initiated", "on"}));
    CHECK(made["idp"]["entity_id"] == f.idp.entity_id());
    CHECK(made["allow_idp_initiated"] == true);
    CHECK(made["group_roles"]["Admins"] == "admin");
    auto listed = cli_json(direct_args(f.s, {"sso", "list"}));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["organization_slug"] == "acme");
    auto shown = cli_json(direct_args(f.s, {"sso", "get", "--org", "acme"}));
    CHECK(shown["sp"]["acs_url"].get<std::string>().find("/api/v1/sso/saml/acs") != std::string::npos);
    // The SP values derive from BASE_URL: the CLI is told the daemon's.
    auto xml = run_janua({"sso", "metadata", "--org", "acme", "--database-url", f.s.db.url()}, {{"BASE_URL", f.s.base()}});
    REQUIRE(xml.exit_code == 0);
    CHECK(xml.out.find("<md:EntityDescriptor") != std::string::npos);
    auto tested = cli_json(direct_args(f.s, {"sso", "test", "--org", "acme", "--attribute", "email=ann@acme.example",
                                             "--attribute", "groups=Admins"}));
    CHECK(tested["mapped"]["role"] == "admin");

    // Usage errors say what to do.
    auto bad = run_janua(direct_args(f.s, {"sso", "configure", "--org", "acme", "--entity-id", "x"}));
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("--sso-url") != std::string::npos);
    auto missing = run_janua(direct_args(f.s, {"sso", "configure", "--org", "acme", "--metadata-file", "/nonexistent"}));
    CHECK(missing.exit_code != 0);
    CHECK(missing.err.find("--metadata-file") != std::string::npos);
    auto unknown = run_janua(direct_args(f.s, {"sso", "get", "--org", "no-such-org"}));
    CHECK(unknown.exit_code == 3);

    // Remote: the same through januad with the owner's token.
    auto remote = cli_json(remote_args(f.s, f.owner.token, {"sso", "configure", "--org", "acme", "--jit", "off"}));
    CHECK(remote["jit_provisioning"] == false);
    auto got = cli_json(remote_args(f.s, f.owner.token, {"sso", "get", "--org", "acme"}));
    CHECK(got["jit_provisioning"] == false);
    auto remote_xml = run_janua({"sso", "metadata", "--org", "acme", "--server", f.s.base(), "--token", f.owner.token});
    REQUIRE(remote_xml.exit_code == 0);
    CHECK(remote_xml.out == xml.out);
    auto remote_test = cli_json(remote_args(f.s, f.owner.token, {"sso", "test", "--org", "acme"}));
    CHECK(remote_test["ok"] == true);
    auto not_admin = run_janua(remote_args(f.s, f.owner.token, {"sso", "list"}));
    CHECK(not_admin.exit_code == 5);
    auto refused = run_janua(remote_args(f.s, f.owner.token, {"sso", "delete", "--org", "acme"}));
    CHECK(refused.exit_code == 2);  // --yes missing
    cli_json(remote_args(f.s, f.owner.token, {"sso", "delete", "--org", "acme", "--yes"}));
    auto gone = run_janua(remote_args(f.s, f.owner.token, {"sso", "get", "--org", "acme"}));
    CHECK(gone.exit_code == 3);
}
