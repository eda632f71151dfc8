#include "core/scim/discovery.hpp"

#include "core/scim/bulk.hpp"
#include "core/scim/group_patch.hpp"
#include "core/scim/users.hpp"

namespace janua::scim {
namespace {

struct Attr {
    const char* name;
    const char* type = "string";
    bool multi = false;
    bool required = false;
    bool case_exact = false;
    const char* mutability = "readWrite";
    const char* returned = "default";
    const char* uniqueness = "none";
};

nlohmann::json attr(const Attr& a, nlohmann::json subs = nullptr) {
    nlohmann::json out = {{"name", a.name},         {"type", a.type},
                          {"multiValued", a.multi}, {"description", ""},
                          {"required", a.required}, {"caseExact", a.case_exact},
                          {"mutability", a.mutability}, {"returned", a.returned},
                          {"uniqueness", a.uniqueness}};
    if (!subs.is_null()) out["subAttributes"] = std::move(subs);
    return out;
}

nlohmann::json multi_subs() {
    return nlohmann::json::array({attr({"value", "string", false, true}), attr({"type"}), attr({"display"}),
                                  attr({"primary", "boolean"})});
}

nlohmann::json user_schema() {
    return {{"id", k_user_schema},
            {"name", "User"},
            {"description", "A member of the organization; userName is the Janua user's email address"},
            {"attributes",
             nlohmann::json::array(
                 {attr({"userName", "string", false, true, false, "readWrite", "always", "server"}),
                  attr({"name", "complex"}, nlohmann::json::array({attr({"formatted"}), attr({"givenName"}), attr({"familyName"})})),
                  attr({"displayName"}), attr({"nickName"}), attr({"title"}), attr({"locale"}), attr({"timezone"}),
                  attr({"active", "boolean"}), attr({"emails", "complex", true}, multi_subs()),
                  attr({"phoneNumbers", "complex", true}, multi_subs())})}};
}

nlohmann::json enterprise_schema() {
    return {{"id", k_enterprise_schema},
            {"name", "EnterpriseUser"},
            {"description", "Enterprise User extension, kept per organization"},
            {"attributes", nlohmann::json::array({attr({"employeeNumber"}), attr({"costCenter"}), attr({"organization"}),
                                                  attr({"division"}), attr({"department"}),
                                                  attr({"manager", "complex"}, nlohmann::json::array({attr({"value"}), attr({"displayName", "string", false, false, false, "readOnly"})}))})}};
}

nlohmann::json group_schema() {
    return {{"id", k_group_schema},
            {"name", "Group"},
            {"description", "An organization role; its members are the members holding it (one role per member)"},
            {"attributes",
             nlohmann::json::array(
                 {attr({"displayName", "string", false, true, false, "readWrite", "default", "server"}),
                  attr({"members", "complex", true, false, false, "readWrite", "default"},
                       nlohmann::json::array({attr({"value", "string", false, true, true, "immutable"}),
                                              attr({"$ref", "reference", false, false, true, "immutable"}),
                                              attr({"display", "string", false, false, false, "readOnly"}),
                                              attr({"type", "string", false, false, false, "immutable"})}))})}};
}

}  // namespace

nlohmann::json service_provider_config(const std::string& base_url, long long max_payload_bytes) {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
            {"documentationUri", base_url + "/docs/api.md#scim"},
            {"patch", {{"supported", true}}},
            {"bulk", {{"supported", true}, {"maxOperations", k_bulk_max_operations}, {"maxPayloadSize", max_payload_bytes}}},
            {"filter", {{"supported", true}, {"maxResults", k_max_page}}},
            {"changePassword", {{"supported", false}}},
            {"sort", {{"supported", true}}},
            {"etag", {{"supported", true}}},
            {"authenticationSchemes",
             nlohmann::json::array({{{"type", "oauthbearertoken"},
                                     {"name", "SCIM bearer token"},
                                     {"description", "A per-organization token from `janua scim token create --org ORG`"},
                                     {"primary", true}}})},
            {"meta", {{"resourceType", "ServiceProviderConfig"}, {"location", base_url + "/scim/v2/ServiceProviderConfig"}}}};
}

nlohmann::json schemas(const std::string& base_url) {
    nlohmann::json out = nlohmann::json::array();
    for (auto s : {user_schema(), enterprise_schema(), group_schema()}) {
        s["schemas"] = {"urn:ietf:params:scim:schemas:core:2.0:Schema"};
        s["meta"] = {{"resourceType", "Schema"}, {"location", base_url + "/scim/v2/Schemas/" + s["id"].get<std::string>()}};
        out.push_back(s);
    }
    return out;
}

nlohmann::json resource_types(const std::string& base_url) {
    return nlohmann::json::array(
        {{{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}},
          {"id", "User"},
          {"name", "User"},
          {"endpoint", "/Users"},
          {"description", "Members of the token's organization"},
          {"schema", k_user_schema},
          {"schemaExtensions", nlohmann::json::array({{{"schema", k_enterprise_schema}, {"required", false}}})},
          {"meta", {{"resourceType", "ResourceType"}, {"location", base_url + "/scim/v2/ResourceTypes/User"}}}},
         {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}},
          {"id", "Group"},
          {"name", "Group"},
          {"endpoint", "/Groups"},
          {"description", "The organization's roles (system and custom); members are the members holding each"},
          {"schema", k_group_schema},
          {"schemaExtensions", nlohmann::json::array()},
          {"meta", {{"resourceType", "ResourceType"}, {"location", base_url + "/scim/v2/ResourceTypes/Group"}}}}});
}

}  // namespace janua::scim
