// libFuzzer target for the SCIM filter parser (core/scim/filter.cpp) and its SQL translation.
// Any input must come back as a filter or an invalidFilter error: no crash, no hang, no
// unbounded memory, and no SQL text taken from the input (every value is a parameter).
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DJANUA_FUZZ=ON -DJANUA_BUILD_TESTS=OFF
//   cmake --build build-fuzz --target janua_fuzz_scim_filter
//   build-fuzz/janua_fuzz_scim_filter -max_total_time=60 -max_len=4200 tests/fuzz/corpus/scim_filter
#include "core/scim/filter.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace janua::scim;

namespace {

// A small schema like the Users one: strings, a boolean, a dateTime and a multi-valued attribute.
SqlContext context(nlohmann::json& params) {
    SqlContext c;
    c.params = &params;
    c.resolve = [](const AttrPath& p) -> std::optional<Column> {
        if (p.attr == "username" && p.sub.empty()) return Column{"u.email", AttrType::string, false, false, {}};
        if (p.attr == "id" && p.sub.empty()) return Column{"u.id", AttrType::string, true, false, {}};
        if (p.attr == "active" && p.sub.empty()) return Column{"a", AttrType::boolean, false, false, {}};
        if (p.attr == "meta" && p.sub == "created") return Column{"c", AttrType::datetime, false, false, {}};
        if (p.attr == "n" && p.sub.empty()) return Column{"n", AttrType::number, false, false, {}};
        if (p.attr == "emails" && p.sub.empty()) return Column{"", AttrType::string, false, true, "src AS e(v)"};
        return std::nullopt;
    };
    c.resolve_sub = [](const std::string& attr, const std::string& sub) -> std::optional<Column> {
        if (attr != "emails") return std::nullopt;
        if (sub == "value" || sub == "type") return Column{"(e.v->>'" + sub + "')", AttrType::string, false, false, {}};
        if (sub == "primary") return Column{"p", AttrType::boolean, false, false, {}};
        return std::nullopt;
    };
    c.prefilter = [](const std::string& attr, const std::string& sub, const std::string& like) -> std::optional<std::string> {
        if (attr != "emails" || sub != "value") return std::nullopt;
        return "pre LIKE " + like;
    };
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto filter = parse_filter(text);
    if (!filter) {
        // An error always says where.
        if (!filter.error().details.contains("position")) std::abort();
        return 0;
    }
    nlohmann::json params = nlohmann::json::array({"org"});
    auto ctx = context(params);
    auto sql = to_sql(*filter, ctx);
    if (sql) {
        // Quotes in the SQL come only from the fixed column expressions above, never from input.
        std::size_t quotes = 0;
        for (char ch : *sql) quotes += ch == '\'';
        if (quotes % 2 != 0) std::abort();
        if (sql->find(';') != std::string::npos) std::abort();
    }
    return 0;
}
