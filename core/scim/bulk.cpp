#include "core/scim/bulk.hpp"

#include <algorithm>
#include <map>

namespace janua::scim {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

constexpr const char* k_prefix = "bulkId:";

// Replace every "bulkId:x" string with the id x was given; the first unknown one is an error.
std::optional<std::string> resolve_refs(nlohmann::json& value, const std::map<std::string, std::string>& ids) {
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text.rfind(k_prefix, 0) != 0) return std::nullopt;
        const auto found = ids.find(text.substr(std::string(k_prefix).size()));
        if (found == ids.end()) return text;
        value = found->second;
        return std::nullopt;
    }
    if (value.is_array() || value.is_object())
        for (auto& item : value)
            if (auto bad = resolve_refs(item, ids)) return bad;
    return std::nullopt;
}

struct Outcome {
    int status = 200;
    std::optional<Resource> resource;
    std::optional<Error> error;
};

Outcome dispatch(UserService& users, GroupService& groups, const TokenPrincipal& who, const std::string& method,
                 const std::string& type, const std::string& id, const nlohmann::json& data, const std::string& version) {
    auto done = [](Result<Resource> r, int status) {
        Outcome o;
        if (!r) o.error = r.error();
        else {
            o.status = status;
            o.resource = *r;
        }
        return o;
    };
    auto gone = [](Status s) {
        Outcome o;
        if (!s) o.error = s.error();
        else o.status = 204;
        return o;
    };
    const bool is_users = type == "Users";
    if (method == "POST") return done(is_users ? users.create(who, data) : groups.create(who, data), 201);
    if (method == "PUT") return done(is_users ? users.replace(who, id, data, version) : groups.replace(who, id, data, version), 200);
    if (method == "PATCH") return done(is_users ? users.patch(who, id, data, version) : groups.patch(who, id, data, version), 200);
    return gone(is_users ? users.remove(who, id, version) : groups.remove(who, id, version));
}

}  // namespace

int scim_status(const Error& error) {
    if (error.details.is_object() && error.details.contains("status") && error.details["status"].is_number_integer())
        return error.details["status"].get<int>();
    switch (error.code) {
    case ErrorCode::validation:  // SCIM reports bad input as 400, not 422
    case ErrorCode::bad_request: return 400;
    case ErrorCode::authentication:
    case ErrorCode::token: return 401;
    case ErrorCode::authorization: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::account_locked: return 423;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
    // SSO failures never come out of SCIM; mapped as the API maps them.
    case ErrorCode::sso_authentication: return 401;
    case ErrorCode::sso_provisioning: return 403;
    case ErrorCode::sso_validation: return 400;
    case ErrorCode::sso_configuration:
    case ErrorCode::sso_metadata:
    case ErrorCode::sso_certificate: return 422;
    }
    return 500;
}

nlohmann::json scim_error_body(const Error& error) {
    const int status = scim_status(error);
    nlohmann::json body = {{"schemas", {k_error_schema}}, {"detail", status == 500 ? "internal error" : error.message},
                           {"status", std::to_string(status)}};
    if (error.details.is_object() && error.details.contains("scimType")) body["scimType"] = error.details["scimType"];
    return body;
}

