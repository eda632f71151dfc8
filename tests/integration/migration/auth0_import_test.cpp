// janua migrate auth0: every documented Auth0 shape and hash algorithm, sign-in over HTTP with
// the original passwords (then re-hashed to bcrypt), reported and skipped bad records, dry runs,
// idempotent re-runs, a SIGKILLed import resumed, gzip exports, and the daemon's job API.
#include "tests/integration/migration/migration_support.hpp"

using namespace janua::test;
using namespace janua::test::migration;

namespace {

const Env k_env = {{"BCRYPT_ROUNDS", "4"}, {"RATE_LIMIT_PER_MINUTE", "0"}};

json user(const std::string& email, const json& extra = json::object()) {
    json u = {{"email", email}, {"email_verified", true}};
    u.update(extra);
    return u;
}

json custom(const std::string& algorithm, const json& hash, const json& extra = json::object()) {
    json c = {{"algorithm", algorithm}, {"hash", hash}};
    c.update(extra);
    return {{"custom_password_hash", c}};
}

}  // namespace

TEST_CASE("Auth0 users of every hash algorithm sign in with their original passwords, then hold bcrypt", "[migration][auth0]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    // (email, password, record): Auth0's official examples, then hashes made by bcryptjs, openssl and argon2.
    std::vector<std::tuple<std::string, std::string, json>> cases = {
        {"md4@example.com", "shh", custom("md4", {{"value", "AbuUujgF0pPPkJPSFRTpmA=="}, {"encoding", "base64"}})},
        {"sha256@example.com", "shh",
         custom("sha256", {{"value", "d24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f"}, {"encoding", "hex"}},
                {{"salt", {{"value", "abc123"}, {"position", "prefix"}}}})},
        {"bcrypt@example.com", "shh", custom("bcrypt", {{"value", "$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG"}})},
        {"argon2@example.com", "shh",
         custom("argon2", {{"value", "$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos"}})},
        {"pbkdf2@example.com", "shh",
         custom("pbkdf2", {{"value", "$pbkdf2-sha512$i=100000,l=64$KNyFsA2rWoE$I2CQGI9H0JxdDf3kERRI97kPCGxh0KWBIV3MxyaS191gDGfzVBGyS4BibhgqWQ0/ails8mHuU9ckASxHOOq58w"}})},
        {"ldap@example.com", "shh",
         custom("ldap", {{"value", "{SSHA384}/cgEjdoZh85DhurDeOQEMO1rMlAur93SVPbYe5XSD4lF7nNuvrBju5hUeg9A6agRemgSXGl5YuE="}, {"encoding", "utf8"}})},
        {"hmac@example.com", "test",
         custom("hmac", {{"value", "cg7f42jH39/2EaAU4wNd4s2lKIk="}, {"encoding", "base64"}, {"digest", "sha1"}, {"key", {{"value", "736868"}, {"encoding", "hex"}}}})},
        {"scrypt@example.com", "password",
         custom("scrypt", {{"value", "097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29"}, {"encoding", "hex"}},
                {{"salt", {{"value", "abc123"}, {"encoding", "utf8"}}}, {"keylen", 32}, {"cost", 4096}})},
        {"hello@example.com", "hello", {{"password_hash", "$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K"}}},
    };
    const std::string pw = "Imported-Pass-1";
    cases.push_back({"bcryptjs@example.com", pw, {{"password_hash", bcryptjs(pw, 4)}}});
    cases.push_back({"bcryptjs-custom@example.com", pw, custom("bcrypt", {{"value", bcryptjs("pepper" + pw, 4)}}, {{"salt", {{"value", "pepper"}}}})});
    cases.push_back({"md5@example.com", pw, custom("md5", {{"value", openssl_digest("md5", pw + "NaCl", "hex")}, {"encoding", "hex"}},
                                                   {{"salt", {{"value", "NaCl"}, {"position", "suffix"}}}})});
    cases.push_back({"md4-ossl@example.com", pw, custom("md4", {{"value", openssl_digest("md4", pw, "hex")}, {"encoding", "hex"}})});
    cases.push_back({"sha1@example.com", pw, custom("sha1", {{"value", openssl_digest("sha1", pw, "base64")}, {"encoding", "base64"}})});
    cases.push_back({"sha512@example.com", pw, custom("sha512", {{"value", openssl_digest("sha512", "4e61436c" + pw, "hex")}, {"encoding", "hex"}},
                                                      {{"salt", {{"value", "4e61436c"}, {"encoding", "utf8"}}}})});
    cases.push_back({"hmac256@example.com", pw,
                     custom("hmac", {{"value", sh("printf %s " + quoted(pw) + " | openssl dgst -sha256 -hmac k3y -binary | base64 -w0")},
                                     {"encoding", "base64"}, {"digest", "sha256"}, {"key", {{"value", "k3y"}}}})});
    cases.push_back({"pbkdf2-ossl@example.com", pw,
                     custom("pbkdf2", {{"value", "$pbkdf2-sha256$i=1000,l=32$" + sh("printf NaClNaCl | base64 -w0 | tr -d =") + "$" +
                                                     sh("openssl kdf -binary -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:" + pw +
                                                        " -kdfopt salt:NaClNaCl -kdfopt iter:1000 PBKDF2 | base64 -w0 | tr -d =")}})});
    cases.push_back({"scrypt-ossl@example.com", pw,
                     custom("scrypt", {{"value", sh("openssl kdf -binary -keylen 16 -kdfopt pass:" + pw +
                                                    " -kdfopt salt:NaCl -kdfopt n:1024 -kdfopt r:8 -kdfopt p:1 SCRYPT | base64 -w0")},
                                       {"encoding", "base64"}},
                            {{"salt", {{"value", "NaCl"}}}, {"keylen", 16}, {"cost", 1024}})});
    cases.push_back({"argon2-cli@example.com", pw,
                     custom("argon2", {{"value", sh("printf %s " + quoted(pw) + " | argon2 somesaltsalt -id -t 2 -m 10 -p 1 -e")}})});
    cases.push_back({"ldap-ssha@example.com", pw,
                     custom("ldap", {{"value", "{SSHA}" + sh("(printf %s " + quoted(pw) + "salt | openssl dgst -sha1 -binary; printf salt) | base64 -w0")}})});
    // The legacy schema: hash as a string, top-level encoding, salt_prefix.
    cases.push_back({"legacy@example.com", pw,
                     {{"custom_password_hash", {{"algorithm", "md5"}, {"hash", openssl_digest("md5", "xyz" + pw, "hex")}, {"encoding", "hex"}, {"salt_prefix", "xyz"}}}}});

    json array = json::array();
    for (const auto& [email, password, record] : cases) array.push_back(user(email, record));
    const auto file = write_file(dir, "users.json", array.dump(2));
    auto [job, r] = migrate(server, {"auth0", file});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["inserted"] == cases.size());
    CHECK(job["summary"]["failed"] == 0);

    for (const auto& [email, password, record] : cases) {
        INFO(email);
        CHECK(signin_response(server.base(), email, password + "x").status == 401);
        const std::string before = column(server, "SELECT password_hash FROM users WHERE email = '" + email + "'");
        const bool plain_bcrypt = column(server, "SELECT password_algorithm FROM users WHERE email = '" + email + "'") == "bcrypt";
        const auto signed_in = signin_response(server.base(), email, password);
        REQUIRE(signed_in.status == 200);
        // Other algorithms are re-hashed to bcrypt at BCRYPT_ROUNDS on that first sign-in; a bcrypt
        // hash at or above BCRYPT_ROUNDS is kept. The password works either way.
        CHECK(column(server, "SELECT password_algorithm FROM users WHERE email = '" + email + "'") == "bcrypt");
        const std::string after = column(server, "SELECT password_hash FROM users WHERE email = '" + email + "'");
        if (plain_bcrypt) CHECK(after == before);
        else CHECK(after.rfind("$2b$04$", 0) == 0);
        CHECK(signin_response(server.base(), email, password).status == 200);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("user export NDJSON (gzip) joins the password-hash export, keeping identities, metadata and TOTP", "[migration][auth0]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    const std::string pw = "Exported-Pass-2";
    // The zitadel-tools example line, plus a social identity and metadata.
    const auto export_file = write_file(dir, "tenant.json",
        ndjson({json::parse(R"({"user_id": "auth0|60425dc43519d90068f82973", "email": "john@example.com", "username": "johndoe", "given_name": "John", "family_name": "Doe", "nickname": "johnny", "name": "John Doe", "locale": "en-US", "phone_number": "+1234567890", "phone_verified": true, "email_verified": true})"),
                {{"user_id", "auth0|5dea9f9c82dd7c0e76e4ec93"}, {"email", "Jane@Example.com"}, {"email_verified", true},
                 {"created_at", "2019-12-06T18:36:12.412Z"}, {"app_metadata", {{"plan", "premium"}}}, {"user_metadata", {{"theme", "dark"}}},
                 {"identities", {{{"connection", "Username-Password-Authentication"}, {"provider", "auth0"}, {"user_id", "5dea9f9c82dd7c0e76e4ec93"}, {"isSocial", false}},
                                 {{"connection", "google-oauth2"}, {"provider", "google-oauth2"}, {"user_id", "1098"}, {"isSocial", true}, {"access_token", "secret-token"}}}}}}));
    sh("gzip " + export_file);
    // The password-hash export: NDJSON with _id.$oid, and a JSON array with _ID and alt_id (Ory's form).
    const auto hashes = write_file(dir, "hashes.ndjson", ndjson({{{"_id", {{"$oid", "5dea9f9c82dd7c0e76e4ec93"}}}, {"email_verified", true},
                                                                   {"passwordHash", bcryptjs(pw, 4)}, {"connection", "Username-Password-Authentication"}}}));
    const auto hashes_array = write_file(dir, "hashes2.json",
        json::array({{{"_ID", {{"$oid", "aaaaaaaaaaaaaaaaaaaaaaaa"}}}, {"alt_id", "60425dc43519d90068f82973"}, {"email", "john@example.com"},
                      {"passwordHash", bcryptjs(pw + "!", 4)}},
                     {{"_id", {{"$oid", "bbbbbbbbbbbbbbbbbbbbbbbb"}}}, {"identifiers", {{{"type", "email"}, {"value", "only-in-hashes@example.com"}, {"verified", true}}}},
                      {"passwordHash", bcryptjs(pw, 4)}}}).dump());
    // A bulk-import record with a TOTP factor (and an SMS factor Janua cannot carry: a warning).
    const auto bulk = write_file(dir, "mfa.json", json::array({user("mfa@example.com", {{"password_hash", bcryptjs(pw, 4)},
        {"mfa_factors", {{{"totp", {{"secret", "JBSWY3DPEHPK3PNP"}}}}, {{"phone", {{"value", "+15551112233"}}}}}}})}).dump());
    const std::string report = dir + "/report.ndjson";
    auto [job, r] = migrate(server, {"auth0", hashes, export_file + ".gz", hashes_array, bulk, "--report", report});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["failed"] == 0);

    CHECK(signin_response(server.base(), "jane@example.com", pw).status == 200);
    CHECK(signin_response(server.base(), "john@example.com", pw + "!").status == 200);
    CHECK(signin_response(server.base(), "only-in-hashes@example.com", pw).status == 200);
    CHECK(column(server, "SELECT username FROM users WHERE email = 'john@example.com'") == "johndoe");
    CHECK(column(server, "SELECT metadata->'app_metadata'->>'plan' FROM users WHERE email = 'jane@example.com'") == "premium");
    CHECK(column(server, "SELECT metadata->'user_metadata'->>'theme' FROM users WHERE email = 'jane@example.com'") == "dark");
    CHECK(column(server, "SELECT provider_key || ':' || subject FROM user_identities") == "google-oauth2:1098");
    CHECK(column(server, "SELECT count(*) FROM user_identities") == "1");
    CHECK(column(server, "SELECT profile::text FROM user_identities").find("secret-token") == std::string::npos);

    // The TOTP secret is stored encrypted, and works with an independent TOTP implementation.
    CHECK(column(server, "SELECT secret_ciphertext FROM mfa_totp").find("JBSWY3DPEHPK3PNP") == std::string::npos);
    auto first = body_of(signin_response(server.base(), "mfa@example.com", pw));
    REQUIRE(first.value("mfa_required", false));
    const auto code = sh("oathtool --totp -b JBSWY3DPEHPK3PNP");
    auto second = post(server.base(), "/api/v1/mfa/verify", {{"mfa_token", first["mfa_token"]}, {"code", code}});
    CHECK(second.status == 200);
    const auto problems = read_ndjson(report);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0]["code"] == "MFA_FACTORS_FAILED");
    CHECK(problems[0]["severity"] == "warning");
    std::filesystem::remove_all(dir);
}

