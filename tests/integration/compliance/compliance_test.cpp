// Compliance: the personal-data export (every category, no secret, JSON and CSV, API and CLI),
// who may export, the streamed organization export, erasure with a still-verifiable audit
// chain, consents, privacy settings, data-subject requests and the retention sweep.
#include "tests/integration/compliance/compliance_support.hpp"

using namespace janua::test;
using namespace janua::test::compliance;

namespace {

const std::string k_export = "/api/v1/compliance/export/";

}  // namespace

TEST_CASE("the export holds every category of a person's data and none of their secrets", "[compliance][export]") {
    Server s;
    auto admin = make_user(s, "admin@compliance.test", true);
    // A person with a password, TOTP and backup codes, an organization, a consent, privacy
    // settings, an API key, a passkey and a request.
    auto enrolled = janua::test::mfa::enrol(s.base(), "ada@compliance.test");
    TestUser ada{enrolled.user_id, "ada@compliance.test", enrolled.access_token};
    auto org = make_org(s, ada, "ada-labs");
    ok_json(call(s, "POST", "/api/v1/compliance/consents", ada.token, {{"purpose", "newsletter"}, {"version", "2026-01"}, {"source", "web"}}));
    ok_json(call(s, "PATCH", "/api/v1/compliance/privacy-settings", ada.token, {{"analytics", true}}));
    auto key = make_key(s, ada, json::array({"members:read"}), org["id"].get<std::string>());
    ok_json(call(s, "POST", "/api/v1/compliance/requests", ada.token, {{"type", "access"}}), 201);
    sql(s, "INSERT INTO webauthn_credentials (user_id, credential_id, public_key, algorithm, attestation_format, name) "
           "VALUES ('" + ada.id + "', '\\x0102030405', '\\xdeadbeefcafe0badf00d', -7, 'none', 'Ada''s laptop')");

    auto doc = export_of(s, ada.id, ada.token);
    CHECK(doc["format"] == "janua.personal-data-export");
    CHECK(doc["user_id"] == ada.id);
    CHECK(doc["profile"]["email"] == ada.email);
    CHECK(doc["identities"][0]["type"] == "password");
    CHECK(doc["sessions"].size() >= 1);
    CHECK(doc["memberships"][0]["organization_slug"] == "ada-labs");
    CHECK(doc["roles"][0]["name"] == "owner");
    CHECK(doc["consents"][0]["purpose"] == "newsletter");
    CHECK(doc["privacy_settings"]["analytics"] == true);
    CHECK(doc["mfa"]["enabled"] == true);
    CHECK_FALSE(doc["mfa"]["totp"]["confirmed_at"].is_null());
    CHECK(doc["mfa"]["backup_codes"]["total"] == 10);
    CHECK(doc["passkeys"][0]["name"] == "Ada's laptop");
    CHECK(doc["api_keys"][0]["id"] == key["id"]);
    CHECK(doc["data_subject_requests"][0]["type"] == "access");
    std::set<std::string> actions;
    for (const auto& e : doc["audit_events"]) actions.insert(e["action"].get<std::string>());
    CHECK(actions.count("user.signup") == 1);
    CHECK(actions.count("compliance.consent_given") == 1);

    // No secret, in any form the database holds it.
    std::vector<std::string> secrets = {enrolled.secret, key["key"].get<std::string>()};
    for (const auto& code : enrolled.backup_codes) secrets.push_back(code);
    for (const auto& q : {"SELECT password_hash FROM users", "SELECT secret_ciphertext FROM mfa_totp",
                          "SELECT encode(code_hash, 'hex') FROM mfa_backup_codes",
                          "SELECT encode(code_hash, 'base64') FROM mfa_backup_codes",
                          "SELECT encode(token_hash, 'hex') FROM refresh_tokens",
                          "SELECT encode(token_hash, 'base64') FROM refresh_tokens",
                          "SELECT encode(key_hash, 'hex') FROM api_keys", "SELECT encode(key_hash, 'base64') FROM api_keys",
                          "SELECT encode(browser_token_hash, 'hex') FROM sessions",
                          "SELECT encode(public_key, 'hex') FROM webauthn_credentials",
                          "SELECT encode(public_key, 'base64') FROM webauthn_credentials"})
        for (const auto& value : column(s, q)) secrets.push_back(value);
    REQUIRE(secrets.size() > 20);
    const auto json_text = call(s, "GET", k_export + ada.id, ada.token).body;
    const auto csv = call(s, "GET", k_export + ada.id + "?format=csv", ada.token);
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Content-Type").rfind("text/csv", 0) == 0);
    for (const auto& secret : secrets) {
        INFO("secret " << secret);
        CHECK_FALSE(contains(json_text, secret));
        CHECK_FALSE(contains(csv.body, secret));
    }

    // CSV: one row per field, under its category and record.
    CHECK(csv.body.rfind("category,record,field,value\r\n", 0) == 0);
    CHECK(contains(csv.body, "profile," + ada.id + ",email," + ada.email + "\r\n"));
    CHECK(contains(csv.body, "consents,"));
    CHECK(contains(csv.body, ",purpose,newsletter\r\n"));
    CHECK(contains(csv.body, "passkeys,"));

    // CLI, direct: by email, to a file only its owner can read.
    const auto path = temp_path("ada.json");
    auto written = cli_json(direct_args(s, {"compliance", "export", "--user", ada.email, "--out", path}));
    CHECK(written["written"] == true);
    CHECK(file_mode(path) == 0600);
    auto from_file = json::parse(read_file(path));
    CHECK(from_file["user_id"] == ada.id);
    CHECK(from_file["api_keys"].size() == 1);
    std::filesystem::remove(path);
    // CLI, remote, as a platform admin: CSV on standard output.
    auto remote = run_janua(remote_args(s, admin.token, {"compliance", "export", "--user", ada.id, "--format", "csv"}));
    INFO(remote.err);
    REQUIRE(remote.exit_code == 0);
    CHECK(remote.out.rfind("category,record,field,value", 0) == 0);
    CHECK(contains(remote.out, ada.email));
    // Each export is audited, naming who exported whom.
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.export' AND target_id = '" + ada.id + "'") == 5);
    // Neither --user nor --org: a usage error.
    CHECK(run_janua(direct_args(s, {"compliance", "export"})).exit_code == 2);
}

