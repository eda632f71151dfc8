// daemon/http.cpp's JSON body parsing: objects only, a clear 400 otherwise, and a nesting limit
// checked before the parser runs.
#include "daemon/http.hpp"

#include <catch2/catch.hpp>

using namespace janua;
using namespace janua::daemon;

namespace {

Result<nlohmann::json> parse(const std::string& body) {
    Request r;
    r.body = body;
    return parse_json_object(r);
}

}  // namespace

TEST_CASE("JSON bodies must be objects nested at most 64 deep", "[daemon]") {
    CHECK(parse(R"({"a":[1,{"b":"c"}]})").ok());
    CHECK(parse("").error().code == ErrorCode::bad_request);
    CHECK(parse("[1]").error().message == "request body must be a JSON object");
    CHECK(parse("{").error().message == "request body is not valid JSON");

    std::string at_limit = "{\"a\":", over_limit = "{\"a\":";
    for (int i = 1; i < 64; ++i) at_limit += "[";
    for (int i = 1; i < 64; ++i) at_limit += "]";
    at_limit += "}";
    CHECK(parse(at_limit).ok());
    for (int i = 1; i < 65; ++i) over_limit += "[";
    for (int i = 1; i < 65; ++i) over_limit += "]";
    over_limit += "}";
    auto refused = parse(over_limit);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message == "request body nests arrays and objects more than 64 deep");

    // Brackets inside strings (and escaped quotes) do not count.
    std::string quoted = R"({"text":")" + std::string(500, '[') + R"(\"[[[" })";
    CHECK(parse(quoted).ok());
    // A megabyte of '[' is refused by the scan, not handed to the parser.
    CHECK(parse(std::string(1 << 20, '[')).error().code == ErrorCode::bad_request);
}