TEST_CASE("bad records are reported with line and code and skipped, dry runs write nothing, re-runs change nothing", "[migration][auth0]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    const std::string hash = bcryptjs("Whatever-Pass-3", 4);
    const std::string lines = ndjson({user("a@example.com", {{"user_id", "auth0|auth0|a1"}, {"password_hash", hash}})}) +
                              "{\"email\": \"broken@example.com\",\n" +  // line 2: not JSON
                              ndjson({json{{"user_id", "nomail"}, {"email_verified", true}},                                          // line 3
                                      user("b@example.com", {{"mfa_factors", {{{"totp", {{"secret", "not base32!"}}}}}}}),         // line 4
                                      user("A@example.com", {{"user_id", "other"}}),                                               // line 5
                                      user("c@example.com", {{"password_hash", "$2x$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG"}}),  // line 6
                                      user("d@example.com", {{"app_metadata", {{"email", "x"}}}}),                                 // line 7
                                      user("e@example.com", {{"password_hash", hash}})});                                          // line 8
    const auto file = write_file(dir, "users.ndjson", lines);
    const std::string report = dir + "/report.ndjson";

    auto [dry, dr] = migrate(server, {"auth0", file, "--dry-run", "--report", report});
    INFO(dr.err << dr.out);
    REQUIRE(dr.exit_code == 0);
    CHECK(dry["summary"]["inserted"] == 2);
    CHECK(column(server, "SELECT count(*) FROM users") == "0");
    CHECK(column(server, "SELECT count(*) FROM migration_jobs") == "0");
    CHECK(column(server, "SELECT count(*) FROM audit_events WHERE action LIKE 'migration.%'") == "0");

    auto [job, r] = migrate(server, {"auth0", file, "--report", report, "--batch-size", "3"});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["inserted"] == 2);
    CHECK(job["summary"]["failed"] == 6);
    std::map<long long, std::string> by_line;
    for (const auto& p : read_ndjson(report)) by_line[p["line"].get<long long>()] = p["code"];
    CHECK(by_line == std::map<long long, std::string>{{2, "INVALID_TYPE"}, {3, "OBJECT_REQUIRED"}, {4, "PATTERN"},
                                                      {5, "CONFLICT_EMAIL"}, {6, "FORMAT"}, {7, "NOT_PASSED"}});
    // The doubled auth0| prefix is undone.
    CHECK(column(server, "SELECT external_id FROM user_external_ids WHERE external_id LIKE '%a1'") == "auth0|a1");
    // One audit event per batch (3 of them) plus the job's start and end, not one per user.
    CHECK(column(server, "SELECT count(*) FROM audit_events WHERE action = 'migration.batch_imported'") == "3");
    CHECK(column(server, "SELECT count(*) FROM audit_events WHERE action IN ('migration.job_started', 'migration.job_completed')") == "2");

    auto [again, r2] = migrate(server, {"auth0", file});
    REQUIRE(r2.exit_code == 0);
    CHECK(again["summary"]["inserted"] == 0);
    CHECK(again["summary"]["unchanged"] == 2);
    CHECK(column(server, "SELECT count(*) FROM users") == "2");

    // --on-conflict update merges the colliding record into the existing user.
    auto [updated, r3] = migrate(server, {"auth0", file, "--on-conflict", "update"});
    REQUIRE(r3.exit_code == 0);
    CHECK(updated["summary"]["updated"].get<int>() >= 1);
    CHECK(column(server, "SELECT count(*) FROM users") == "2");
    // --on-conflict fail stops at the first conflict with a non-zero exit.
    const auto clash = write_file(dir, "clash.json", json::array({user("e@example.com", {{"user_id", "zzz"}})}).dump());
    auto [failed, r4] = migrate(server, {"auth0", clash, "--on-conflict", "fail"});
    CHECK(r4.exit_code != 0);
    CHECK(failed["status"] == "failed");
    std::filesystem::remove_all(dir);
}