TEST_CASE("nobody but the person and platform admins can export a person's data, and ids cannot be probed",
          "[compliance][export][authz]") {
    Server s;
    auto admin = make_user(s, "admin@authz.test", true);
    auto ada = make_user(s, "ada@authz.test");
    auto bob = make_user(s, "bob@authz.test");
    auto org = make_org(s, ada, "authz-org");
    const std::string org_id = org["id"];

    auto other = call(s, "GET", k_export + ada.id, bob.token);
    auto unknown = call(s, "GET", k_export + "5b0c1e7e-0000-4000-8000-000000000000", bob.token);
    auto by_email = call(s, "GET", k_export + ada.email, bob.token);
    auto nobody = call(s, "GET", k_export + "nobody@authz.test", bob.token);
    for (const auto* r : {&other, &unknown, &by_email, &nobody}) {
        CHECK(r->status == 404);
        CHECK(error_code(*r) == "NOT_FOUND_ERROR");
    }
    // The same answer whether the account exists or not (only the caller's own input is echoed).
    CHECK(error_of(other)["message"] == "cannot find user '" + ada.id + "'");
    CHECK(error_of(unknown)["message"] == "cannot find user '5b0c1e7e-0000-4000-8000-000000000000'");
    CHECK(error_of(by_email)["message"] == "cannot find user '" + ada.email + "'");
    CHECK(error_of(nobody)["message"] == "cannot find user 'nobody@authz.test'");
    CHECK(call(s, "GET", k_export + ada.id, "").status == 401);
    // A key Ada made for her organization does not speak for her personal data.
    auto key = make_key(s, ada, json::array({"members:read"}), org_id);
    auto by_key = call(s, "GET", k_export + ada.id, key["key"].get<std::string>());
    CHECK(by_key.status == 403);
    CHECK(export_of(s, ada.id, admin.token)["profile"]["email"] == ada.email);
    CHECK(export_of(s, ada.email, admin.token)["user_id"] == ada.id);
    CHECK(call(s, "GET", k_export + ada.id + "?format=xml", ada.token).status == 422);
    // Erasure is for platform admins only.
    CHECK(call(s, "POST", "/api/v1/compliance/erase/" + bob.id, ada.token).status == 403);
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + bob.id + "'") == 1);

    // The organization-wide export: its admins and owners; members get 403, outsiders 404.
    add_member(s, org_id, ada.token, bob, "member");
    auto carol = make_user(s, "carol@authz.test");
    const std::string org_export = k_orgs + "/" + org_id + "/compliance/export";
    CHECK(call(s, "GET", org_export, bob.token).status == 403);
    CHECK(call(s, "GET", org_export, carol.token).status == 404);
    CHECK(call(s, "GET", k_orgs + "/no-such-org/compliance/export", carol.token).status == 404);
    add_member(s, org_id, ada.token, carol, "admin");
    CHECK(call(s, "GET", org_export, carol.token).status == 200);
    CHECK(call(s, "GET", org_export, admin.token).status == 200);
}

TEST_CASE("an organization's export is streamed page by page, as JSON and CSV, through the API and the CLI",
          "[compliance][export][org]") {
    Server s;
    auto owner = make_user(s, "owner@stream.test");
    auto admin = make_user(s, "admin@stream.test", true);
    auto org = make_org(s, owner, "big-org");
    const std::string org_id = org["id"];
    const int extra = 3000;
    sql(s, "INSERT INTO users (email, first_name) SELECT 'member' || g || '@stream.test', 'Member \"' || g || '\", Jr' "
           "FROM generate_series(1, " + std::to_string(extra) + ") g");
    sql(s, "INSERT INTO memberships (organization_id, user_id, role_id) SELECT '" + org_id + "', u.id, r.id FROM users u, "
           "roles r WHERE u.email LIKE 'member%@stream.test' AND r.name = 'member' AND r.is_system");
    // Someone outside the organization never appears.
    make_user(s, "outsider@stream.test");

    const std::string path = k_orgs + "/" + org_id + "/compliance/export";
    auto streamed = call(s, "GET", path, owner.token);
    REQUIRE(streamed.status == 200);
    CHECK(streamed.header("Transfer-Encoding") == "chunked");
    auto doc = json::parse(streamed.body);
    CHECK(doc["organization"]["slug"] == "big-org");
    REQUIRE(doc["member_count"] == extra + 1);
    REQUIRE(doc["members"].size() == static_cast<std::size_t>(extra + 1));
    std::set<std::string> ids;
    for (const auto& m : doc["members"]) {
        ids.insert(m["id"].get<std::string>());
        CHECK(m["email"].get<std::string>().find("outsider") == std::string::npos);
    }
    CHECK(ids.size() == static_cast<std::size_t>(extra + 1));
    CHECK(streamed.body.find("password") == std::string::npos);

    auto csv = call(s, "GET", path + "?format=csv", owner.token);
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Transfer-Encoding") == "chunked");
    CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == extra + 2);  // header + members
    CHECK(contains(csv.body, "\"Member \"\"7\"\", Jr\""));  // RFC 4180 quoting

    // CLI: direct by slug to a file, and remote to standard output; the same members.
    const auto file = temp_path("org.csv");
    cli_json(direct_args(s, {"compliance", "export", "--org", "big-org", "--format", "csv", "--out", file}));
    auto text = read_file(file);
    CHECK(std::count(text.begin(), text.end(), '\n') == extra + 2);
    CHECK(file_mode(file) == 0600);
    std::filesystem::remove(file);
    auto remote = run_janua(remote_args(s, admin.token, {"compliance", "export", "--org", org_id}));
    INFO(remote.err);
    REQUIRE(remote.exit_code == 0);
    CHECK(json::parse(remote.out)["member_count"] == extra + 1);
    auto missing = run_janua(direct_args(s, {"compliance", "export", "--org", "no-such-org"}));
    CHECK(missing.exit_code == 3);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.export' AND organization_id = '" +
                            org_id + "'") == 4);
}

