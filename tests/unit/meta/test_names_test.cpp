// ctest runs each Catch test case by its name (catch_discover_tests). A name that the test-spec
// syntax reads differently selects nothing, and ctest then reports the empty run as Passed: a ';'
// splits the ctest list, a leading '~' negates, a leading '#' names a file, a leading '*' is a
// wildcard (catch_discover_tests escapes ',', '[' and ']'; a '*' elsewhere still selects the case). Such names made ten cases vacuous once; this keeps it from happening again.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

std::vector<std::string> test_case_names(const std::filesystem::path& root) {
    static const std::regex test_case(R"re(TEST_CASE\s*\(\s*"((?:[^"\\]|\\.)*)")re");
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), test_case), end; it != end; ++it)
            names.push_back((*it)[1].str());
    }
    return names;
}

}  // namespace

TEST_CASE("every test case name can be selected by ctest", "[meta]") {
    const std::string source = JANUA_SOURCE_DIR;
    std::set<std::string> seen;
    std::size_t count = 0;
    for (const char* suite : {"/tests/unit", "/tests/integration"}) {
        for (const auto& name : test_case_names(source + suite)) {
            INFO(suite << ": \"" << name << "\"");
            ++count;
            CHECK(name.find(';') == std::string::npos);
            REQUIRE(!name.empty());
            CHECK(std::string("~#*").find(name.front()) == std::string::npos);
            CHECK(name.front() != ' ');
            CHECK(name.back() != ' ');
            // Two cases with one name would run as one under ctest (the second never alone).
            CHECK(seen.insert(std::string(suite) + name).second);
        }
    }
    CHECK(count > 400);  // the scan found the suites (and is not vacuous itself)
}
