#pragma once
// Shared pieces of the SCIM tests: an organization with a SCIM token, SCIM calls with it.

#include "tests/integration/orgs/org_support.hpp"

#include <set>

namespace janua::test::scim {

using namespace janua::test::orgs;

inline const std::string k_user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline const std::string k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline const std::string k_patch_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline const std::string k_error_schema = "urn:ietf:params:scim:api:messages:2.0:Error";

inline std::string encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

inline HttpResponse scim_call(const Server& s, const std::string& method, const std::string& path, const std::string& token,
                              const json& body = nullptr, std::map<std::string, std::string> headers = {}) {
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http(method, s.base(), "/scim/v2" + path, body.is_null() ? std::string() : body.dump(), headers,
                "application/scim+json");
}

inline json scim_ok(const HttpResponse& r, int status = 200) {
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == status);
    return r.body.empty() ? json(nullptr) : json::parse(r.body);
}

// A SCIM error response: status, schema, scimType (may be empty).
inline std::string scim_type_of(const HttpResponse& r, int status) {
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == status);
    auto body = json::parse(r.body);
    CHECK(body["schemas"] == json::array({k_error_schema}));
    CHECK(body["status"] == std::to_string(status));
    CHECK(body["detail"].is_string());
    return body.value("scimType", "");
}

inline json user_body(const std::string& email, json extra = json::object()) {
    json b = {{"schemas", {k_user_schema}}, {"userName", email}};
    b.update(extra);
    return b;
}

inline std::string token_for(const Server& s, const TestUser& owner, const std::string& org_id, const std::string& name = "idp") {
    auto created = ok_json(call(s, "POST", k_orgs + "/" + org_id + "/scim/tokens", owner.token, {{"name", name}}), 201);
    return created["token"];
}

inline std::set<std::string> user_names(const json& list) {
    std::set<std::string> out;
    for (const auto& r : list["Resources"]) out.insert(r["userName"].get<std::string>());
    return out;
}

}  // namespace janua::test::scim