TEST_CASE("erasure removes the person and their secrets, pseudonymizes their audit entries, and the chain verifies",
          "[compliance][erasure]") {
    Server s;
    auto admin = make_user(s, "admin@erase.test", true);
    auto owner = make_user(s, "owner@erase.test");
    auto ada = make_user(s, "ada@erase.test");
    auto org = make_org(s, owner, "erase-org");
    add_member(s, org["id"], owner.token, ada, "member");
    signin(s.base(), ada.email);
    ok_json(call(s, "POST", "/api/v1/compliance/consents", ada.token, {{"purpose", "analytics"}, {"version", "1"}}));
    auto request = ok_json(call(s, "POST", "/api/v1/compliance/requests", ada.token,
                                {{"type", "erasure"}, {"details", "please forget ada@erase.test"}}), 201);
    make_key(s, ada, json::array({"members:read"}), org["id"].get<std::string>());
    const std::string mentions = "SELECT count(*) FROM audit_events WHERE actor_id = '" + ada.id + "' OR target_id = '" +
                                 ada.id + "' OR details::text LIKE '%" + ada.id + "%' OR details::text LIKE '%ada@erase.test%'";
    REQUIRE(count_rows(s, mentions) >= 4);

    // Without --yes nothing happens.
    auto unconfirmed = run_janua(direct_args(s, {"compliance", "erase", "--user", ada.email}));
    CHECK(unconfirmed.exit_code == 2);
    CHECK(contains(unconfirmed.err, "--yes"));
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + ada.id + "'") == 1);
    // The sole owner of an organization is refused, with what to do instead.
    auto sole = run_janua(direct_args(s, {"compliance", "erase", "--user", owner.email, "--yes"}));
    CHECK(sole.exit_code == 4);
    CHECK(contains(sole.err, "erase-org"));
    CHECK(contains(sole.err, "transfer ownership"));
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + owner.id + "'") == 1);
    CHECK(call(s, "POST", "/api/v1/compliance/erase/" + owner.id, admin.token).status == 409);

    auto erased = cli_json(direct_args(s, {"compliance", "erase", "--user", ada.email, "--yes"}));
    CHECK(erased["erased"] == true);
    CHECK(erased["requests_completed"] == 1);
    const std::string pseudonym = erased["pseudonym"];
    CHECK(pseudonym.rfind("erased-", 0) == 0);
    CHECK(erased["audit_entries_pseudonymized"].get<long long>() >= 4);
    for (const auto* table : {"users WHERE id", "sessions WHERE user_id", "api_keys WHERE user_id",
                              "memberships WHERE user_id", "consent_records WHERE user_id"})
        CHECK(count_rows(s, std::string("SELECT count(*) FROM ") + table + " = '" + ada.id + "'") == 0);
    CHECK(count_rows(s, mentions) == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE actor_id = '" + pseudonym + "' AND pseudonymized_at IS NOT NULL") > 0);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.erasure' AND target_id = '" + pseudonym + "'") == 1);
    // The request survives as proof, without the person or what they wrote.
    CHECK(count_rows(s, "SELECT count(*) FROM data_subject_requests WHERE id = '" + request["id"].get<std::string>() +
                            "' AND status = 'completed' AND user_id IS NULL AND details IS NULL") == 1);
    require_audit_chain_valid(s);
    // The API verifier agrees, and the person can no longer sign in.
    CHECK(ok_json(call(s, "GET", "/api/v1/audit-logs/verify", admin.token))["valid"] == true);
    CHECK(signin_response(s.base(), ada.email, k_password).status == 401);

    // The API, and remote CLI, for someone else; an unknown person is 404 (exit 3).
    auto bob = make_user(s, "bob@erase.test");
    auto by_api = ok_json(call(s, "POST", "/api/v1/compliance/erase/" + bob.email, admin.token));
    CHECK(by_api["user_id"] == bob.id);
    CHECK(run_janua(remote_args(s, admin.token, {"compliance", "erase", "--user", bob.id, "--yes"})).exit_code == 3);
    require_audit_chain_valid(s);
}

