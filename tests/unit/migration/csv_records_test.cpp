// The CSV reader of Auth0 user exports (no database): quoting, the ' escape, bounded rows, and
// a row per record whatever the line breaks inside quotes.
#include "core/migration/csv_records.hpp"
#include "core/migration/json_stream.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

using namespace janua::migration;
using nlohmann::json;

namespace {

// Serves a string a few bytes at a time, so rows straddle buffer refills.
class StringSource : public ByteSource {
public:
    explicit StringSource(std::string text) : m_text(std::move(text)) {}
    std::size_t read(char* out, std::size_t size) override {
        const std::size_t n = std::min({size, m_text.size() - m_pos, std::size_t{7}});
        std::memcpy(out, m_text.data() + m_pos, n);
        m_pos += n;
        return n;
    }
    std::uint64_t consumed() const override { return m_pos; }

private:
    std::string m_text;
    std::size_t m_pos = 0;
};

std::vector<RawRecord> read_all(const std::string& text, std::size_t limit = 1 << 20) {
    StringSource source(text);
    RecordReader reader(source, limit);
    std::vector<RawRecord> out;
    for (RawRecord r; reader.next(r);) out.push_back(r);
    return out;
}

}  // namespace

TEST_CASE("CSV export rows become export records: quotes doubled, newlines inside quotes, the ' escape undone", "[migration][csv][unit]") {
    const auto rows = read_all("\xEF\xBB\xBFuser_id,email,email_verified,logins_count,name,app_metadata.plan,identities\r\n"
                               "\"'auth0|1\",\"'a@example.com\",true,7,\"'Say \"\"hi\"\"\r\nthere\",\"'pro\",\"[{\"\"provider\"\":\"\"github\"\"}]\"\r\n"
                               "\r\n"
                               "\"'auth0|2\",\"'b@example.com\",false,,,,\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].csv);
    CHECK(rows[0].line == 2);
    auto first = json::parse(rows[0].text);
    CHECK(first["user_id"] == "auth0|1");
    CHECK(first["email_verified"] == true);
    CHECK(first["logins_count"] == 7);
    CHECK(first["name"] == "Say \"hi\"\r\nthere");
    CHECK(first["app_metadata"]["plan"] == "pro");
    CHECK(first["identities"][0]["provider"] == "github");
    CHECK(rows[1].line == 5);  // the quoted line break and the blank line counted
    auto second = json::parse(rows[1].text);
    CHECK(second == json{{"user_id", "auth0|2"}, {"email", "b@example.com"}, {"email_verified", false}});
}

TEST_CASE("a CSV row longer than the record limit is refused alone and reading goes on", "[migration][csv][unit]") {
    const auto rows = read_all("user_id,email,name\n\"'auth0|1\",\"'a@example.com\",\"" + std::string(200, 'x') + "\"\n"
                               "\"'auth0|2\",\"'b@example.com\",short\n",
                               64);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].error_code == "MAX_LENGTH");
    CHECK(rows[0].text.empty());
    CHECK(json::parse(rows[1].text)["name"] == "short");
}

TEST_CASE("a CSV header without user_id or email stops the file at line 1", "[migration][csv][unit]") {
    const auto rows = read_all("id,mail\n1,a@example.com\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].line == 1);
    CHECK(rows[0].error_code == "FORMAT");
    CHECK(rows[0].error.find("no user_id column") != std::string::npos);
    const auto repeated = read_all("user_id,email,email\n");
    REQUIRE(repeated.size() == 1);
    CHECK(repeated[0].error.find("twice") != std::string::npos);
}

TEST_CASE("JSON inputs are still told from CSV by their first character", "[migration][csv][unit]") {
    const auto ndjson = read_all("{\"email\":\"a@example.com\"}\n");
    REQUIRE(ndjson.size() == 1);
    CHECK_FALSE(ndjson[0].csv);
    const auto array = read_all("  [{\"email\":\"a@example.com\"}]");
    REQUIRE(array.size() == 1);
    CHECK_FALSE(array[0].csv);
}

TEST_CASE("a CSV row that is not UTF-8 is refused alone and reading goes on", "[migration][csv][unit]") {
    // Found by fuzz_auth0_import: the row could not be turned into JSON and the exception ended
    // the whole file.
    const auto rows = read_all("user_id,email,name\nauth0|1,a@example.com,caf\xE9\nauth0|2,b@example.com,ok\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].error == "the row is not valid UTF-8");
    CHECK(rows[0].error_code == "FORMAT");
    CHECK(json::parse(rows[1].text)["name"] == "ok");
}
