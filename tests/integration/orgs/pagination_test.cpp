// Cursor pagination of organization members, invitations and API keys (limit, cursor,
// next_cursor, like the user and organization lists), and the CLI following next_cursor.
#include "tests/integration/orgs/org_support.hpp"

#include "core/crypto/encoding.hpp"

#include <set>

using namespace janua::test;
using namespace janua::test::orgs;

namespace {

// Walk a list endpoint `limit` at a time: every item id (`key`) in order, and how many pages it took.
std::pair<std::vector<std::string>, int> walk(const Server& s, const std::string& path, const std::string& token, int limit,
                                              const std::string& key = "id") {
    std::vector<std::string> ids;
    std::string cursor;
    int pages = 0;
    const char joiner = path.find('?') == std::string::npos ? '?' : '&';
    for (; pages < 100; ++pages) {
        auto page = ok_json(call(s, "GET", path + joiner + "limit=" + std::to_string(limit) +
                                               (cursor.empty() ? "" : "&cursor=" + cursor), token));
        CHECK(page["data"].size() <= static_cast<std::size_t>(limit));
        for (const auto& item : page["data"]) ids.push_back(item[key].get<std::string>());
        if (page["next_cursor"].is_null()) return {ids, pages + 1};
        cursor = page["next_cursor"].get<std::string>();
    }
    FAIL("the pages never end");
    return {};
}

}  // namespace

TEST_CASE("members, invitations and API keys are listed a page at a time", "[orgs]") {
    Server s;
    auto owner = make_user(s, "owner@example.com");
    auto root = make_user(s, "root@example.com", true);
    const std::string org = make_org(s, owner, "acme")["id"];
    for (int i = 0; i < 4; ++i) add_member(s, org, owner.token, make_user(s, "m" + std::to_string(i) + "@example.com"), "member");

    auto [members, member_pages] = walk(s, k_orgs + "/" + org + "/members", owner.token, 2, "user_id");
    CHECK(members.size() == 5);
    CHECK(member_pages == 3);
    CHECK(std::set<std::string>(members.begin(), members.end()).size() == 5);
    CHECK(members.front() == owner.id);  // oldest first

    json entries = json::array();
    for (int i = 0; i < 5; ++i) entries.push_back({{"email", "invitee" + std::to_string(i) + "@example.com"}});
    ok_json(call(s, "POST", k_orgs + "/" + org + "/invitations/bulk", owner.token, {{"invitations", entries}}));
    auto [invitations, invitation_pages] = walk(s, k_orgs + "/" + org + "/invitations", owner.token, 2);
    CHECK(invitations.size() == 5);
    CHECK(invitation_pages == 3);
    CHECK(std::set<std::string>(invitations.begin(), invitations.end()).size() == 5);
    // The status filter applies before paging.
    CHECK(call(s, "DELETE", k_orgs + "/" + org + "/invitations/" + invitations[3], owner.token).status == 204);
    auto revoked = ok_json(call(s, "GET", k_orgs + "/" + org + "/invitations?status=revoked&limit=1", owner.token));
    REQUIRE(revoked["data"].size() == 1);
    CHECK(revoked["data"][0]["id"] == invitations[3]);
    CHECK(revoked["next_cursor"].is_null());
    CHECK(walk(s, k_orgs + "/" + org + "/invitations?status=pending", owner.token, 3).first.size() == 4);

    for (int i = 0; i < 3; ++i) make_key(s, owner, json::array({"members:read"}), org);
    auto [keys, key_pages] = walk(s, "/api/v1/api-keys", owner.token, 2);
    CHECK(keys.size() == 3);
    CHECK(key_pages == 2);

    // Bad limits and cursors are refused with the field named.
    for (const auto& path : {k_orgs + "/" + org + "/members", k_orgs + "/" + org + "/invitations", std::string("/api/v1/api-keys")}) {
        INFO(path);
        CHECK(call(s, "GET", path + "?limit=0", owner.token).status == 422);
        CHECK(call(s, "GET", path + "?limit=201", owner.token).status == 422);
        auto bad = call(s, "GET", path + "?cursor=not-a-cursor", owner.token);
        CHECK(bad.status == 422);
        CHECK(bad.body.find("cursor") != std::string::npos);
        // Well-formed cursors naming impossible times are refused before they reach SQL.
        for (const char* time : {"2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-01-01T25:00:00Z",
                                 "99999-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567Z"}) {
            INFO(time);
            const auto forged = janua::crypto::base64url_encode(std::string(time) + "|" + org);
            CHECK(call(s, "GET", path + "?cursor=" + forged, owner.token).status == 422);
        }
    }
    // The same codec guards the user, OAuth client and webhook delivery lists.
    const auto forged = janua::crypto::base64url_encode("2026-02-30T10:00:00Z|" + org);
    CHECK(call(s, "GET", "/api/v1/oauth/clients?cursor=" + forged, root.token).status == 422);
    CHECK(call(s, "GET", "/api/v1/users?cursor=" + forged, root.token).status == 422);
}

TEST_CASE("the CLI follows next_cursor to list every member and API key", "[orgs]") {
    Server s;
    auto admin = make_user(s, "root@example.com", true);
    const std::string org = make_org(s, admin, "big")["id"];
    // More than one page of the CLI's 200: users, memberships and keys straight into the database.
    sql(s, "INSERT INTO users (email) SELECT 'bulk' || g || '@example.com' FROM generate_series(1, 230) g");
    sql(s, "INSERT INTO memberships (organization_id, user_id, role_id) SELECT '" + org + "', u.id, "
           "(SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL) FROM users u WHERE u.email LIKE 'bulk%'");
    sql(s, "INSERT INTO api_keys (name, prefix, key_hash, user_id) SELECT 'bulk ' || g, 'jk_bulk' || g, "
           "sha256(('bulk key ' || g)::bytea), '" + admin.id + "' FROM generate_series(1, 210) g");

    auto members = cli_json(remote_args(s, admin.token, {"org", "members", org}));
    CHECK(members["data"].size() == 231);
    CHECK(members["next_cursor"].is_null());
    std::set<std::string> distinct;
    for (const auto& m : members["data"]) distinct.insert(m["user_id"].get<std::string>());
    CHECK(distinct.size() == 231);

    auto keys = cli_json(remote_args(s, admin.token, {"apikey", "list"}));
    CHECK(keys["data"].size() == 210);
    // Direct mode reads the database itself: the same lists.
    CHECK(cli_json(direct_args(s, {"org", "members", org}))["data"].size() == 231);
    CHECK(cli_json(direct_args(s, {"apikey", "list"}))["data"].size() == 210);
}