TEST_CASE("consents are given, superseded and withdrawn with their history, privacy settings default to off",
          "[compliance][consents]") {
    Server s;
    auto ada = make_user(s, "ada@consent.test");
    const std::string base = "/api/v1/compliance/consents";
    auto first = ok_json(call(s, "POST", base, ada.token, {{"purpose", "marketing_emails"}, {"version", "v1"}, {"source", "web"}}));
    CHECK(first["status"] == "given");
    CHECK(first["source"] == "web");
    // The same agreement again changes nothing.
    CHECK(ok_json(call(s, "POST", base, ada.token, {{"purpose", "marketing_emails"}, {"version", "v1"}}))["id"] == first["id"]);
    auto second = ok_json(call(s, "POST", base, ada.token, {{"purpose", "marketing_emails"}, {"version", "v2"}}));
    CHECK(second["id"] != first["id"]);
    auto withdrawn = ok_json(call(s, "POST", base + "/marketing_emails/withdraw", ada.token, {{"source", "email"}}));
    CHECK(withdrawn["status"] == "withdrawn");
    CHECK(withdrawn["withdrawn_source"] == "email");
    CHECK(call(s, "POST", base + "/marketing_emails/withdraw", ada.token).status == 404);
    auto history = ok_json(call(s, "GET", base, ada.token))["data"];
    REQUIRE(history.size() == 2);
    std::set<std::string> statuses = {history[0]["status"].get<std::string>(), history[1]["status"].get<std::string>()};
    CHECK(statuses == std::set<std::string>{"superseded", "withdrawn"});
    // Bad input: 422 and nothing recorded.
    CHECK(call(s, "POST", base, ada.token, {{"purpose", "Bad Purpose!"}, {"version", "v1"}}).status == 422);
    CHECK(call(s, "POST", base, ada.token, {{"purpose", "ok"}}).status == 422);
    CHECK(call(s, "POST", base, ada.token, {{"purpose", "ok"}, {"version", "1"}, {"source", 7}}).status == 422);
    CHECK(count_rows(s, "SELECT count(*) FROM consent_records") == 2);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action LIKE 'compliance.consent_%'") == 3);
    // Another person's consents are theirs alone.
    auto bob = make_user(s, "bob@consent.test");
    CHECK(ok_json(call(s, "GET", base, bob.token))["data"].empty());

    const std::string privacy = "/api/v1/compliance/privacy-settings";
    auto defaults = ok_json(call(s, "GET", privacy, ada.token));
    CHECK(defaults["marketing_emails"] == false);
    CHECK(defaults["analytics"] == false);
    CHECK(defaults["third_party_sharing"] == false);
    CHECK(defaults["profile_visibility"] == "private");
    auto changed = ok_json(call(s, "PATCH", privacy, ada.token, {{"analytics", true}, {"profile_visibility", "organization"}}));
    CHECK(changed["analytics"] == true);
    CHECK(changed["profile_visibility"] == "organization");
    CHECK(call(s, "PATCH", privacy, ada.token, {{"analytics", false}, {"bogus", true}}).status == 422);
    CHECK(call(s, "PATCH", privacy, ada.token, {{"profile_visibility", "everyone"}}).status == 422);
    CHECK(ok_json(call(s, "GET", privacy, ada.token))["analytics"] == true);  // the refused patch changed nothing

    // With no privacy regulation enabled, the consent routes say so.
    Server off(Env{{"COMPLIANCE_GDPR_ENABLED", "false"}, {"COMPLIANCE_CCPA_ENABLED", "false"}});
    auto carol = make_user(off, "carol@consent.test");
    auto disabled = call(off, "POST", base, carol.token, {{"purpose", "x"}, {"version", "1"}});
    CHECK(disabled.status == 404);
    CHECK(contains(disabled.body, "COMPLIANCE_GDPR_ENABLED"));
}

