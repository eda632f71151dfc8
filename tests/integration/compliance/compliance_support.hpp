#pragma once
// Compliance tests: a januad with a platform admin, people with data in every category, and
// the raw rows that must never leave the server (password hash, TOTP secret, token hashes).

#include "tests/integration/mfa/mfa_support.hpp"
#include "tests/integration/orgs/org_support.hpp"

#include <sys/stat.h>

namespace janua::test::compliance {

using namespace janua::test::orgs;
using nlohmann::json;

inline std::vector<std::string> column(const Server& s, const std::string& query) {
    pqxx::connection c(s.db.url());
    pqxx::work w(c);
    std::vector<std::string> out;
    for (const auto& row : w.exec(query))
        if (!row[0].is_null()) out.push_back(row[0].as<std::string>());
    return out;
}

inline json export_of(const Server& s, const std::string& user_id, const std::string& token) {
    return ok_json(call(s, "GET", "/api/v1/compliance/export/" + user_id, token));
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return !needle.empty() && haystack.find(needle) != std::string::npos;
}

// Every audit entry still verifies (the CLI's `janua audit verify`, direct mode).
inline void require_audit_chain_valid(const Server& s) {
    auto verified = cli_json(direct_args(s, {"audit", "verify"}));
    INFO(verified.dump());
    REQUIRE(verified["valid"] == true);
    REQUIRE(verified["entries_checked"].get<long long>() > 0);
}

inline int file_mode(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<int>(st.st_mode & 0777);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("janua-compliance-" + std::to_string(::getpid()) + "-" + name))
        .string();
}

}  // namespace janua::test::compliance