TEST_CASE("an import killed with SIGKILL resumes with nothing duplicated or lost", "[migration][auth0]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    const std::string hash = bcryptjs("Resume-Pass-4", 4);
    const int total = 4000;
    {
        std::ofstream out(dir + "/many.ndjson");
        for (int i = 0; i < total; ++i)
            out << user("user" + std::to_string(i) + "@example.com", {{"user_id", "u" + std::to_string(i)}, {"password_hash", hash}}).dump() << "\n";
    }
    const std::vector<std::string> args = {"migrate", "auth0", dir + "/many.ndjson", "--batch-size", "50", "--database-url", server.db.url()};
    const pid_t pid = spawn_janua(args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::stoll(column(server, "SELECT count(*) FROM users")) < 300 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const auto partial = std::stoll(column(server, "SELECT count(*) FROM users"));
    REQUIRE(partial >= 300);
    REQUIRE(partial < total);  // killed midway, not after the end
    CHECK(column(server, "SELECT status FROM migration_jobs") == "running");

    auto [job, r] = migrate(server, {"auth0", dir + "/many.ndjson", "--batch-size", "50"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("resumed the interrupted import") != std::string::npos);
    CHECK(job["status"] == "completed");
    CHECK(column(server, "SELECT count(*) FROM users") == std::to_string(total));
    CHECK(column(server, "SELECT count(DISTINCT lower(email)) FROM users") == std::to_string(total));
    CHECK(column(server, "SELECT count(*) FROM migration_jobs") == "1");
    CHECK(job["summary"]["inserted"] == total);  // counted once across both runs
    CHECK(signin_response(server.base(), "user3999@example.com", "Resume-Pass-4").status == 200);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the daemon's migration job API imports an upload in the background, and the CLI uses it remotely", "[migration][auth0][api]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    auto admin = make_user(server, "root@example.com", true);
    auto member = make_user(server, "someone@example.com");
    const std::string pw = "Uploaded-Pass-5";
    const auto file = write_file(dir, "upload.ndjson",
                                 ndjson({user("up1@example.com", {{"password_hash", bcryptjs(pw, 4)}}), json{{"email", 42}}}));
    sh("gzip -k " + file);

    auto upload = [&](const std::string& query, const std::string& token) {
        std::ifstream in(file + ".gz", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return http("POST", server.base(), "/api/v1/migration/jobs" + query, bytes, bearer(token), "application/gzip");
    };
    CHECK(upload("", member.token).status == 403);
    CHECK(upload("", "").status == 401);
    CHECK(error_code(upload("?on_conflict=merge", admin.token)) == "VALIDATION_ERROR");
    CHECK(error_code(upload("?organization=nope", admin.token)) == "VALIDATION_ERROR");
    CHECK(http("POST", server.base(), "/api/v1/migration/jobs", "", bearer(admin.token)).status == 422);
    CHECK(get(server.base(), "/api/v1/migration/jobs/00000000-0000-0000-0000-000000000000", admin.token).status == 404);

    auto created = upload("?name=upload.ndjson.gz", admin.token);
    REQUIRE(created.status == 202);
    const std::string id = body_of(created)["id"];
    json job;
    for (int i = 0; i < 200; ++i) {
        job = body_of(get(server.base(), "/api/v1/migration/jobs/" + id, admin.token));
        if (job["status"] == "completed" || job["status"] == "failed") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(job["status"] == "completed");
    CHECK(job["summary"]["inserted"] == 1);
    CHECK(job["summary"]["failed"] == 1);
    REQUIRE(job["errors"].size() == 1);
    CHECK(job["errors"][0]["line"] == 2);
    CHECK(job["errors"][0]["code"] == "INVALID_TYPE");
    CHECK(signin_response(server.base(), "up1@example.com", pw).status == 200);
    CHECK(column(server, "SELECT count(*) FROM migration_uploads") == "0");  // the hashes do not linger

    // The CLI through the daemon: the same import, now with nothing new to write.
    auto remote = run_janua({"--server", server.base(), "--token", admin.token, "--output", "json", "migrate", "auth0", file});
    INFO(remote.err);
    REQUIRE(remote.exit_code == 0);
    auto remote_job = json::parse(remote.out);
    CHECK(remote_job["summary"]["unchanged"] == 1);
    CHECK(remote_job["summary"]["inserted"] == 0);
    auto status = run_janua({"migrate", "status", id, "--database-url", server.db.url(), "--output", "json"});
    REQUIRE(status.exit_code == 0);
    CHECK(json::parse(status.out)["status"] == "completed");
    std::filesystem::remove_all(dir);
}

TEST_CASE("the CSV user export: quoted fields with quotes and newlines, the ' escape, joined to the hash export", "[migration][auth0][csv]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    const std::string pw = "Csv-Export-Pass-9";
    // Auth0's CSV export: a header naming the fields, every string prefixed with ' and double-quoted
    // (OWASP CSV-injection escaping), inner quotes doubled; booleans and counts bare.
    const std::string csv =
        "user_id,email,email_verified,name,given_name,created_at,logins_count,blocked,user_metadata.theme,provider\r\n"
        "\"'auth0|5f0000000000000000000001\",\"'csv.one@example.com\",true,\"'Ann \"\"The Quote\"\" Smith\",\"'Ann\","
        "\"'2024-01-02T03:04:05.000Z\",3,false,\"'dark\",\"'auth0\"\r\n"
        "\"'auth0|5f0000000000000000000002\",\"'csv.two@example.com\",false,\"'Two\nLines\",,\"'2024-01-02T03:04:05.000Z\",0,"
        "true,,\"'auth0\"\r\n"
        "\"'auth0|5f0000000000000000000003\",\"'csv.three@example.com\",true,\"'=HYPERLINK(\"\"x\"\")\",,,,,,\r\n";
    const auto file = write_file(dir, "tenant-users.csv", csv);
    const auto hashes = write_file(dir, "hashes.ndjson", ndjson({{{"_id", {{"$oid", "5f0000000000000000000001"}}}, {"passwordHash", bcryptjs(pw, 4)}}}));
    const std::string report = dir + "/report.ndjson";
    auto [job, r] = migrate(server, {"auth0", file, hashes, "--report", report});
    INFO(r.err << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["failed"] == 0);
    CHECK(column(server, "SELECT count(*) FROM users") == "3");
    CHECK(column(server, "SELECT display_name FROM users WHERE email = 'csv.one@example.com'") == "Ann \"The Quote\" Smith");
    CHECK(column(server, "SELECT display_name FROM users WHERE email = 'csv.two@example.com'") == "Two\nLines");
    CHECK(column(server, "SELECT display_name FROM users WHERE email = 'csv.three@example.com'") == "=HYPERLINK(\"x\")");
    CHECK(column(server, "SELECT email_verified::text FROM users WHERE email = 'csv.one@example.com'") == "true");
    CHECK(column(server, "SELECT status FROM users WHERE email = 'csv.two@example.com'") == "SUSPENDED");
    CHECK(column(server, "SELECT metadata->'user_metadata'->>'theme' FROM users WHERE email = 'csv.one@example.com'") == "dark");
    CHECK(column(server, "SELECT metadata->'auth0'->>'logins_count' FROM users WHERE email = 'csv.one@example.com'") == "3");
    CHECK(column(server, "SELECT external_id FROM user_external_ids e JOIN users u ON u.id = e.user_id WHERE u.email = 'csv.two@example.com'") ==
          "auth0|5f0000000000000000000002");
    CHECK(signin_response(server.base(), "csv.one@example.com", pw).status == 200);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a malformed CSV export: each broken row reported with its line, a dry run writes nothing, a bad header stops the file", "[migration][auth0][csv]") {
    Server server(k_env);
    const std::string dir = temp_dir();
    const std::string long_name(3000, 'x');  // within the 1 MiB record limit, over Auth0's 150 for a name
    const std::string csv =
        "user_id,email,name\n"                                                         // line 1
        "\"'auth0|good1\",\"'good1@example.com\",\"'Good \"\"One\"\"\"\n"              // line 2
        "\"'auth0|bad1\",\"'bad1@example.com\"oops,\"'x\"\n"                           // line 3: text after a closing quote
        "\"'auth0|bad2\",bad\"2@example.com,\"'x\"\n"                                  // line 4: a quote in an unquoted field
        "\"'auth0|bad3\",\"'bad3@example.com\",\"'x\",extra\n"                         // line 5: more fields than the header
        "\"'auth0|good2\",\"'good2@example.com\",\"'Multi\nline\nname\"\n"             // lines 6-8
        "\"'auth0|long\",\"'long@example.com\",\"'" + long_name + "\"\n"               // line 9: MAX_LENGTH (name)
        "\"'auth0|bad4\",\"'bad4@example.com\",\"'never closed\n"                      // line 10: closed only by the next line's quote
        "\"'auth0|lost\",\"'lost@example.com\",\"'x\"\n";
    const auto file = write_file(dir, "broken.csv", csv);
    const std::string report = dir + "/report.ndjson";
    auto [dry, dr] = migrate(server, {"auth0", file, "--dry-run", "--report", report});
    INFO(dr.err << dr.out);
    REQUIRE(dr.exit_code == 0);
    CHECK(dry["summary"]["inserted"] == 2);
    CHECK(column(server, "SELECT count(*) FROM users") == "0");
    CHECK(column(server, "SELECT count(*) FROM migration_jobs") == "0");
    std::map<long long, std::string> by_line;
    for (const auto& p : read_ndjson(report)) by_line[p["line"].get<long long>()] = p["code"].get<std::string>() + ":" + p["reason"].get<std::string>();
    REQUIRE(by_line.size() == 5);
    CHECK(by_line[9].rfind("MAX_LENGTH:", 0) == 0);
    CHECK(by_line[3].rfind("FORMAT:a closing quote", 0) == 0);
    CHECK(by_line[4].rfind("FORMAT:a quote inside an unquoted field", 0) == 0);
    CHECK(by_line[5].rfind("FORMAT:the row has 4 fields", 0) == 0);
    CHECK(by_line[10].rfind("FORMAT:", 0) == 0);  // the next line's first quote closes it: text after a closing quote

    // The import proper: the good rows go in, the broken ones alone are left out.
    auto [job, r] = migrate(server, {"auth0", file, "--report", report});
    REQUIRE(r.exit_code == 0);
    CHECK(job["summary"]["inserted"] == 2);
    CHECK(column(server, "SELECT display_name FROM users WHERE email = 'good2@example.com'") == "Multi\nline\nname");
    CHECK(column(server, "SELECT count(*) FROM users WHERE email IN ('bad1@example.com', 'bad3@example.com', 'lost@example.com')") == "0");

    // Without user_id and email columns there is nothing to read the rows by: the first line says so.
    const auto headless = write_file(dir, "headless.csv", "\"'auth0|h1\",\"'h1@example.com\"\n\"'auth0|h2\",\"'h2@example.com\"\n");
    auto [bad, br] = migrate(server, {"auth0", headless, "--report", report});
    REQUIRE(br.exit_code == 0);
    const auto problems = read_ndjson(report);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0]["line"] == 1);
    CHECK(problems[0]["code"] == "FORMAT");
    CHECK(problems[0]["reason"].get<std::string>().find("no user_id column") != std::string::npos);
    CHECK(column(server, "SELECT count(*) FROM users WHERE email LIKE 'h_@example.com'") == "0");
    std::filesystem::remove_all(dir);
}