TEST_CASE("data-subject requests move through their workflow with deadlines and an overdue list",
          "[compliance][requests]") {
    Server s;
    auto admin = make_user(s, "dpo@dsr.test", true);
    auto ada = make_user(s, "ada@dsr.test");
    auto bob = make_user(s, "bob@dsr.test");
    const std::string base = "/api/v1/compliance/requests";
    auto access = ok_json(call(s, "POST", base, ada.token, {{"type", "access"}, {"details", "all of it"}}), 201);
    CHECK(access["status"] == "received");
    CHECK(access["regulation"] == "gdpr");
    const std::string id = access["id"];
    CHECK(count_rows(s, "SELECT count(*) FROM data_subject_requests WHERE id = '" + id +
                            "' AND deadline_at - received_at = interval '30 days'") == 1);
    // One open request per type and person.
    CHECK(call(s, "POST", base, ada.token, {{"type", "access"}}).status == 409);
    auto ccpa = ok_json(call(s, "POST", base, ada.token, {{"type", "portability"}, {"regulation", "ccpa"}}), 201);
    CHECK(count_rows(s, "SELECT count(*) FROM data_subject_requests WHERE id = '" + ccpa["id"].get<std::string>() +
                            "' AND deadline_at - received_at = interval '45 days'") == 1);
    CHECK(call(s, "POST", base, ada.token, {{"type", "deletion"}}).status == 422);
    CHECK(call(s, "POST", base, ada.token, {{"type", "access"}, {"user_id", bob.id}}).status == 422);

    // People see their own requests only.
    CHECK(ok_json(call(s, "GET", base, ada.token))["data"].size() == 2);
    CHECK(ok_json(call(s, "GET", base, bob.token))["data"].empty());
    CHECK(call(s, "GET", base + "/" + id, bob.token).status == 404);
    CHECK(call(s, "PATCH", base + "/" + id, ada.token, {{"status", "completed"}}).status == 403);

    // The operator's workflow.
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"assignee", bob.email}}).status == 422);  // not an admin
    auto started = ok_json(call(s, "PATCH", base + "/" + id, admin.token, {{"status", "in_progress"}, {"assignee", admin.email}}));
    CHECK(started["status"] == "in_progress");
    CHECK(started["assignee_id"] == admin.id);
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"deadline_at", "2099-01-01T00:00:00Z"}}).status == 422);
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"deadline_at", "soon"}}).status == 422);
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"status", "rejected"}}).status == 422);  // no reason given
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"colour", "red"}}).status == 422);
    CHECK(ok_json(call(s, "GET", base + "/" + id, ada.token))["status"] == "in_progress");  // refusals changed nothing

    // Overdue: an open request past its deadline.
    sql(s, "UPDATE data_subject_requests SET received_at = now() - interval '40 days', deadline_at = now() - "
           "interval '10 days' WHERE id = '" + id + "'");
    auto overdue = ok_json(call(s, "GET", base + "?overdue=true", admin.token))["data"];
    REQUIRE(overdue.size() == 1);
    CHECK(overdue[0]["id"] == id);
    CHECK(overdue[0]["overdue"] == true);
    auto listed = cli_json(direct_args(s, {"compliance", "requests", "--overdue"}));
    REQUIRE(listed["data"].size() == 1);
    CHECK(listed["data"][0]["id"] == id);
    // An extension within 90 days of receipt is allowed and clears the overdue flag.
    const auto later = column(s, "SELECT to_char((now() + interval '20 days') AT TIME ZONE 'UTC', "
                                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")[0];
    auto extended = ok_json(call(s, "PATCH", base + "/" + id, admin.token, {{"deadline_at", later}}));
    CHECK(extended["overdue"] == false);
    CHECK(extended["deadline_at"].get<std::string>().substr(0, 19) == later.substr(0, 19));
    CHECK(ok_json(call(s, "GET", base + "?overdue=true", admin.token))["data"].empty());
    auto done = cli_json(direct_args(s, {"compliance", "request-update", id, "--status", "completed", "--resolution", "sent"}));
    CHECK(done["status"] == "completed");
    CHECK_FALSE(done["closed_at"].is_null());
    CHECK(ok_json(call(s, "GET", base + "?overdue=true", admin.token))["data"].empty());
    CHECK(call(s, "PATCH", base + "/" + id, admin.token, {{"status", "in_progress"}}).status == 409);

    // The person may cancel an open request of theirs, not someone else's.
    const std::string ccpa_id = ccpa["id"];
    CHECK(call(s, "POST", base + "/" + ccpa_id + "/cancel", bob.token).status == 404);
    CHECK(ok_json(call(s, "POST", base + "/" + ccpa_id + "/cancel", ada.token))["status"] == "cancelled");
    // Filed on someone's behalf by an operator (CLI remote), then paged.
    auto filed = cli_json(remote_args(s, admin.token, {"compliance", "request-create", "--user", bob.email, "--type", "rectification"}));
    CHECK(filed["user_id"] == bob.id);
    auto page = ok_json(call(s, "GET", base + "?limit=2", admin.token));
    CHECK(page["data"].size() == 2);
    REQUIRE(page["next_cursor"].is_string());
    auto rest = ok_json(call(s, "GET", base + "?limit=2&cursor=" + page["next_cursor"].get<std::string>(), admin.token));
    CHECK(rest["data"].size() == 1);
    CHECK(rest["next_cursor"].is_null());
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action LIKE 'compliance.request_%'") >= 6);
}

