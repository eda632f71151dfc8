// The CSV form of a personal-data export and the request deadlines (no database).
#include "core/compliance/service.hpp"

#include <catch2/catch.hpp>

using janua::compliance::ComplianceService;
using nlohmann::json;

TEST_CASE("the CSV export has one row per field under its category and record", "[compliance][unit]") {
    const json doc = {{"format", "janua.personal-data-export"},
                      {"user_id", "u1"},
                      {"profile", {{"email", "ada@example.com"}, {"metadata", {{"team", "red"}}}}},
                      {"sessions", json::array({{{"id", "s1"}, {"amr", {"pwd", "otp"}}, {"ip_address", nullptr}}})},
                      {"api_keys", json::array()}};
    const std::string csv = ComplianceService::export_csv(doc);
    CHECK(csv.rfind("category,record,field,value\r\n", 0) == 0);
    CHECK(csv.find("export,,format,janua.personal-data-export\r\n") != std::string::npos);
    CHECK(csv.find("profile,u1,email,ada@example.com\r\n") != std::string::npos);
    CHECK(csv.find("profile,u1,metadata.team,red\r\n") != std::string::npos);
    CHECK(csv.find("sessions,s1,amr,\"[\"\"pwd\"\",\"\"otp\"\"]\"\r\n") != std::string::npos);
    CHECK(csv.find("sessions,s1,ip_address,\r\n") != std::string::npos);
    CHECK(csv.find("export,,api_keys,[]\r\n") != std::string::npos);
}

TEST_CASE("CSV cells are quoted per RFC 4180 and formulas are defused", "[compliance][unit]") {
    const json doc = {{"user_id", "u1"},
                      {"profile", {{"first_name", "=HYPERLINK(\"x\")"}, {"last_name", "O'Neil, \"Jr\"\nIII"}}}};
    const std::string csv = ComplianceService::export_csv(doc);
    CHECK(csv.find("profile,u1,first_name,\"'=HYPERLINK(\"\"x\"\")\"\r\n") != std::string::npos);
    CHECK(csv.find("profile,u1,last_name,\"O'Neil, \"\"Jr\"\"\nIII\"\r\n") != std::string::npos);
}

TEST_CASE("requests are due 30 days after receipt under GDPR and 45 under CCPA", "[compliance][unit]") {
    CHECK(janua::compliance::deadline_days("gdpr") == 30);
    CHECK(janua::compliance::deadline_days("ccpa") == 45);
}