Result<nlohmann::json> run_bulk(UserService& users, GroupService& groups, const TokenPrincipal& who, const nlohmann::json& body) {
    if (!body.is_object() || !body.contains("schemas") || !body["schemas"].is_array() ||
        std::find(body["schemas"].begin(), body["schemas"].end(), k_bulk_request_schema) == body["schemas"].end())
        return scim_error(400, "invalidSyntax", std::string("schemas must list ") + k_bulk_request_schema);
    const nlohmann::json* ops = nullptr;
    std::optional<long long> fail_on_errors;
    for (const auto& [k, v] : body.items()) {
        const std::string key = lower(k);
        if (key == "operations") ops = &v;
        if (key == "failonerrors" && !v.is_null()) {
            if (!v.is_number_integer() || v.get<long long>() < 1)
                return scim_error(400, "invalidValue", "failOnErrors must be a whole number of at least 1");
            fail_on_errors = v.get<long long>();
        }
    }
    if (!ops || !ops->is_array()) return scim_error(400, "invalidSyntax", "Operations must be an array");
    if (ops->size() > static_cast<std::size_t>(k_bulk_max_operations))
        return scim_error(413, "tooMany", "at most " + std::to_string(k_bulk_max_operations) +
                                              " operations per request (ServiceProviderConfig bulk.maxOperations)");
    std::map<std::string, std::string> ids;  // bulkId -> resource id
    nlohmann::json results = nlohmann::json::array();
    long long errors = 0;
    for (const auto& op_in : *ops) {
        if (fail_on_errors && errors >= *fail_on_errors) break;
        nlohmann::json result = nlohmann::json::object();
        auto fail = [&](const Error& e) {
            result["status"] = std::to_string(scim_status(e));
            result["response"] = scim_error_body(e);
            results.push_back(result);
            ++errors;
        };
        if (!op_in.is_object()) {
            fail(scim_error(400, "invalidSyntax", "each operation must be an object"));
            continue;
        }
        std::string method, path, bulk_id, version;
        nlohmann::json data;
        for (const auto& [k, v] : op_in.items()) {
            const std::string key = lower(k);
            if (key == "method" && v.is_string()) method = v.get<std::string>();
            else if (key == "path" && v.is_string()) path = v.get<std::string>();
            else if (key == "bulkid" && v.is_string()) bulk_id = v.get<std::string>();
            else if (key == "version" && v.is_string()) version = v.get<std::string>();
            else if (key == "data") data = v;
        }
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        result["method"] = method;
        if (!bulk_id.empty()) result["bulkId"] = bulk_id;
        if (!version.empty()) result["version"] = version;
        if (method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE") {
            fail(scim_error(400, "invalidSyntax", "method must be POST, PUT, PATCH or DELETE"));
            continue;
        }
        if (method == "POST" && bulk_id.empty()) {
            fail(scim_error(400, "invalidSyntax", "a POST operation needs a bulkId"));
            continue;
        }
        if (method == "POST" && ids.count(bulk_id)) {
            fail(scim_error(400, "uniqueness", "bulkId '" + bulk_id + "' is used twice"));
            continue;
        }
        // Path: /Users, /Groups (POST) or /Users/{id}, /Groups/{id} (the id may be "bulkId:x").
        std::string type, id;
        {
            const std::string& p = path;
            if (p.rfind("/Users", 0) == 0) type = "Users";
            else if (p.rfind("/Groups", 0) == 0) type = "Groups";
            const std::string rest = type.empty() ? std::string() : p.substr(type.size() + 1);
            if (!rest.empty() && rest[0] == '/') id = rest.substr(1);
            else if (!rest.empty()) type.clear();
        }
        if (type.empty() || (method == "POST") != id.empty()) {
            fail(scim_error(400, "invalidPath",
                            "path must be /Users or /Groups for POST and /Users/{id} or /Groups/{id} otherwise, not '" + path + "'"));
            continue;
        }
        if (id.rfind(k_prefix, 0) == 0) {
            const auto found = ids.find(id.substr(std::string(k_prefix).size()));
            if (found == ids.end()) {
                fail(scim_error(409, "invalidValue", "'" + id + "' names no resource created earlier in this request"));
                continue;
            }
            id = found->second;
        }
        if (method != "DELETE") {
            if (!data.is_object()) {
                fail(scim_error(400, "invalidSyntax", method + " needs data (the resource or PatchOp)"));
                continue;
            }
            if (auto bad = resolve_refs(data, ids)) {
                fail(scim_error(409, "invalidValue", "'" + *bad + "' names no resource created earlier in this request"));
                continue;
            }
        }
        Outcome outcome = dispatch(users, groups, who, method, type, id, data, version);
        if (outcome.error) {
            fail(*outcome.error);
            continue;
        }
        result["status"] = std::to_string(outcome.status);
        if (outcome.resource) {
            const std::string new_id = outcome.resource->body["id"].get<std::string>();
            result["location"] = outcome.resource->body["meta"]["location"];
            result["version"] = outcome.resource->etag;
            if (method == "POST") ids[bulk_id] = new_id;
        }
        results.push_back(result);
    }
    return nlohmann::json{{"schemas", {k_bulk_response_schema}}, {"Operations", results}};
}

}  // namespace janua::scim