TEST_CASE("the retention sweep deletes what its policies expire, in the daemon's job and on demand",
          "[compliance][retention]") {
    Server s;
    auto admin = make_user(s, "admin@retention.test", true);
    auto ada = make_user(s, "ada@retention.test");
    auto sleeper = make_user(s, "sleeper@retention.test");
    auto owner = make_user(s, "owner@retention.test");
    make_org(s, owner, "sleepy-org");
    // The daemon's first sweep waits for the test to make it due (deterministic runs only).
    sql(s, "UPDATE jobs SET run_at = now() + interval '1 day' WHERE kind = 'compliance.retention' AND status = 'pending'");
    REQUIRE(count_rows(s, "SELECT count(*) FROM jobs WHERE kind = 'compliance.retention' AND status = 'done'") == 0);
    const std::string policies = "/api/v1/compliance/retention-policies";

    // Defaults: DEFAULT_RETENTION_PERIOD_DAYS everywhere but inactive_users.
    auto listed = ok_json(call(s, "GET", policies, admin.token))["data"];
    REQUIRE(listed.size() == 7);
    for (const auto& p : listed) {
        CHECK(p["source"] == "default");
        CHECK(p["retention_days"] == 2555);
        CHECK(p["enabled"] == (p["category"] != "inactive_users" && p["category"] != "audit_details"));
    }
    CHECK(call(s, "GET", policies, ada.token).status == 403);
    CHECK(call(s, "PUT", policies + "/audit_events", admin.token, {{"retention_days", 30}}).status == 422);
    CHECK(call(s, "PUT", policies + "/sessions", admin.token, {{"retention_days", 0}}).status == 422);
    CHECK(ok_json(call(s, "PUT", policies + "/sessions", admin.token, {{"retention_days", 30}}))["retention_days"] == 30);
    cli_json(direct_args(s, {"compliance", "retention-set", "inactive_users", "--days", "365"}));
    cli_json(remote_args(s, admin.token, {"compliance", "retention-set", "consent_records", "--days", "10"}));

    // Old and new records in each category.
    signin(s.base(), ada.email);
    sql(s, "UPDATE sessions SET revoked_at = now() - interval '40 days', expires_at = now() - interval '39 days' "
           "WHERE user_id = '" + ada.id + "'");
    sql(s, "INSERT INTO consent_records (user_id, purpose, version, source, status, given_at, withdrawn_at) VALUES "
           "('" + ada.id + "', 'old', '1', 'web', 'withdrawn', now() - interval '60 days', now() - interval '20 days'), "
           "('" + ada.id + "', 'recent', '1', 'web', 'withdrawn', now() - interval '6 days', now() - interval '5 days'), "
           "('" + ada.id + "', 'current', '1', 'web', 'given', now() - interval '900 days', NULL)");
    sql(s, "INSERT INTO jobs (kind, status, created_at, finished_at) VALUES ('email', 'done', now() - interval '3000 days', "
           "now() - interval '3000 days'), ('email', 'done', now() - interval '3 days', now() - interval '3 days')");
    sql(s, "UPDATE users SET created_at = now() - interval '800 days', last_login_at = now() - interval '400 days' "
           "WHERE id IN ('" + sleeper.id + "', '" + owner.id + "')");
    const long long live_sessions = count_rows(s, "SELECT count(*) FROM sessions WHERE user_id <> '" + ada.id + "'");

    auto report = ok_json(call(s, "POST", "/api/v1/compliance/retention/run", admin.token));
    INFO(report.dump());
    CHECK(report["deleted"]["sessions"].get<long long>() >= 1);
    CHECK(report["deleted"]["consent_records"] == 1);
    CHECK(report["deleted"]["jobs"] == 1);
    CHECK(report["deleted"]["inactive_users"] == 1);
    CHECK(report["skipped_users"] == json::array({owner.id}));  // the sole owner of sleepy-org
    CHECK(count_rows(s, "SELECT count(*) FROM sessions WHERE user_id = '" + ada.id + "'") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM sessions WHERE user_id <> '" + ada.id + "'") == live_sessions - 1);  // the sleeper's
    CHECK(column(s, "SELECT purpose FROM consent_records ORDER BY purpose") == std::vector<std::string>{"current", "recent"});
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + sleeper.id + "'") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + owner.id + "'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.retention_run'") == 1);
    require_audit_chain_valid(s);

    // The daemon keeps one sweep scheduled; once due, its worker runs it and schedules the next.
    REQUIRE(count_rows(s, "SELECT count(*) FROM jobs WHERE kind = 'compliance.retention' AND status = 'pending'") == 1);
    signin(s.base(), ada.email);
    sql(s, "UPDATE sessions SET revoked_at = now() - interval '40 days', expires_at = now() - interval '39 days' "
           "WHERE user_id = '" + ada.id + "'");
    const std::string done_runs = "SELECT count(*) FROM jobs WHERE kind = 'compliance.retention' AND status = 'done'";
    const long long runs_before = count_rows(s, done_runs);
    sql(s, "UPDATE jobs SET run_at = now() WHERE kind = 'compliance.retention' AND status = 'pending'");
    bool ran = false;
    for (int i = 0; i < 100 && !ran; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ran = count_rows(s, done_runs) > runs_before;
    }
    REQUIRE(ran);
    CHECK(count_rows(s, "SELECT count(*) FROM jobs WHERE kind = 'compliance.retention' AND status = 'pending' AND "
                        "run_at > now() + interval '50 minutes'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM sessions WHERE user_id = '" + ada.id + "'") == 0);

    // Removing a policy brings the default back; HIPAA mode keeps compliance records 6 years.
    CHECK(call(s, "DELETE", policies + "/sessions", admin.token).status == 204);
    CHECK(call(s, "DELETE", policies + "/sessions", admin.token).status == 404);
    auto hipaa = run_janua(direct_args(s, {"compliance", "retention-set", "data_subject_requests", "--days", "30"}),
                           {{"COMPLIANCE_HIPAA_ENABLED", "true"}});
    CHECK(hipaa.exit_code == 2);
    CHECK(contains(hipaa.err, "HIPAA"));
}

