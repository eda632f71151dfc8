// Reading the audit log: filters and cursor pagination over HTTP, the organization-scoped route,
// and `janua audit list|export` (NDJSON and CSV) in direct and remote mode.
#include "tests/integration/audit/audit_support.hpp"

using namespace janua::test;
using namespace janua::test::identity;
using namespace janua::test::audit_support;

namespace {

std::vector<json> ndjson(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

}  // namespace

TEST_CASE("audit logs are listed with filters and cursors, and exported as NDJSON and CSV", "[audit]") {
    Server server;
    cli_json({"user", "create", "--email", "root@example.com", "--password-stdin", "--platform-admin", "--database-url",
              server.db.url(), "--output", "json"},
             k_password);
    const std::string admin = signin(server.base(), "root@example.com")["access_token"];
    signup(server.base(), "plain@example.com");
    const std::string plain = signin(server.base(), "plain@example.com")["access_token"];
    const std::string org = create_organization(server.db.url(), "acme");
    auto pool = pool_on(server.db.url());
    write_events(*pool, 5, org, "user.updated");
    signin_response(server.base(), "plain@example.com", "wrong-password-1");

    // Filters.
    auto failures = body_of(get(server.base(), "/api/v1/audit-logs?outcome=failure", admin));
    REQUIRE(failures["data"].size() == 1);
    CHECK(failures["data"][0]["action"] == "user.signin");
    CHECK(failures["data"][0]["details"]["reason"] == "wrong_password");
    CHECK(failures["data"][0]["hash"].get<std::string>().size() == 64);
    auto by_org = body_of(get(server.base(), "/api/v1/audit-logs?organization_id=" + org + "&limit=200", admin));
    CHECK(by_org["data"].size() == 5);
    auto prefix = body_of(get(server.base(), "/api/v1/audit-logs?action=user.*&limit=200", admin));
    auto exact = body_of(get(server.base(), "/api/v1/audit-logs?action=user.updated&limit=200", admin));
    CHECK(exact["data"].size() == 5);
    CHECK(prefix["data"].size() > exact["data"].size());
    CHECK(body_of(get(server.base(), "/api/v1/audit-logs?actor=actor-3", admin))["data"].size() == 1);
    CHECK(body_of(get(server.base(), "/api/v1/audit-logs?since=2999-01-01T00:00:00Z", admin))["data"].empty());
    CHECK(body_of(get(server.base(), "/api/v1/audit-logs?until=2000-01-01T00:00:00Z", admin))["data"].empty());

    // Pagination: newest first, then older pages, no duplicates; asc is the reverse.
    std::vector<long long> seqs;
    std::string cursor;
    do {
        auto page = body_of(get(server.base(), "/api/v1/audit-logs?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), admin));
        for (const auto& e : page["data"]) seqs.push_back(e["seq"]);
        cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty());
    const auto total = std::stoll(superuser_value(server.db.url(), "SELECT count(*) FROM audit_events"));
    CHECK(static_cast<long long>(seqs.size()) == total);
    CHECK(std::is_sorted(seqs.rbegin(), seqs.rend()));
    auto oldest = body_of(get(server.base(), "/api/v1/audit-logs?order=asc&limit=1", admin));
    CHECK(oldest["data"][0]["seq"] == 1);

    // Bad input: a clear 422 naming the parameter.
    for (const char* q : {"since=yesterday", "outcome=maybe", "organization_id=acme", "limit=0", "limit=500",
                          "cursor=garbage", "order=sideways", "action=user.*.x"}) {
        auto r = get(server.base(), std::string("/api/v1/audit-logs?") + q, admin);
        INFO(q << " -> " << r.body);
        CHECK(r.status == 422);
    }
    CHECK(get(server.base(), "/api/v1/audit-logs", plain).status == 403);
    CHECK(get(server.base(), "/api/v1/audit-logs").status == 401);

    // The organization-scoped route sees only that organization.
    auto scoped = body_of(get(server.base(), "/api/v1/organizations/" + org + "/audit-logs?limit=200", admin));
    CHECK(scoped["data"].size() == 5);
    for (const auto& e : scoped["data"]) CHECK(e["organization_id"] == org);
    // Someone outside the organization cannot even tell it exists (docs/api.md, organizations).
    CHECK(get(server.base(), "/api/v1/organizations/" + org + "/audit-logs", plain).status == 404);

    // CLI: list (direct and remote print the same JSON), export NDJSON and CSV.
    auto direct_list = cli_json({"audit", "list", "--outcome", "failure", "--database-url", server.db.url(), "--output", "json"});
    auto remote_list = cli_json({"audit", "list", "--outcome", "failure", "--server", server.base(), "--token", admin,
                                 "--output", "json"});
    CHECK(direct_list == remote_list);
    CHECK(direct_list["data"].size() == 1);

    auto direct_export = run_janua({"audit", "export", "--org", org, "--database-url", server.db.url()});
    REQUIRE(direct_export.exit_code == 0);
    auto lines = ndjson(direct_export.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines.front()["seq"].get<long long>() < lines.back()["seq"].get<long long>());
    auto remote_export = run_janua({"audit", "export", "--server", server.base(), "--token", admin});
    REQUIRE(remote_export.exit_code == 0);
    CHECK(static_cast<long long>(ndjson(remote_export.out).size()) == total);
    auto all_direct = run_janua({"audit", "export", "--database-url", server.db.url()});
    CHECK(all_direct.out == remote_export.out);

    auto csv = run_janua({"audit", "export", "--format", "csv", "--action", "user.updated", "--database-url", server.db.url()});
    REQUIRE(csv.exit_code == 0);
    std::istringstream csv_lines(csv.out);
    std::string header;
    std::getline(csv_lines, header);
    CHECK(header.rfind("seq,id,occurred_at,actor_type,actor_id", 0) == 0);
    int rows = 0;
    for (std::string line; std::getline(csv_lines, line);) ++rows;
    CHECK(rows == 5);
    auto bad = run_janua({"audit", "export", "--format", "csv", "--since", "yesterday", "--database-url", server.db.url()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.empty());
    CHECK_THAT(bad.err, Catch::Contains("since must be an RFC 3339 timestamp"));
}
