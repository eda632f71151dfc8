// The canonical form and hashing of audit entries, and CSV export cells.
#include "core/audit/chain.hpp"
#include "core/audit/log.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

#include <catch2/catch.hpp>

using namespace janua::audit;

namespace {

ChainEntry sample() {
    ChainEntry e;
    e.seq = 7;
    e.id = "0b7c9a52-1a4e-4f7e-9d7c-2f0a3c4b5d6e";
    e.occurred_us = "1795000000123456";
    e.actor_type = "user";
    e.actor_id = "u-1";
    e.action = "user.signin";
    e.outcome = "success";
    e.target_type = "session";
    e.target_id = "s-1";
    e.ip_address = "203.0.113.7";
    e.user_agent = "agent";
    e.request_id = "r-1";
    e.details = R"({"n": 1})";
    e.pii_digest = pii_digest_of(e);
    return e;
}

}  // namespace

TEST_CASE("canonical fields are length-prefixed and NULL differs from empty", "[audit]") {
    CHECK(canonical_field(std::nullopt) == "~");
    CHECK(canonical_field(std::string()) == "0:");
    CHECK(canonical_field(std::string("ab")) == "2:ab");
    CHECK(canonical_field(std::string("\xc3\xa9")) == "2:\xc3\xa9");  // octets, not characters
}

TEST_CASE("the entry hash is SHA-256 of the previous hash and the canonical text", "[audit]") {
    const auto e = sample();
    const std::string prev(32, '\0');
    const std::string text = prev + "janua-audit-v1" + "1:7" + "36:" + e.id + "16:1795000000123456" + "4:user" + "~" +
                             "11:user.signin" + "7:success" + "7:session" + "3:r-1" + "64:" +
                             janua::crypto::hex_encode(e.pii_digest);
    CHECK(entry_hash(prev, e) == janua::crypto::sha256(text));
    CHECK(e.pii_digest == janua::crypto::sha256("3:u-1" "3:s-1" "11:203.0.113.7" "5:agent" "8:{\"n\": 1}"));
}

TEST_CASE("every covered field changes the entry hash", "[audit]") {
    const std::string prev(32, '\x01');
    const auto base = sample();
    const auto h = entry_hash(prev, base);
    auto changed = [&](auto mutate) {
        auto e = sample();
        mutate(e);
        e.pii_digest = pii_digest_of(e);
        return entry_hash(prev, e) != h;
    };
    CHECK(changed([](ChainEntry& e) { e.seq = 8; }));
    CHECK(changed([](ChainEntry& e) { e.action = "user.signout"; }));
    CHECK(changed([](ChainEntry& e) { e.outcome = "failure"; }));
    CHECK(changed([](ChainEntry& e) { e.occurred_us = "1795000000123457"; }));
    CHECK(changed([](ChainEntry& e) { e.organization_id = "org"; }));
    CHECK(changed([](ChainEntry& e) { e.actor_id = "u-2"; }));
    CHECK(changed([](ChainEntry& e) { e.ip_address.reset(); }));
    CHECK(changed([](ChainEntry& e) { e.details = R"({"n": 2})"; }));
    // Field boundaries cannot be shifted: "ab"+"c" differs from "a"+"bc".
    CHECK(changed([](ChainEntry& e) {
        e.target_type = "sessio";
        e.request_id = "nr-1";
    }));
    CHECK(entry_hash(std::string(32, '\x02'), base) != h);
}

TEST_CASE("CSV cells are quoted and formula-looking values are defused", "[audit]") {
    LogEntry e;
    e.seq = 3;
    e.id = "id";
    e.occurred_at = "2026-11-22T10:00:00Z";
    e.actor_type = "user";
    e.actor_id = "=HYPERLINK(\"x\")";
    e.action = "user.signin";
    e.outcome = "failure";
    e.user_agent = "Mozilla, \"quoted\"\nnext";
    e.details = {{"a", 1}};
    const auto row = csv_row(e);
    CHECK_THAT(row, Catch::StartsWith("3,id,2026-11-22T10:00:00Z,user,\"'=HYPERLINK(\"\"x\"\")\","));
    CHECK_THAT(row, Catch::Contains("\"Mozilla, \"\"quoted\"\"\nnext\""));
    CHECK_THAT(row, Catch::Contains("\"{\"\"a\"\":1}\""));
    const std::string header = csv_header();
    CHECK(std::count(header.begin(), header.end(), ',') == 14);
}

TEST_CASE("audit log filters are validated", "[audit]") {
    LogFilter f;
    CHECK(validate(f).ok());
    f.since = "yesterday";
    CHECK(validate(f).error().message == "since must be an RFC 3339 timestamp, e.g. 2026-11-22T10:00:00Z");
    f.since = "2026-11-22T10:00:00Z";
    f.outcome = "maybe";
    CHECK_FALSE(validate(f).ok());
    f.outcome = "failure";
    f.action = "user.*";
    CHECK(validate(f).ok());
    f.action = "user.*; DROP";
    CHECK_FALSE(validate(f).ok());
    f.action.reset();
    f.organization_id = "acme";
    CHECK_FALSE(validate(f).ok());
    f.organization_id.reset();
    f.cursor = "not-a-cursor";
    CHECK_FALSE(validate(f).ok());
    f.cursor.reset();
    f.limit = 201;
    CHECK_FALSE(validate(f).ok());
}