TEST_CASE("exports list linked upstream accounts without tokens, per person and per organization, and erasure removes them",
          "[compliance][export][org]") {
    Server s;
    auto owner = make_user(s, "owner@linked.test");
    auto ada = make_user(s, "ada@linked.test");
    auto org = make_org(s, owner, "linked-org");
    const std::string org_id = org["id"];
    add_member(s, org_id, owner.token, ada, "member");
    ok_json(call(s, "POST", "/api/v1/compliance/consents", ada.token, {{"purpose", "newsletter"}, {"version", "3"}}));
    // The organization's own SSO connection, a platform social provider, and an account Auth0 had linked.
    sql(s, "INSERT INTO identity_providers (id, organization_id, slug, display_name, preset, protocol, issuer, client_id) VALUES "
           "('00000000-0000-0000-0000-00000000e001', '" + org_id + "', 'linked-sso', 'Linked SSO', 'oidc', 'oidc', "
           "'https://sso.linked.test', 'c'), ('00000000-0000-0000-0000-00000000e002', NULL, 'google', 'Google', 'google', "
           "'oidc', 'https://accounts.google.com', 'c')");
    sql(s, "INSERT INTO user_identities (provider_id, subject, user_id, email) VALUES "
           "('00000000-0000-0000-0000-00000000e001', 'ada-sso', '" + ada.id + "', 'ada@sso.linked.test'), "
           "('00000000-0000-0000-0000-00000000e002', 'g-ada', '" + ada.id + "', 'ada@gmail.test')");
    sql(s, "INSERT INTO user_identities (provider_key, connection, subject, user_id, is_social, profile, source) VALUES "
           "('github', 'github', '4242', '" + ada.id + "', true, '{\"nickname\": \"ada\", \"access_token\": \"gho-leaked\", "
           "\"nested\": {\"refresh_token\": \"r-leaked\", \"clientSecret\": \"s-leaked\"}}', 'auth0')");
    sql(s, "INSERT INTO user_external_ids (source, external_id, user_id) VALUES ('auth0', 'auth0|ada', '" + ada.id + "')");
    sql(s, "UPDATE sessions SET organization_id = '" + org_id + "' WHERE user_id = '" + ada.id + "'");

    const auto text = call(s, "GET", k_export + ada.id, ada.token).body;
    auto doc = json::parse(text);
    REQUIRE(doc["linked_accounts"].size() == 3);
    std::map<std::string, json> by_provider;
    for (const auto& a : doc["linked_accounts"]) by_provider[a["provider"].get<std::string>()] = a;
    CHECK(by_provider["linked-sso"]["subject"] == "ada-sso");
    CHECK(by_provider["linked-sso"]["email"] == "ada@sso.linked.test");
    CHECK(by_provider["linked-sso"]["organization_id"] == org_id);
    CHECK_FALSE(by_provider["linked-sso"]["linked_at"].is_null());
    CHECK(by_provider["google"]["email"] == "ada@gmail.test");
    CHECK(by_provider["github"]["source"] == "auth0");
    CHECK(by_provider["github"]["profile"]["nickname"] == "ada");
    for (const auto* leaked : {"gho-leaked", "r-leaked", "s-leaked"}) CHECK_FALSE(contains(text, leaked));
    CHECK(doc["sources"][0]["source"] == "auth0");
    CHECK(doc["sources"][0]["external_id"] == "auth0|ada");
    CHECK(doc["sessions"].size() >= 1);
    CHECK(doc["consents"][0]["purpose"] == "newsletter");
    CHECK(doc["mfa"]["enabled"] == false);
    auto csv = call(s, "GET", k_export + ada.id + "?format=csv", ada.token).body;
    CHECK(contains(csv, ",subject,ada-sso\r\n"));
    CHECK_FALSE(contains(csv, "gho-leaked"));

    // The organization sees the accounts linked through its own connection, the sessions opened in it,
    // consents and MFA metadata; not the person's social logins.
    const auto org_text = call(s, "GET", k_orgs + "/" + org_id + "/compliance/export", owner.token).body;
    const auto org_doc = json::parse(org_text);
    json member;
    for (const auto& m : org_doc["members"])
        if (m["id"] == ada.id) member = m;
    REQUIRE(member.is_object());
    REQUIRE(member["linked_accounts"].size() == 1);
    CHECK(member["linked_accounts"][0]["provider"] == "linked-sso");
    CHECK(member["linked_accounts"][0]["subject"] == "ada-sso");
    CHECK(member["linked_accounts"][0]["email"] == "ada@sso.linked.test");
    CHECK_FALSE(member["linked_accounts"][0]["linked_at"].is_null());
    CHECK(member["sessions"].size() >= 1);
    CHECK(member["consents"][0]["purpose"] == "newsletter");
    CHECK(member["mfa"]["passkeys"] == 0);
    CHECK(member["mfa"]["totp_enrolled_at"].is_null());
    CHECK_FALSE(contains(org_text, "g-ada"));
    CHECK_FALSE(contains(org_text, "gho-leaked"));
    const auto org_csv = call(s, "GET", k_orgs + "/" + org_id + "/compliance/export?format=csv", owner.token).body;
    CHECK(contains(org_csv, ",linked_accounts,sessions,consents,totp_enrolled_at,passkeys\r\n"));
    CHECK(contains(org_csv, "linked-sso:ada-sso"));
    CHECK(contains(org_csv, "newsletter@3(given)"));

    // Erasure takes the linked accounts and the source ids with the person.
    cli_json(direct_args(s, {"compliance", "erase", "--user", ada.email, "--yes"}));
    CHECK(count_rows(s, "SELECT count(*) FROM user_identities") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM user_external_ids") == 0);
    require_audit_chain_valid(s);
}

TEST_CASE("an organization keeps its data for less time than the platform, never longer, and the sweep applies the shorter",
          "[compliance][retention][org]") {
    Server s;
    auto admin = make_user(s, "admin@orgret.test", true);
    auto owner = make_user(s, "owner@orgret.test");
    auto member = make_user(s, "member@orgret.test");
    auto idle = make_user(s, "idle@orgret.test");
    const std::string strict = make_org(s, owner, "strict-org")["id"];
    const std::string lax = make_org(s, owner, "lax-org")["id"];
    add_member(s, strict, owner.token, member, "member");
    add_member(s, strict, owner.token, idle, "member");
    add_member(s, lax, owner.token, idle, "member");
    sql(s, "UPDATE jobs SET run_at = now() + interval '1 day' WHERE kind = 'compliance.retention' AND status = 'pending'");
    const std::string path = k_orgs + "/" + strict + "/compliance/retention-policies";
    ok_json(call(s, "PUT", "/api/v1/compliance/retention-policies/sessions", admin.token, {{"retention_days", 90}}));

    auto listed = ok_json(call(s, "GET", path, owner.token))["data"];
    REQUIRE(listed.size() == 3);
    std::map<std::string, json> by_category;
    for (const auto& p : listed) by_category[p["category"].get<std::string>()] = p;
    CHECK(by_category["sessions"]["retention_days"].is_null());
    CHECK(by_category["sessions"]["platform_retention_days"] == 90);
    CHECK(by_category["sessions"]["effective_retention_days"] == 90);
    CHECK(by_category["inactive_members"]["platform_retention_days"].is_null());  // the platform erases nobody by default
    CHECK(by_category["audit_details"]["effective_retention_days"].is_null());

    // Members cannot; bad input changes nothing.
    CHECK(call(s, "GET", path, member.token).status == 403);
    CHECK(call(s, "PUT", path + "/sessions", member.token, {{"retention_days", 7}}).status == 403);
    auto too_long = call(s, "PUT", path + "/sessions", owner.token, {{"retention_days", 120}});
    CHECK(too_long.status == 422);
    CHECK(contains(too_long.body, "at most 90"));
    CHECK(call(s, "PUT", path + "/jobs", owner.token, {{"retention_days", 7}}).status == 422);
    CHECK(call(s, "PUT", path + "/sessions", owner.token, {{"retention_days", "7"}}).status == 422);
    CHECK(call(s, "PUT", path + "/sessions", owner.token, {{"retention_days", 0}}).status == 422);
    CHECK(call(s, "DELETE", path + "/sessions", owner.token).status == 404);
    CHECK(count_rows(s, "SELECT count(*) FROM organization_retention_policies") == 0);

    auto set = ok_json(call(s, "PUT", path + "/sessions", owner.token, {{"retention_days", 10}}));
    CHECK(set["effective_retention_days"] == 10);
    cli_json(direct_args(s, {"compliance", "org-retention-set", "strict-org", "inactive_members", "--days", "30"}));
    cli_json(remote_args(s, owner.token, {"compliance", "org-retention-set", "strict-org", "audit_details", "--days", "5"}));
    auto too_long_cli = run_janua(direct_args(s, {"compliance", "org-retention-set", "strict-org", "sessions", "--days", "91"}));
    CHECK(too_long_cli.exit_code == 2);
    CHECK(contains(too_long_cli.err, "at most 90"));
    auto shown = cli_json(direct_args(s, {"compliance", "org-retention", "strict-org"}))["data"];
    REQUIRE(shown.size() == 3);
    for (const auto& p : shown) CHECK_FALSE(p["retention_days"].is_null());
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.org_retention_policy_set' "
                        "AND organization_id = '" + strict + "'") == 3);

    // Ended sessions of 20 days ago in both organizations; an idle member of both; old audit entries of both.
    signin(s.base(), member.email);
    sql(s, "UPDATE sessions SET organization_id = '" + strict + "', revoked_at = now() - interval '20 days', "
           "expires_at = now() - interval '19 days' WHERE user_id = '" + member.id + "'");
    signin(s.base(), idle.email);
    sql(s, "UPDATE sessions SET organization_id = '" + lax + "', revoked_at = now() - interval '20 days', "
           "expires_at = now() - interval '19 days' WHERE user_id = '" + idle.id + "'");
    const long long lax_sessions = count_rows(s, "SELECT count(*) FROM sessions WHERE organization_id = '" + lax + "'");
    REQUIRE(lax_sessions >= 1);
    sql(s, "UPDATE users SET last_login_at = now() - interval '40 days' WHERE id = '" + idle.id + "'");
    sql(s, "INSERT INTO audit_events (occurred_at, actor_type, organization_id, action, ip_address, user_agent, details) VALUES "
           "(now() - interval '10 days', 'system', '" + strict + "', 'test.old', '203.0.113.9', 'old-agent', '{\"note\": \"old\"}'), "
           "(now() - interval '10 days', 'system', '" + lax + "', 'test.old', '203.0.113.9', 'old-agent', '{\"note\": \"old\"}')");

    auto report = cli_json(direct_args(s, {"compliance", "retention-run"}));
    INFO(report.dump());
    CHECK(report["organizations"][strict]["sessions"].get<long long>() >= 1);
    CHECK(report["organizations"][strict]["inactive_members"] == 1);
    CHECK(report["organizations"][strict]["audit_details"].get<long long>() >= 1);
    CHECK_FALSE(report["organizations"].contains(lax));
    CHECK(count_rows(s, "SELECT count(*) FROM sessions WHERE organization_id = '" + strict + "'") == 0);
    CHECK(count_rows(s, "SELECT count(*) FROM sessions WHERE organization_id = '" + lax + "'") == lax_sessions);
    auto members_of = [&](const std::string& org) {
        return column(s, "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = '" + org +
                             "' ORDER BY u.email");
    };
    CHECK(members_of(strict) == std::vector<std::string>{"member@orgret.test", "owner@orgret.test"});
    CHECK(members_of(lax) == std::vector<std::string>{"idle@orgret.test", "owner@orgret.test"});
    CHECK(count_rows(s, "SELECT count(*) FROM users WHERE id = '" + idle.id + "'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'test.old' AND organization_id = '" + strict +
                        "' AND ip_address IS NULL AND user_agent IS NULL AND details->>'note' IS NULL AND pseudonymized_at IS NOT NULL") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'test.old' AND organization_id = '" + lax +
                        "' AND ip_address = '203.0.113.9' AND details->>'note' = 'old'") == 1);
    CHECK(count_rows(s, "SELECT count(*) FROM audit_events WHERE action = 'compliance.org_retention_applied' "
                        "AND organization_id = '" + strict + "'") == 3);
    require_audit_chain_valid(s);

    // The platform shortening its policy later wins over the organization's longer setting.
    ok_json(call(s, "PUT", "/api/v1/compliance/retention-policies/sessions", admin.token, {{"retention_days", 5}}));
    const auto after = ok_json(call(s, "GET", path, owner.token));
    for (const auto& p : after["data"])
        if (p["category"] == "sessions") CHECK(p["effective_retention_days"] == 5);
    CHECK(call(s, "DELETE", path + "/sessions", owner.token).status == 204);
    CHECK(run_janua(direct_args(s, {"compliance", "org-retention-unset", "strict-org", "sessions"})).exit_code == 3);
}
